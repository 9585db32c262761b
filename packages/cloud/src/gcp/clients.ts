// Each client by its own path: the package's index loads the static protobuf code of all of
// Compute (build/protos/protos.js, 30 MB of JavaScript), about 70 MB more RSS than these six.
import { DisksClient } from "@google-cloud/compute/build/src/v1/disks_client.js";
import { ForwardingRulesClient } from "@google-cloud/compute/build/src/v1/forwarding_rules_client.js";
import { GlobalForwardingRulesClient } from "@google-cloud/compute/build/src/v1/global_forwarding_rules_client.js";
import { InstancesClient } from "@google-cloud/compute/build/src/v1/instances_client.js";
import { NetworksClient } from "@google-cloud/compute/build/src/v1/networks_client.js";
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

/** Only the SDK calls the adapter makes. */
export interface ComputeClients {
  instances: AggregatedLister;
  disks: AggregatedLister;
  forwardingRules: AggregatedLister;
  networks: PagedLister;
  globalForwardingRules: PagedLister;
  regions: RegionLister;
  close(): Promise<void>;
}

/** Host, port and scheme for the SDK, from an endpoint URL such as `http://127.0.0.1:8085`. */
export function connectionOptions(endpoint: string | undefined): Record<string, unknown> {
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
  const options = { fallback: true, authClient: authClient as never, ...connectionOptions(endpoint) };
  const instances = new InstancesClient(options);
  const disks = new DisksClient(options);
  const forwardingRules = new ForwardingRulesClient(options);
  const networks = new NetworksClient(options);
  const globalForwardingRules = new GlobalForwardingRulesClient(options);
  const regions = new RegionsClient(options);
  return {
    instances,
    disks,
    forwardingRules,
    networks,
    globalForwardingRules,
    regions,
    async close() {
      await Promise.allSettled(
        [instances, disks, forwardingRules, networks, globalForwardingRules, regions].map((c) => c.close()),
      );
    },
  };
}
