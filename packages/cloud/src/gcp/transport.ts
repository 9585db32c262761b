import type { AuthClient } from "google-auth-library";
import type { RateLimiter } from "../common/rate-limiter.ts";

type GaxiosFetchOptions = Extract<Parameters<AuthClient["fetch"]>, [opts?: unknown]>[0];

/** gRPC status codes gax compares against its retry codes. */
export const GrpcCode = {
  CANCELLED: 1,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

/** The token endpoint refused the credentials; carries no part of the request. */
export class TokenRefusedError extends Error {
  readonly code = GrpcCode.UNAUTHENTICATED;
  constructor(readonly detail: string) {
    super(`the token endpoint refused the service account (${detail})`);
    this.name = "TokenRefusedError";
  }
}

/** A transport failure shaped so gax's retryer recognises it (it compares numeric `code`). */
export class TransientTransportError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
    this.name = "TransientTransportError";
  }
}

/** What the transport last saw for one request key, to explain a failure after retries. */
export interface RequestOutcome {
  /** HTTP status of the last answer; 0 for a network error, -1 for a timeout. */
  lastStatus: number;
  attempts: number;
}

export interface GatedTransport {
  /** Passed to the SDK clients as their `authClient`. */
  readonly authClient: AuthClient;
  outcome(key: string): RequestOutcome | undefined;
  reset(key: string): void;
}

/**
 * The key of one scope's requests: `<project>/<api path>` (`acme-prod/aggregated/instances`).
 * Used for the proactive rate limit and for remembering what the API last answered.
 */
export function requestKey(project: string, apiPath: string): string {
  return `${project}/${apiPath}`;
}

export function requestKeyFromUrl(url: string): string {
  const { pathname, searchParams } = new URL(url);
  const match = /\/projects\/([^/:]+)(?:\/|:|%3A)(.+)$/.exec(pathname);
  if (match) return requestKey(decodeURIComponent(match[1] as string), match[2] as string);
  // Cloud Storage names the project in the query (`/storage/v1/b?project=P`).
  const project = searchParams.get("project");
  return project ? requestKey(project, pathname.split("/").pop() as string) : pathname;
}

export interface GatedTransportOptions {
  limiter: RateLimiter;
  timeoutMs: number;
  /** Called for each 429 answer, retried or not (see AdapterOptions.onThrottle). */
  onThrottle?: (() => void) | undefined;
}

/**
 * Wraps the auth client the SDK sends every request through, to add what the SDK lacks:
 * - a proactive rate limit per scope before each page request;
 * - a per-request timeout (gax's REST fallback ignores its own deadline);
 * - HTTP errors handed to gax as responses, not thrown: gaxios 7 throws errors whose `code` is
 *   the HTTP status, which gax 5.0.x does not recognise as retryable (gax-nodejs#1803); as a
 *   response, gax decodes Google's error JSON into the gRPC code its retryer understands;
 * - network errors and timeouts given gRPC codes so gax retries them.
 */
export function createGatedTransport(inner: AuthClient, options: GatedTransportOptions): GatedTransport {
  const outcomes = new Map<string, RequestOutcome>();
  const record = (key: string, status: number) => {
    const previous = outcomes.get(key);
    outcomes.set(key, { lastStatus: status, attempts: (previous?.attempts ?? 0) + 1 });
  };

  async function gatedFetch(input: unknown, init?: Record<string, unknown>): Promise<unknown> {
    const url = String(input instanceof URL ? input.href : typeof input === "string" ? input : (input as { url: string }).url);
    const key = requestKeyFromUrl(url);
    const callerSignal = init?.signal as AbortSignal | undefined;
    await options.limiter.acquire(key, callerSignal);
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;
    try {
      // gaxios' options form of fetch, which accepts `validateStatus`.
      const request = { ...init, url, signal, validateStatus: () => true } as GaxiosFetchOptions;
      const response = (await inner.fetch(request)) as { status: number };
      record(key, response.status);
      if (response.status === 429) options.onThrottle?.();
      return response;
    } catch (err) {
      if (timeout.aborted && !callerSignal?.aborted) {
        record(key, -1);
        throw new TransientTransportError(
          `no answer within ${options.timeoutMs} ms`,
          GrpcCode.DEADLINE_EXCEEDED,
        );
      }
      if (callerSignal?.aborted) throw err;
      const refusal = tokenRefusal(err);
      if (refusal) {
        record(key, 401);
        throw new TokenRefusedError(refusal);
      }
      record(key, 0);
      throw new TransientTransportError(`network error: ${networkErrorCode(err)}`, GrpcCode.UNAVAILABLE);
    }
  }

  /**
   * The googleapis-style SDKs (`@googleapis/storage`) send through the auth client's `request()`
   * instead of `fetch`: the same limit, timeout and bookkeeping, with gaxios' own retries off
   * (the kind retries with the adapter's settings, see ./retry.ts). HTTP errors stay thrown, as
   * those SDKs expect; network errors and timeouts get gRPC codes like the ones above.
   */
  async function gatedRequest(opts: Record<string, unknown>): Promise<unknown> {
    const url = new URL(String(opts.url instanceof URL ? opts.url.href : opts.url));
    // googleapis-common passes query parameters apart (`params`), Cloud Storage's project among them.
    const project = (opts.params as { project?: unknown } | undefined)?.project;
    if (typeof project === "string" && !url.searchParams.has("project")) url.searchParams.set("project", project);
    const key = requestKeyFromUrl(url.href);
    const callerSignal = opts.signal as AbortSignal | undefined;
    await options.limiter.acquire(key, callerSignal);
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;
    try {
      const response = (await (inner.request as (o: unknown) => Promise<{ status: number }>)({ ...opts, signal, retry: false }));
      record(key, response.status);
      return response;
    } catch (err) {
      // A refused token refresh (after an API 401) carries the token endpoint's answer, not the API's.
      const refusal = tokenRefusal(err);
      if (refusal) {
        record(key, 401);
        throw new TokenRefusedError(refusal);
      }
      const status = (err as { response?: { status?: unknown } })?.response?.status;
      if (typeof status === "number") {
        record(key, status);
        if (status === 429) options.onThrottle?.();
        throw err;
      }
      if (timeout.aborted && !callerSignal?.aborted) {
        record(key, -1);
        throw new TransientTransportError(`no answer within ${options.timeoutMs} ms`, GrpcCode.DEADLINE_EXCEEDED);
      }
      if (callerSignal?.aborted) throw err;
      record(key, 0);
      throw new TransientTransportError(`network error: ${networkErrorCode(err)}`, GrpcCode.UNAVAILABLE);
    }
  }

  // Only the members the SDKs use (`fetch` and `request`, `getRequestHeaders`, `universeDomain`)
  // are routed; everything else is the inner client's own.
  const authClient = new Proxy(inner, {
    get(target, property, receiver) {
      if (property === "fetch") return gatedFetch;
      if (property === "request") return gatedRequest;
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
    set(target, property, value) {
      // The Monitoring client switches its auth client to self-signed JWT access tokens
      // (`useJWTAccessWithScope = true`). The client is shared by every API the adapter reads, so
      // that would change how all of them authenticate, depending on which client was made first,
      // and token refusals would surface as API 401s: it keeps OAuth access tokens instead.
      if (property === "useJWTAccessWithScope") return true;
      return Reflect.set(target, property, value);
    },
  });

  return {
    authClient,
    outcome: (key) => outcomes.get(key),
    reset: (key) => {
      outcomes.delete(key);
    },
  };
}

/** An OAuth error answer (`invalid_grant`, `unauthorized_client`…) from the token endpoint. */
export function tokenRefusal(err: unknown): string | null {
  const data = (err as { response?: { data?: unknown; status?: number } })?.response?.data;
  if (data && typeof data === "object" && typeof (data as { error?: unknown }).error === "string") {
    const { error, error_description } = data as { error: string; error_description?: unknown };
    // Only the OAuth error code and Google's fixed description: never the request, which holds the assertion.
    return typeof error_description === "string" ? `${error}: ${error_description.slice(0, 200)}` : error;
  }
  return null;
}

function networkErrorCode(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  return typeof code === "string" ? code : err instanceof Error ? err.name : "unknown";
}
