import { randomBytes } from "node:crypto";
import { type DbHandle, createDb, realtimeEventsChannel, serverClientOf } from "@cloudsync/db";
import { type BackoffOptions, backoffDelay } from "../backoff.ts";
import type { Logger } from "./logger.ts";

/** The slice of postgres-js this file uses (the package is reached through `@cloudsync/db`). */
interface ListenSql {
  listen(channel: string, onNotify: (payload: string) => void, onListen?: () => void): Promise<{ unlisten(): Promise<void> }>;
  notify(channel: string, payload: string): Promise<unknown>;
}

export type ListenerState = "connecting" | "up" | "down" | "closed";

/** A window in which notifications may have been missed, reported when the listener is up again. */
export interface RecoveryWindow {
  /** Last moment the LISTEN connection was known to receive (server start, the first time). */
  from: Date;
  /** When LISTEN was in place again: anything committed later is received. */
  to: Date;
  /** True for the first time the listener comes up after start. */
  first: boolean;
}

export interface ListenerOptions {
  databaseUrl: string;
  logger: Logger;
  /** A NOTIFY on the feed's channel: something may have been written (the payload is not to be trusted). */
  onNotification(): void;
  onUp(window: RecoveryWindow): void;
  onDown(reason: string): void;
  /** How often a heartbeat NOTIFY proves the LISTEN connection still receives (default 5 s). */
  heartbeatIntervalMs?: number;
  /** How long a heartbeat (or a connection attempt's LISTEN) may take before the connection counts as lost (default 5 s). */
  heartbeatTimeoutMs?: number;
  /** Delay between connection attempts (default 250 ms doubling to 15 s). */
  backoff?: BackoffOptions;
}

export interface Listener {
  readonly state: ListenerState;
  /** Resolves the first time the listener is up. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

class TimeoutError extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * One LISTEN connection for the feed's wake-up channel, supervised end to end.
 *
 * postgres-js re-runs LISTEN by itself after a dropped connection, but a re-LISTEN that fails
 * (the server still down) is swallowed, and a connection can also die silently. So liveness is
 * proven, not assumed: every `heartbeatIntervalMs` the listener NOTIFYs a private channel and
 * must hear itself within `heartbeatTimeoutMs`. A missed heartbeat, a failed NOTIFY, or
 * postgres-js calling `onlisten` a second time (it re-subscribed after a drop) all mean the same
 * thing: the connection is dropped and rebuilt with backoff, and `onUp` reports the window from
 * the last heartbeat heard to the moment LISTEN is back; the feed then reads what it missed.
 * A generation number makes callbacks of a connection that was given up harmless.
 */
export function startListener(options: ListenerOptions): Listener {
  const log = options.logger.child({ component: "listener" });
  const intervalMs = options.heartbeatIntervalMs ?? 5_000;
  const timeoutMs = options.heartbeatTimeoutMs ?? 5_000;
  // Private to this process, so two realtime servers on one database never hear each other.
  const heartbeatChannel = `cloudsync_realtime_hb_${randomBytes(6).toString("hex")}`;

  let state: ListenerState = "connecting";
  let generation = 0;
  let handle: DbHandle | undefined;
  let attempt = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  let heartbeatTimer: NodeJS.Timeout | undefined;
  let everUp = false;
  let downSince = new Date();
  let lastAliveAt = new Date();
  let heartbeatSeq = 0;
  let pendingHeartbeat: { nonce: string; sentAt: Date; resolve(sentAt: Date): void } | undefined;
  let resolveReady!: () => void;
  const ready = new Promise<void>((resolve) => {
    resolveReady = resolve;
  });

  // A function, not an inline comparison: the state changes across awaits.
  const isClosed = () => state === "closed";

  function sqlOf(h: DbHandle): ListenSql {
    return serverClientOf(h.db);
  }

  /** NOTIFY the private channel and wait to hear it; resolves with the time it was sent. */
  function roundTrip(gen: number, sql: ListenSql): Promise<Date> {
    const nonce = `${gen}:${++heartbeatSeq}`;
    const sentAt = new Date();
    const heard = new Promise<Date>((resolve) => {
      pendingHeartbeat = { nonce, sentAt, resolve };
    });
    return withTimeout(
      Promise.all([sql.notify(heartbeatChannel, nonce), heard]).then(([, at]) => at),
      timeoutMs,
      "heartbeat NOTIFY round trip",
    );
  }

  function onHeartbeat(gen: number, payload: string): void {
    if (gen !== generation || !pendingHeartbeat || pendingHeartbeat.nonce !== payload) return;
    const { sentAt, resolve } = pendingHeartbeat;
    pendingHeartbeat = undefined;
    resolve(sentAt);
  }

  async function connect(): Promise<void> {
    retryTimer = undefined;
    if (state === "closed") return;
    const gen = ++generation;
    state = everUp ? "down" : "connecting";
    const listened = new Set<string>();
    let current: DbHandle | undefined;
    try {
      current = await createDb({ url: options.databaseUrl, maxConnections: 1 });
      if (gen !== generation || isClosed()) return retire(current);
      handle = current;
      const sql = sqlOf(current);
      const onListen = (channel: string) => () => {
        if (gen !== generation) return;
        // A second onlisten for a channel means postgres-js lost the connection and re-subscribed:
        // the heartbeat channel may not be back. Rebuild (the feed reads what was missed).
        if (listened.has(channel)) fail(gen, "the LISTEN connection was lost (postgres-js re-subscribed)");
        else listened.add(channel);
      };
      await withTimeout(
        sql.listen(realtimeEventsChannel, () => gen === generation && options.onNotification(), onListen(realtimeEventsChannel)),
        timeoutMs * 2,
        `LISTEN ${realtimeEventsChannel}`,
      );
      await withTimeout(sql.listen(heartbeatChannel, (payload) => onHeartbeat(gen, payload), onListen(heartbeatChannel)), timeoutMs * 2, "LISTEN heartbeat");
      const listenedAt = new Date();
      lastAliveAt = await roundTrip(gen, sql);
      if (gen !== generation || isClosed()) return;
      const first = !everUp;
      state = "up";
      everUp = true;
      attempt = 0;
      log.info({ generation: gen, first }, first ? "listening on PostgreSQL" : "PostgreSQL LISTEN connection restored");
      options.onUp({ from: downSince, to: listenedAt, first });
      resolveReady();
      scheduleHeartbeat(gen, sql);
    } catch (error) {
      if (gen !== generation || isClosed()) return;
      // Not `fail`: it is not up, so there is no window to report yet, only a retry to schedule.
      const delay = backoffDelay(attempt++, options.backoff);
      log.warn({ err: describe(error), attempt, retryInMs: delay }, "cannot LISTEN on PostgreSQL yet; retrying");
      generation++;
      if (current) retire(current);
      handle = undefined;
      retryTimer = setTimeout(() => void connect(), delay);
    }
  }

  function scheduleHeartbeat(gen: number, sql: ListenSql): void {
    heartbeatTimer = setTimeout(() => {
      heartbeatTimer = undefined;
      roundTrip(gen, sql).then(
        (sentAt) => {
          if (gen !== generation || state !== "up") return;
          lastAliveAt = sentAt;
          scheduleHeartbeat(gen, sql);
        },
        (error) => fail(gen, `heartbeat failed: ${describe(error)}`),
      );
    }, intervalMs);
  }

  function fail(gen: number, reason: string): void {
    if (gen !== generation || isClosed()) return;
    generation++;
    clearTimeout(heartbeatTimer);
    pendingHeartbeat = undefined;
    if (state === "up") {
      downSince = lastAliveAt;
      log.warn({ reason, since: downSince.toISOString() }, "PostgreSQL LISTEN connection lost; reconnecting");
      options.onDown(reason);
    }
    state = "down";
    if (handle) retire(handle);
    handle = undefined;
    const delay = backoffDelay(attempt++, options.backoff);
    retryTimer = setTimeout(() => void connect(), delay);
  }

  /** Ends a given-up connection in the background; its errors no longer matter. */
  function retire(h: DbHandle): void {
    h.close().catch((error: unknown) => log.debug({ err: describe(error) }, "closing a dropped LISTEN connection failed"));
  }

  void connect();

  return {
    get state() {
      return state;
    },
    ready,
    async close() {
      if (state === "closed") return;
      state = "closed";
      generation++;
      clearTimeout(retryTimer);
      clearTimeout(heartbeatTimer);
      const h = handle;
      handle = undefined;
      if (h) await h.close().catch(() => undefined);
    },
  };
}

function describe(error: unknown): string {
  if (error instanceof Error) return (error as { code?: string }).code ? `${(error as { code?: string }).code}: ${error.message}` : error.message;
  return String(error);
}
