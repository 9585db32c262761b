import { AsyncLocalStorage } from "node:async_hooks";
import type { RateLimiter } from "../common/rate-limiter.ts";

/**
 * `@linode/api-v4` is a module singleton: every call goes through one shared axios instance
 * (`baseRequest`) to the absolute URL `https://api.linode.com/v4…`, and `setToken` adds an
 * interceptor that is never removed, so two tokens set in one process would both be sent.
 * We therefore never call `setToken`. Instead, one interceptor, installed once when the SDK is
 * first imported, reads the *calling* account's token, base URL, timeout and abort signal from
 * an AsyncLocalStorage that `LinodeSession.call` enters around each SDK call. Interceptors run
 * in the promise chain the call started, so concurrent calls of different accounts never see
 * each other's token; a request made outside a session is refused instead of leaving unsigned.
 */

import type { LinodeSdk } from "./wire.ts";

interface CallScope {
  token: string;
  /** Replaces `https://api.linode.com` (the SDK's `/v4` and `/v4beta` roots both start with it). */
  origin: string;
  timeoutMs: number;
  signal: AbortSignal | undefined;
}

/** The part of axios's request config the interceptor reads and sets. */
interface AxiosConfigSeen {
  url?: string;
  headers: { set(name: string, value: string): unknown };
  timeout?: number;
  signal?: unknown;
}

const LINODE_ORIGIN = "https://api.linode.com";
const callScope = new AsyncLocalStorage<CallScope>();
let sdkLoad: Promise<LinodeSdk> | undefined;

/** Imports the SDK on first use (a process that never reads Linode never loads axios or yup for it). */
export function loadLinodeSdk(): Promise<LinodeSdk> {
  sdkLoad ??= import("@linode/api-v4").then((module) => {
    const sdk = module as unknown as LinodeSdk;
    // Typed by hand: axios's own types do not resolve through the SDK's declaration files here.
    const interceptors = sdk.baseRequest.interceptors.request as unknown as { use(fn: (config: AxiosConfigSeen) => AxiosConfigSeen): number };
    interceptors.use((config) => {
      const scope = callScope.getStore();
      if (!scope) {
        throw new Error("a @linode/api-v4 request outside a cloudsync Linode session was refused (it would carry no account's token)");
      }
      const url = config.url ?? "";
      config.url = url.startsWith(LINODE_ORIGIN) ? scope.origin + url.slice(LINODE_ORIGIN.length) : url;
      config.headers.set("Authorization", `Bearer ${scope.token}`);
      config.timeout = scope.timeoutMs;
      if (scope.signal) config.signal = scope.signal;
      return config;
    });
    return sdk;
  });
  return sdkLoad;
}

export interface LinodeSessionOptions {
  token: string;
  /** Emulator or proxy origin, e.g. `http://127.0.0.1:4600`; default the real API. */
  endpoint?: string | undefined;
  timeoutMs: number;
  maxAttempts: number;
  limiter: RateLimiter;
  /** First backoff delay when the answer names no `Retry-After`, doubled per attempt. */
  retryDelayMs: number;
  onThrottle?: (() => void) | undefined;
}

/** What the last answer of one operation was, so a failure can say "throttled" rather than "failed". */
export interface CallOutcome {
  attempts: number;
  lastStatus: number | undefined;
}

/**
 * One account's way to the API: every SDK call of that account goes through `call`, which paces
 * it with the rate limiter (key `account:endpoint-group`), enters the account's call scope and
 * retries throttles (HTTP 429, after `Retry-After`) and transient failures (5xx, network) with
 * doubling backoff. What finally fails is rethrown as the SDK threw it; the error mapper reads it.
 */
export class LinodeSession {
  readonly #options: LinodeSessionOptions;
  readonly #origin: string;
  constructor(options: LinodeSessionOptions) {
    this.#options = options;
    this.#origin = (options.endpoint ?? LINODE_ORIGIN).replace(/\/+$/, "");
  }

  async call<T>(limitKey: string, outcome: CallOutcome, signal: AbortSignal | undefined, fn: (sdk: LinodeSdk) => Promise<T>): Promise<T> {
    const sdk = await loadLinodeSdk();
    const { maxAttempts, limiter, retryDelayMs, timeoutMs, token } = this.#options;
    for (let attempt = 1; ; attempt++) {
      await limiter.acquire(limitKey, signal);
      outcome.attempts = attempt;
      try {
        const result = await callScope.run({ token, origin: this.#origin, timeoutMs, signal }, () => fn(sdk));
        outcome.lastStatus = 200;
        return result;
      } catch (err) {
        const status = httpStatusOf(err);
        outcome.lastStatus = status;
        if (status === 429) this.#options.onThrottle?.();
        const retryable = status === 429 || status === 0 || (status !== undefined && status >= 500);
        if (!retryable || attempt >= maxAttempts || signal?.aborted) throw err;
        await sleep(backoffMs(err, attempt, retryDelayMs), signal);
      }
    }
  }
}

/** The HTTP status of an axios error; 0 for a network failure or timeout; undefined for anything else. */
export function httpStatusOf(err: unknown): number | undefined {
  const e = err as { isAxiosError?: boolean; response?: { status?: number } } | null;
  if (!e?.isAxiosError) return undefined;
  return e.response?.status ?? 0;
}

/** `Retry-After` (seconds) when the API sent it, capped at a minute; else doubling from the base. */
export function backoffMs(err: unknown, attempt: number, baseMs: number): number {
  const headers = (err as { response?: { headers?: Record<string, unknown> } })?.response?.headers;
  const retryAfter = Number(headers?.["retry-after"]);
  if (Number.isFinite(retryAfter) && retryAfter >= 0) return Math.min(60_000, retryAfter * 1000);
  return Math.min(30_000, baseMs * 2 ** (attempt - 1));
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}
