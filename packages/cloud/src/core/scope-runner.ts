import { mergeBounded } from "../common/merge.ts";
import { CredentialsRejectedError } from "../errors.ts";
import type { AdapterLogger, CloudName, ScopeRef } from "../types.ts";

/**
 * The one place the scope protocol is produced. Every cloud hands the runner its reads (what
 * one API walk covers and how to walk it); the runner reads them with bounded concurrency and
 * reports each read's scopes exactly once, as `scope_completed` after its last page or as
 * `scope_failed`. A skipped item is reported as `item_skipped` and never ends a scope, so a
 * writer can only take a resource for gone when a complete read did not list it.
 */

/** What a read hands the runner while it walks its pages. */
export type ReadStep<T> =
  /** Items of one of the read's scopes (the first when `scope` is omitted). */
  | { type: "items"; items: T[]; scope?: ScopeRef }
  /** An item the read could not trust; the scope goes on. */
  | { type: "skipped"; itemId: string | null; reason: string; scope?: ScopeRef };

/** What the runner shares with a read as it runs. */
export interface ReadState {
  /** The call in progress, for the error message if the read fails; a read updates it as it goes. */
  operation: string;
  /** Overrides what `scope_completed` reports as `resourceCount` (default: the items of that scope). */
  resourceCount?: number;
  readonly signal: AbortSignal | undefined;
}

/** One walk of a cloud API that vouches for one or more scopes. */
export interface ScopeRead<T> {
  /** Completing the read completes these scopes; failing it fails all of them. At least one. */
  readonly scopes: readonly ScopeRef[];
  /** Whose credentials the read uses (default: its first scope's account); a refusal is remembered under it. */
  readonly credentialAccount?: string;
  /** The first call the read makes, for error messages. */
  readonly operation: string;
  read(state: ReadState): AsyncIterable<ReadStep<T>>;
}

/** What the cloud's error mapper is told about a failed read. */
export interface ReadFailure<T> {
  read: ScopeRead<T>;
  /** The read's first scope's account. */
  account: string;
  credentialAccount: string;
  operation: string;
  /** The caller's signal had aborted when the read failed. */
  aborted: boolean;
}

/** Counters of the stream's own buffering, for tests and metrics. */
export interface StreamStats {
  /** Pages produced by reads. */
  pagesProduced: number;
  /** Pages handed to the consumer. */
  pagesYielded: number;
  /** The most pages ever produced but not yet taken by the consumer (bounded by concurrency). */
  maxPagesAhead: number;
  /** The most items in one yielded page. */
  largestPage: number;
}

export function createStreamStats(): StreamStats {
  return { pagesProduced: 0, pagesYielded: 0, maxPagesAhead: 0, largestPage: 0 };
}

export interface RunSettings<T, P> {
  cloud: CloudName;
  /** What the stream is called in logs: `resources`, `costs`, `metrics`. */
  stream: string;
  /** Reads in flight at once. */
  concurrency: number;
  signal: AbortSignal | undefined;
  logger: AdapterLogger | undefined;
  /** The cloud's error mapper: whatever a read threw → a typed error whose message says what to do. */
  toError(error: unknown, failure: ReadFailure<T>): Error;
  /** Wraps a page of items in the stream's own event (`page`, `cost_page`, `metric_page`). */
  page(scope: ScopeRef, items: T[]): P;
  /** Called as each read starts, before its first request (e.g. to reset per-scope rate-limit records). */
  onReadStart?(read: ScopeRead<T>): void;
  stats?: StreamStats;
}

/** The protocol events every stream shares. */
export type ScopeProtocolEvent =
  | { type: "item_skipped"; scope: ScopeRef; itemId: string | null; reason: string }
  | { type: "scope_completed"; scope: ScopeRef; resourceCount: number }
  | { type: "scope_failed"; scope: ScopeRef; error: Error };

/**
 * Runs the reads, at most `concurrency` at once, pulling each read's next page only when the
 * consumer asks for the next event, so memory stays bounded however large the estate is.
 * Reads are taken from `reads` lazily: a planner may stop yielding them (e.g. once aborted).
 * Once an account's credentials are refused, its later reads fail with that refusal without
 * calling the cloud again. An abort fails the reads in flight, even during a slow request.
 */
export async function* runScopes<T, P>(
  reads: Iterable<ScopeRead<T>>,
  settings: RunSettings<T, P>,
): AsyncGenerator<P | ScopeProtocolEvent> {
  const refused = new Map<string, CredentialsRejectedError>();
  const stats = settings.stats;
  function* producers(): Generator<() => AsyncIterable<P | ScopeProtocolEvent>> {
    for (const read of reads) yield () => runRead(read, settings, refused);
  }
  if (!stats) {
    // Without counters to keep, hand the merged stream straight through: one async layer less per event.
    yield* mergeBounded(producers(), settings.concurrency);
    return;
  }
  for await (const event of mergeBounded(producers(), settings.concurrency)) {
    if ((event as { type: string }).type !== "item_skipped" && !isEnd(event)) {
      stats.pagesYielded += 1;
      const size = sizeOf(event);
      if (size > stats.largestPage) stats.largestPage = size;
    }
    yield event;
  }
}

async function* runRead<T, P>(
  read: ScopeRead<T>,
  settings: RunSettings<T, P>,
  refused: Map<string, CredentialsRejectedError>,
): AsyncGenerator<P | ScopeProtocolEvent> {
  const { signal, logger, stats } = settings;
  const first = read.scopes[0];
  if (!first) throw new TypeError(`a ${settings.cloud} ${settings.stream} read must vouch for at least one scope`);
  const credentialAccount = read.credentialAccount ?? first.account;
  const counts = new Map<ScopeRef, number>(read.scopes.map((s) => [s, 0]));
  const state: ReadState = { operation: read.operation, signal };
  let iterator: AsyncIterator<ReadStep<T>> | undefined;
  try {
    const refusal = refused.get(credentialAccount);
    if (refusal) throw refusal;
    if (signal?.aborted) throw signal.reason;
    settings.onReadStart?.(read);
    iterator = read.read(state)[Symbol.asyncIterator]();
    for (;;) {
      const step = await nextUnlessAborted(iterator, signal);
      if (step.done) break;
      const item = step.value;
      const scope = item.scope ?? first;
      if (item.type === "skipped") {
        logger?.warn({ cloud: settings.cloud, scope, itemId: item.itemId, reason: item.reason }, `${settings.cloud} ${settings.stream} item skipped`);
        yield { type: "item_skipped", scope, itemId: item.itemId, reason: item.reason };
        continue;
      }
      if (item.items.length === 0) continue;
      counts.set(scope, (counts.get(scope) ?? 0) + item.items.length);
      if (stats) {
        stats.pagesProduced += 1;
        stats.maxPagesAhead = Math.max(stats.maxPagesAhead, stats.pagesProduced - stats.pagesYielded);
      }
      yield settings.page(scope, item.items);
    }
    for (const scope of read.scopes) {
      const resourceCount = state.resourceCount ?? counts.get(scope) ?? 0;
      logger?.debug({ cloud: settings.cloud, scope, resourceCount }, `${settings.cloud} ${settings.stream} scope completed`);
      yield { type: "scope_completed", scope, resourceCount };
    }
  } catch (error) {
    const failure = settings.toError(error, {
      read,
      account: first.account,
      credentialAccount,
      operation: state.operation,
      aborted: signal?.aborted ?? false,
    });
    if (failure instanceof CredentialsRejectedError) refused.set(credentialAccount, failure);
    for (const scope of read.scopes) {
      logger?.warn({ cloud: settings.cloud, scope, error: failure.message }, `${settings.cloud} ${settings.stream} scope failed`);
      yield { type: "scope_failed", scope, error: failure };
    }
  } finally {
    // Lets the read close what it opened; a read that already ended or failed has nothing left.
    await iterator?.return?.().catch(() => undefined);
  }
}

/** The next step, unless the caller aborts first (a pending request is then abandoned). */
async function nextUnlessAborted<S>(iterator: AsyncIterator<S>, signal: AbortSignal | undefined): Promise<IteratorResult<S>> {
  if (!signal) return iterator.next();
  if (signal.aborted) throw signal.reason;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([iterator.next(), aborted]);
  } finally {
    if (onAbort) signal.removeEventListener("abort", onAbort);
  }
}

function isEnd(event: unknown): boolean {
  const type = (event as { type: string }).type;
  return type === "scope_completed" || type === "scope_failed";
}

/** Items in a page event, whichever stream's it is. */
function sizeOf(event: unknown): number {
  const e = event as { resources?: unknown[]; lines?: unknown[]; samples?: unknown[] };
  return (e.resources ?? e.lines ?? e.samples ?? []).length;
}
