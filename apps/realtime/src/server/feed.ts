import { type Database, createEventReader } from "@cloudsync/db";
import type { Hub } from "./hub.ts";
import type { Logger } from "./logger.ts";
import type { Metrics } from "./metrics.ts";

export interface FeedOptions {
  /** Reads `realtime_events` with the realtime server's own role. */
  db: Database;
  hub: Hub;
  logger: Logger;
  metrics: Metrics;
  /** Rows per read; the next read waits until the hub has fanned out more than this (default 1000). */
  batchSize?: number;
  /** Reads also happen this often without a NOTIFY, in case one was missed (default 5 s). */
  pollIntervalMs?: number;
  /** Called once, when the feed first has a position (the database was reached). */
  onPositioned(): void;
}

export interface Feed {
  /** Something may have been written: read now (NOTIFY, LISTEN back up, the timer). */
  wake(): void;
  /** The resume position (everything up to it was handed to the hub), or undefined before the first read. */
  readonly position: number | undefined;
  close(): void;
}

/**
 * The outbox reader of the realtime server. A NOTIFY only says "read": its payload is ignored,
 * so a forged one costs one indexed read and delivers nothing. The position is kept in memory for
 * the life of the process, so after the LISTEN connection was lost nothing is missed: the next
 * read continues from it. Reads are one at a time; a wake during a read causes one more read.
 */
export function createFeed(options: FeedOptions): Feed {
  const log = options.logger.child({ component: "feed" });
  const batchSize = options.batchSize ?? 1000;
  const reader = createEventReader(options.db, { batchSize });
  let reading = false;
  let again = false;
  let closed = false;
  let positioned = false;
  let failures = 0;

  async function pump(): Promise<void> {
    if (closed) return;
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    try {
      do {
        again = false;
        if (!reader.started) {
          await reader.start();
          if (!positioned) {
            positioned = true;
            log.info({ position: reader.watermark }, "positioned in the realtime_events feed");
            options.onPositioned();
          }
        }
        for (;;) {
          const { events, more } = await reader.read();
          for (const event of events) {
            options.metrics.eventsReceived.inc({ channel: event.channel });
            options.metrics.eventLag.observe({ channel: event.channel }, lagSeconds(event));
            options.hub.enqueue(event);
          }
          options.metrics.feedPending.set(reader.pending);
          // Backpressure instead of dropping: the outbox keeps what is not read yet.
          if (options.hub.backlog > batchSize) await options.hub.idle();
          if (!more || closed) break;
        }
      } while (again && !closed);
      if (failures > 0) log.info({ after: failures }, "reading realtime_events works again");
      failures = 0;
    } catch (error) {
      options.metrics.feedReadFailures.inc();
      // The database being away is reported by the listener; here it is only retried.
      if (failures++ === 0) log.warn({ err: error instanceof Error ? error.message : String(error) }, "reading realtime_events failed; retrying at the next wake");
    } finally {
      reading = false;
    }
  }

  const timer = setInterval(() => void pump(), options.pollIntervalMs ?? 5_000);
  timer.unref();

  return {
    wake() {
      void pump();
    },
    get position() {
      return reader.started ? reader.watermark : undefined;
    },
    close() {
      closed = true;
      clearInterval(timer);
    },
  };
}

/**
 * Seconds from the change (the changing transaction's `changed_at` / `triggered_at`, else the
 * event row's time; the database's clock) to now (ours): it covers the transaction that made
 * the change, the NOTIFY and the outbox read. Skew between the clocks shows as lag, or is cut at zero.
 */
function lagSeconds(event: { payload: unknown; createdAt: Date }): number {
  const payload = (event.payload ?? {}) as { changed_at?: unknown; triggered_at?: unknown };
  const stamp = typeof payload.changed_at === "string" ? payload.changed_at : typeof payload.triggered_at === "string" ? payload.triggered_at : undefined;
  const parsed = stamp === undefined ? Number.NaN : Date.parse(stamp);
  const at = Number.isFinite(parsed) ? parsed : event.createdAt.getTime();
  return Math.max(0, (Date.now() - at) / 1000);
}
