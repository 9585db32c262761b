import type { RateLimiter } from "../common/rate-limiter.ts";

/**
 * The DigitalOcean API through its official TypeScript client, `@digitalocean/dots` (generated
 * by Microsoft Kiota from DigitalOcean's own OpenAPI description and published by DigitalOcean;
 * the community wrappers — `dots-wrapper`, `do-wrapper` — are hand-written and trail the API).
 *
 * How it is used, and why:
 * - The SDK builds every request (`toGetRequestInformation`: URI template, query names such as
 *   `per_page` and `host_id`, the bearer token from its `DigitalOceanApiKeyAuthenticationProvider`)
 *   and sends it through its Kiota fetch adapter, pointed at `endpoint` (an emulator) when given.
 * - The body is taken as bytes (`sendPrimitive(…, "ArrayBuffer")`) and parsed here rather than
 *   by the SDK's model deserializers: in dots 1.19.0 every model with a list of strings (a
 *   droplet's `tags`, `volume_ids`) throws "encountered an unsupported type during
 *   deserialization undefined" under the Kiota JSON parser it installs (microsoft/kiota-typescript
 *   #2061, fixed upstream by #2135, not yet in a release dots pins). Parsing the wire JSON keeps
 *   the API's own snake_case fields in `configuration` and its decimal strings exact.
 * - The package ships TypeScript sources rather than declarations, and those do not compile
 *   under this repository's settings; it is therefore imported through a specifier TypeScript
 *   does not follow, behind the narrow interfaces below (only the builders used).
 * - Kiota's own retry handler is switched off per request: throttles and 5xx are retried here,
 *   so every 429 is counted (`onThrottle`) and the attempts are the adapter's `maxAttempts`.
 */

/** What the SDK's request builders produce; opaque here. */
export type RequestInformation = object;

interface GetBuilder {
  toGetRequestInformation(config?: { queryParameters?: Record<string, unknown>; options?: readonly object[] }): RequestInformation;
}

/** The builders of `client.v2` this adapter uses. */
export interface DotsV2 {
  account: GetBuilder;
  regions: GetBuilder;
  droplets: GetBuilder;
  volumes: GetBuilder;
  databases: GetBuilder;
  vpcs: GetBuilder;
  firewalls: GetBuilder;
  reserved_ips: GetBuilder;
  load_balancers: GetBuilder;
  cdn: { endpoints: GetBuilder };
  kubernetes: { clusters: GetBuilder };
  customers: { my: { balance: GetBuilder; invoices: GetBuilder & { byInvoice_uuid(uuid: string): GetBuilder } } };
  monitoring: {
    metrics: { droplet: { cpu: GetBuilder; memory_total: GetBuilder; memory_available: GetBuilder; bandwidth: GetBuilder } };
  };
}

interface KiotaAdapter {
  baseUrl: string;
  sendPrimitive(info: RequestInformation, responseType: "ArrayBuffer", errorMappings: Record<string, unknown>): Promise<ArrayBuffer | undefined>;
}

interface DotsModule {
  createDigitalOceanClient(adapter: KiotaAdapter): { v2: DotsV2 };
  createErrorEscapedFromDiscriminatorValue: unknown;
}

interface DotsServicesModule {
  createDigitalOceanClient(token: string): { adapter: KiotaAdapter };
}

// Held in variables so TypeScript does not type-check the SDK's shipped sources (see above).
const dotsSpecifier: string = "@digitalocean/dots";
const dotsServicesSpecifier: string = "@digitalocean/dots/src/dots/services/index.js";

/** One answer: the parsed JSON body and the rate-limit headers that came with it. */
export interface DoAnswer {
  body: unknown;
  rateLimit: { limit: number | null; remaining: number | null; reset: number | null };
}

/** The error the SDK throws for a non-2xx answer (its `error` model, with Kiota's status and headers). */
export interface DoApiError {
  responseStatusCode?: number;
  responseHeaders?: Record<string, string[]>;
  id?: string;
  messageEscaped?: string;
  message?: string;
}

export function isDoApiError(e: unknown): e is DoApiError & object {
  return typeof e === "object" && e !== null && typeof (e as DoApiError).responseStatusCode === "number";
}

export interface DoTeamConnection {
  v2: DotsV2;
  adapter: KiotaAdapter;
  errorMappings: Record<string, unknown>;
}

/** Makes one SDK client per team token, on first use; the SDK itself is imported then too. */
export function createDoConnections(endpoint: string | undefined): (token: string) => Promise<DoTeamConnection> {
  let modules: Promise<[DotsModule, DotsServicesModule]> | undefined;
  const byToken = new Map<string, Promise<DoTeamConnection>>();
  return (token) => {
    let connection = byToken.get(token);
    if (!connection) {
      modules ??= Promise.all([import(dotsSpecifier) as Promise<DotsModule>, import(dotsServicesSpecifier) as Promise<DotsServicesModule>]);
      connection = modules.then(([dots, services]) => {
        // The services helper wraps the token in the SDK's own auth provider and a Kiota fetch adapter.
        const { adapter } = services.createDigitalOceanClient(token);
        if (endpoint) adapter.baseUrl = endpoint.replace(/\/$/, "");
        const client = dots.createDigitalOceanClient(adapter);
        return { v2: client.v2, adapter, errorMappings: { XXX: dots.createErrorEscapedFromDiscriminatorValue } };
      });
      byToken.set(token, connection);
    }
    return connection;
  };
}

/** Kiota request options are matched by key, so these plain objects configure its handlers. */
const noKiotaRetry = { getKey: () => "RetryHandlerOptionKey", delay: 0, maxRetries: 0, shouldRetry: () => false, getMaxDelay: () => 0 };

function headerCollector() {
  const seen = new Map<string, string>();
  return {
    seen,
    option: {
      getKey: () => "HeadersInspectionOptionsKey",
      inspectRequestHeaders: false,
      inspectResponseHeaders: true,
      getRequestHeaders: () => ({ add: () => undefined }),
      getResponseHeaders: () => ({ add: (k: string, v: string) => seen.set(k.toLowerCase(), v) }),
    },
  };
}

function numberOrNull(v: string | undefined): number | null {
  if (v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

export interface DoSendSettings {
  limiter: RateLimiter;
  maxAttempts: number;
  retryDelayMs: number;
  maxRetryDelayMs: number;
  timeoutMs: number;
  onThrottle: (() => void) | undefined;
  /** Told the rate-limit headers of every answer (for logs and the adapter's view of the budget). */
  onAnswer?: (team: string, rateLimit: DoAnswer["rateLimit"]) => void;
}

/** Why a request was given up, with how many attempts it took (for the error mapper). */
export class DoRequestFailure extends Error {
  constructor(
    override readonly cause: unknown,
    readonly attempts: number,
    readonly operation: string,
  ) {
    super(cause instanceof Error ? cause.message : String((cause as DoApiError)?.messageEscaped ?? cause));
  }
}

const sleep = (ms: number, signal: AbortSignal | undefined) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(t);
      reject(signal.reason);
    }, { once: true });
  });

/** Throttles, server errors and transport failures are worth another attempt; other answers are final. */
export function isRetryable(error: unknown): boolean {
  if (isDoApiError(error)) {
    const status = error.responseStatusCode as number;
    return status === 429 || status >= 500;
  }
  return !(error instanceof DOMException && error.name === "AbortError");
}

/**
 * One GET: waits for the team's rate-limit token, sends through the SDK, retries throttles and
 * server errors with jittered exponential backoff, waiting at least the `Retry-After` a burst
 * (per-minute) 429 carries (an hourly 429 has none; its `ratelimit-reset` names when the oldest
 * request of the hour expires, too far to wait for in a sync), and parses the body.
 */
export async function doGet(
  connection: DoTeamConnection,
  team: string,
  operation: string,
  build: (v2: DotsV2, options: readonly object[]) => RequestInformation,
  settings: DoSendSettings,
  signal: AbortSignal | undefined,
): Promise<DoAnswer> {
  let attempt = 0;
  for (;;) {
    attempt += 1;
    await settings.limiter.acquire(team, signal);
    const headers = headerCollector();
    try {
      const info = build(connection.v2, [noKiotaRetry, headers.option]);
      const bytes = await withTimeout(connection.adapter.sendPrimitive(info, "ArrayBuffer", connection.errorMappings), settings.timeoutMs, operation);
      const rateLimit = { limit: numberOrNull(headers.seen.get("ratelimit-limit")), remaining: numberOrNull(headers.seen.get("ratelimit-remaining")), reset: numberOrNull(headers.seen.get("ratelimit-reset")) };
      settings.onAnswer?.(team, rateLimit);
      const text = bytes ? new TextDecoder().decode(bytes) : "";
      return { body: text ? JSON.parse(text) : null, rateLimit };
    } catch (error) {
      if (isDoApiError(error) && error.responseStatusCode === 429) settings.onThrottle?.();
      if (signal?.aborted || !isRetryable(error) || attempt >= settings.maxAttempts) throw new DoRequestFailure(error, attempt, operation);
      const backoff = Math.min(settings.maxRetryDelayMs, settings.retryDelayMs * 2 ** (attempt - 1));
      const jittered = backoff / 2 + Math.random() * (backoff / 2);
      // A burst-limit 429 names its wait; no sooner, or the retry is refused again.
      await sleep(Math.max(jittered, retryAfterMs(error)), signal);
    }
  }
}

/** `Retry-After` of a 429 in ms (seconds form, at most a minute, as DigitalOcean's burst limit), else 0. */
export function retryAfterMs(error: unknown): number {
  if (!isDoApiError(error) || error.responseStatusCode !== 429) return 0;
  const value = error.responseHeaders?.["retry-after"]?.[0];
  const seconds = value === undefined ? Number.NaN : Number(value.trim());
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(60, seconds) * 1000 : 0;
}

class DoTimeoutError extends Error {
  override name = "DoTimeoutError";
}

function withTimeout<T>(promise: Promise<T>, ms: number, operation: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DoTimeoutError(`${operation} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
