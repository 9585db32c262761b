import type { NodeHttpHandler } from "@smithy/node-http-handler";
import type { RateLimiter } from "../common/rate-limiter.ts";
import { type AwsCredentialProvider, type AwsServiceClients, type ClientSettings, createServiceClients } from "./clients.ts";

/** What every stream's session is made from; fixed for the adapter's life. */
export interface SessionSettings {
  endpoint: string | undefined;
  maxAttempts: number;
  timeoutMs: number;
  limiter: RateLimiter;
  /**
   * The adapter's keep-alive socket pool, shared by its streams: a stream that follows another
   * (the next shard job on a pooled adapter) reuses its connections instead of opening (and,
   * against AWS, TLS-handshaking) new ones. The adapter's `close()` destroys it.
   */
  requestHandler: NodeHttpHandler;
  /** See AdapterOptions.onThrottle. */
  onThrottle?: (() => void) | undefined;
  credentialsOf(account: string): AwsCredentialProvider;
}

/** One stream's clients, per account × region, made on first use, over the adapter's socket pool. */
export interface AwsSession {
  clientsFor(account: string, region: string): AwsServiceClients;
  /**
   * Forgets one service's clients in every account and region, once the reads that use them
   * are done (an SDK client with its resolved config and middleware is 30–70 KB of heap, and an
   * organization's inventory makes one per service, account and region).
   */
  release(service: string): void;
  /** How many clients the session holds now, per service (the adapter's own accounting). */
  liveClients(): Map<string, number>;
  /** Drops the stream's clients; the sockets stay in the adapter's pool for the next stream. */
  close(): void;
}

export function openSession(settings: SessionSettings, signal: AbortSignal | undefined): AwsSession {
  const clientSettings: ClientSettings = {
    endpoint: settings.endpoint,
    maxAttempts: settings.maxAttempts,
    timeoutMs: settings.timeoutMs,
    requestHandler: settings.requestHandler,
    limiter: settings.limiter,
    signal,
    onThrottle: settings.onThrottle,
  };
  const clients = new Map<string, AwsServiceClients>();
  return {
    clientsFor(account, region) {
      const key = `${account}:${region}`;
      let c = clients.get(key);
      if (!c) {
        c = createServiceClients(account, region, settings.credentialsOf(account), clientSettings);
        clients.set(key, c);
      }
      return c;
    },
    release(service) {
      for (const c of clients.values()) c.release(service);
    },
    liveClients() {
      const live = new Map<string, number>();
      for (const c of clients.values()) for (const service of c.services()) live.set(service, (live.get(service) ?? 0) + 1);
      return live;
    },
    close() {
      clients.clear();
    },
  };
}
