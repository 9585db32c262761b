// Each client by its own path (here and in each kind's file): the package's index loads the
// static protobuf code of all of Compute (build/protos/protos.js, 30 MB of JavaScript), about
// 70 MB more RSS than the few clients used.
import { RegionsClient } from "@google-cloud/compute/build/src/v1/regions_client.js";
import type { AuthClient } from "google-auth-library";

/** The gax call options the adapter sets (a subset of gax's `CallOptions`). */
export interface GcpCallOptions {
  retry?: {
    retryCodes: number[];
    backoffSettings: {
      initialRetryDelayMillis: number;
      retryDelayMultiplier: number;
      maxRetryDelayMillis: number;
      initialRpcTimeoutMillis: number;
      rpcTimeoutMultiplier: number;
      maxRpcTimeoutMillis: number;
    };
  };
  maxRetries?: number;
  autoPaginate?: boolean;
}

export interface ListRequest {
  project: string;
  maxResults?: number;
  pageToken?: string;
}

/** Aggregated lists yield `[scopeKey, scopedList]` pairs (`["zones/us-east1-b", {instances}]`). */
export interface AggregatedLister {
  aggregatedListAsync(request: ListRequest, options?: GcpCallOptions): AsyncIterable<[string, object]>;
}

/** The request for the following page, as the SDK hands it back (protobuf-style nullable fields). */
export interface NextListRequest {
  project?: string | null;
  maxResults?: number | null;
  pageToken?: string | null;
}

/** One page per call when `autoPaginate` is false: items, the next request (or null), the raw answer. */
export interface PagedLister {
  list(request: NextListRequest, options?: GcpCallOptions): Promise<[object[], NextListRequest | null | undefined, unknown]>;
}

export interface RegionLister {
  listAsync(request: ListRequest, options?: GcpCallOptions): AsyncIterable<object>;
}

/** What every Compute client is made with: one auth client, one transport, one endpoint. */
export interface ComputeClientOptions {
  fallback: true;
  authClient: never;
  apiEndpoint?: string;
  port?: number;
  protocol?: string;
}

interface Closable {
  close(): Promise<void>;
}

/**
 * The Compute clients of one connection, each made when a kind first asks for it: every client
 * loads its own API description, so a stream narrowed to one kind loads one. A kind's file names
 * the SDK client it needs; nothing here has to change when a kind is added.
 */
export interface ComputeClients {
  /** The client of this class (`InstancesClient`…), made with the connection's options on first use. */
  get<C extends Closable>(Client: new (options: never) => C): C;
  /** A client of an SDK without gax (Cloud Storage, BigQuery), made once per connection. */
  memo<T>(key: string, make: () => T): T;
  readonly regions: RegionLister;
  close(): Promise<void>;
}

/** Host, port and scheme for the SDK, from an endpoint URL such as `http://127.0.0.1:8085`. */
export function connectionOptions(endpoint: string | undefined): Pick<ComputeClientOptions, "apiEndpoint" | "port" | "protocol"> {
  if (!endpoint) return {};
  const url = new URL(endpoint);
  const protocol = url.protocol.replace(":", "");
  if (protocol !== "http" && protocol !== "https") {
    throw new Error(`GCP endpoint must be an http(s) URL, got ${endpoint}`);
  }
  return {
    apiEndpoint: url.hostname,
    port: url.port ? Number(url.port) : protocol === "https" ? 443 : 80,
    protocol,
  };
}

/** The real SDK clients over the REST transport, all sending requests through `authClient`. */
export function createComputeClients(authClient: AuthClient, endpoint: string | undefined): ComputeClients {
  // The SDK is typed against its own copy of google-auth-library; the client is structurally the same.
  const options: ComputeClientOptions = { fallback: true, authClient: authClient as never, ...connectionOptions(endpoint) };
  const made = new Map<unknown, Closable>();
  const get = <C extends Closable>(Client: new (o: never) => C): C => {
    let client = made.get(Client) as C | undefined;
    if (!client) {
      client = new Client(options as never);
      made.set(Client, client);
    }
    return client;
  };
  const memos = new Map<string, unknown>();
  return {
    get,
    memo<T>(key: string, make: () => T): T {
      if (!memos.has(key)) memos.set(key, make());
      return memos.get(key) as T;
    },
    get regions(): RegionLister {
      return get(RegionsClient);
    },
    async close() {
      await Promise.allSettled([...made.values()].map((c) => c.close()));
    },
  };
}
