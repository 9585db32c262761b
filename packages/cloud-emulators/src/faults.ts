/**
 * Fault knobs shared by every emulator. A test sets them on a running emulator and the next
 * requests misbehave the way the real cloud does (each emulator renders the fault in its own
 * wire format: AWS `RequestLimitExceeded` XML, Azure 429 with `Retry-After`, GCP 429 JSON).
 */
export interface FaultPlan {
  /** The next N matching requests are throttled. */
  throttle?: number;
  /** The next N matching requests fail with HTTP 500 (or 503). */
  serverErrors?: number;
  /** Every matching request waits this long before answering. */
  delayMs?: number;
  /**
   * With `delayMs`, each matching request waits a uniformly random time from `delayMs` to this
   * instead (a cloud's latency varies from call to call; the scale benchmark uses 50–150 ms).
   */
  delayMaxMs?: number;
  /**
   * Every Nth matching request is throttled, for as long as the plan stands (a steady trickle of
   * throttles, as a busy account sees, rather than the `throttle` burst).
   */
  throttleEvery?: number;
  /** Every request is refused as unauthenticated. */
  rejectCredentials?: boolean;
  /** Items with these ids are served malformed (missing required fields). */
  malformedItemIds?: readonly string[];
  /** Only requests whose operation/path contains this text are affected (default: all). */
  match?: string;
}

export interface FaultState {
  plan: FaultPlan;
  set(plan: FaultPlan): void;
  clear(): void;
  /** Decides what happens to one request; consumes one throttle/error when it applies. */
  decide(operation: string): FaultDecision;
  /** Counts of requests seen, by operation, for assertions on retries. */
  readonly requests: Map<string, number>;
  /** Requests the plan throttled so far (burst and `throttleEvery`). */
  throttled: number;
}

export type FaultDecision =
  | { kind: "ok"; delayMs: number }
  | { kind: "throttle"; delayMs: number }
  | { kind: "server_error"; delayMs: number }
  | { kind: "reject_credentials"; delayMs: number };

export function createFaultState(): FaultState {
  let matched = 0;
  const state: FaultState = {
    plan: {},
    requests: new Map(),
    throttled: 0,
    set(plan) {
      state.plan = { ...plan };
      matched = 0;
    },
    clear() {
      state.plan = {};
    },
    decide(operation) {
      state.requests.set(operation, (state.requests.get(operation) ?? 0) + 1);
      const p = state.plan;
      const applies = !p.match || operation.includes(p.match);
      if (!applies) return { kind: "ok", delayMs: 0 };
      const least = p.delayMs ?? 0;
      const delayMs = p.delayMaxMs !== undefined && p.delayMaxMs > least ? least + Math.random() * (p.delayMaxMs - least) : least;
      matched += 1;
      if (p.rejectCredentials) return { kind: "reject_credentials", delayMs };
      if (p.throttle && p.throttle > 0) {
        p.throttle -= 1;
        state.throttled += 1;
        return { kind: "throttle", delayMs };
      }
      if (p.throttleEvery && p.throttleEvery > 0 && matched % p.throttleEvery === 0) {
        state.throttled += 1;
        return { kind: "throttle", delayMs };
      }
      if (p.serverErrors && p.serverErrors > 0) {
        p.serverErrors -= 1;
        return { kind: "server_error", delayMs };
      }
      return { kind: "ok", delayMs };
    },
  };
  return state;
}
