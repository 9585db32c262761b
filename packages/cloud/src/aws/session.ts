import type { RateLimiter } from "../common/rate-limiter.ts";
import { type AwsCredentialProvider, type AwsServiceClients, type ClientSettings, createRequestHandler, createServiceClients } from "./clients.ts";

/** What every stream's session is made from; fixed for the adapter's life. */
export interface SessionSettings {
  endpoint: string | undefined;
  maxAttempts: number;
  timeoutMs: number;
  limiter: RateLimiter;
  /** See AdapterOptions.onThrottle. */
  onThrottle?: (() => void) | undefined;
  credentialsOf(account: string): AwsCredentialProvider;
}

/** One stream's clients: one socket pool, clients per account × region made on first use. */
export interface AwsSession {
  clientsFor(account: string, region: string): AwsServiceClients;
  close(): void;
}

export function openSession(settings: SessionSettings, signal: AbortSignal | undefined): AwsSession {
  const clientSettings: ClientSettings = {
    endpoint: settings.endpoint,
    maxAttempts: settings.maxAttempts,
    timeoutMs: settings.timeoutMs,
    requestHandler: createRequestHandler(settings.timeoutMs, true),
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
    close() {
      clientSettings.requestHandler.destroy();
    },
  };
}
