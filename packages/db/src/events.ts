import { sql } from "drizzle-orm";
import type { DbOrTx } from "./client.ts";
import { InvalidInputError } from "./errors.ts";
import type { NotificationChannel, NotificationPayloads } from "./listen.ts";
import { queryRows } from "./queries/rows.ts";

/**
 * The NOTIFY channel of the change feed. Its payload is only the highest sequence number a
 * statement wrote: a hint to read `realtime_events`, never trusted (anyone can NOTIFY anything).
 */
export const realtimeEventsChannel = "cloudsync_realtime_events";

/** One row of `realtime_events`, as readers get it. */
export type RealtimeEvent = {
  [C in NotificationChannel]: {
    /** Position in the feed: assignment order (commit order may differ; see createEventReader). */
    seq: number;
    organizationId: string;
    channel: C;
    resourceId: string | null;
    isWeddingCritical: boolean;
    /** What clients receive, as the notification payloads had it. */
    payload: NotificationPayloads[C];
    createdAt: Date;
    /**
     * Where a reader that has handled this event and everything before it resumes: every
     * sequence number up to it was handled or will never exist. Equal to `seq` unless smaller
     * numbers are still in flight.
     */
    resume: number;
  };
}[NotificationChannel];

interface EventRowText {
  seq: string | number | null;
  organization_id: string;
  channel: NotificationChannel;
  resource_id: string | null;
  is_wedding_critical: boolean;
  payload: unknown;
  created_at: Date | string;
}

function toEvent(row: EventRowText, resume: number): RealtimeEvent {
  const payload = (typeof row.payload === "string" ? JSON.parse(row.payload) : row.payload) as RealtimeEvent["payload"];
  return {
    seq: Number(row.seq),
    organizationId: row.organization_id.toLowerCase(),
    channel: row.channel,
    resourceId: row.resource_id,
    isWeddingCritical: row.is_wedding_critical,
    payload,
    createdAt: row.created_at instanceof Date ? row.created_at : new Date(row.created_at),
    resume,
  } as RealtimeEvent;
}

export interface EventReaderOptions {
  /** Rows per read (default 1000). */
  batchSize?: number;
  /**
   * How far below the newest event `start()` looks for sequence numbers still in flight
   * (default 1000): a transaction that was writing events when the reader started, and commits
   * later, is delivered if its numbers are within this distance of the newest one.
   */
  startLookback?: number;
  /** Sequence numbers tracked as in flight at once (default 100 000); beyond, the oldest are given up. */
  maxPending?: number;
}

export interface EventReader {
  /** Positions the reader at the newest event; nothing older is returned. */
  start(): Promise<void>;
  /** Positions the reader after `seq`: events after it are returned. */
  startAfter(seq: number): void;
  readonly started: boolean;
  /** Every sequence number up to this was returned or will never exist (the resume position). */
  readonly watermark: number;
  /** Sequence numbers seen missing and possibly still in flight. */
  readonly pending: number;
  /**
   * The next events, in sequence order within a call, each exactly once. `more` is true when a
   * full batch came back and another read should follow at once.
   */
  read(): Promise<{ events: RealtimeEvent[]; more: boolean }>;
}

/**
 * Reads `realtime_events` in order without losing an event to concurrency.
 *
 * Sequence numbers are assigned when a trigger inserts and become visible when its transaction
 * commits, so number 7 can become visible after 8. Reading "after the highest seen" would lose 7.
 * So every number skipped is remembered with the transactions that were in progress when the
 * gap was seen (`pg_current_snapshot()` of the same statement): whichever transaction holds the
 * number was one of them (it had written rows, so it had a transaction id, before taking the
 * number). Once none of them is in progress any more, the number either became visible (and
 * was returned) or never will (rolled back): it is forgotten. Numbers still in flight are read
 * again by number at every read, through the primary key.
 */
export function createEventReader(db: DbOrTx, options: EventReaderOptions = {}): EventReader {
  const batchSize = options.batchSize ?? 1000;
  const startLookback = options.startLookback ?? 1000;
  const maxPending = options.maxPending ?? 100_000;
  let started = false;
  let cursor = 0;
  let skipThrough = 0;
  /** Missing number → the transaction ids in progress when it was first seen missing. */
  const holes = new Map<number, ReadonlySet<string>>();
  let lowestHole: number | undefined;
  /** Events start() came across that are news (numbers in flight that appeared meanwhile). */
  let carry: RealtimeEvent[] = [];

  const recomputeLowest = () => {
    lowestHole = undefined;
    for (const h of holes.keys()) if (lowestHole === undefined || h < lowestHole) lowestHole = h;
  };
  const watermarkAt = (seq: number) => (lowestHole !== undefined && lowestHole <= seq ? lowestHole - 1 : seq);

  /** `upTo` bounds new numbers (start() reads only up to the newest it saw, returning none). */
  async function read(upTo = Number.MAX_SAFE_INTEGER): Promise<{ events: RealtimeEvent[]; more: boolean }> {
    if (!started) throw new Error("the event reader is not started; call start() first");
    const wanted = `{${[...holes.keys()].join(",")}}`;
    const rows = await queryRows<EventRowText & { xip: string[] | string }>(
      db,
      sql`SELECT s.xip, e.seq, e.organization_id, e.channel, e.resource_id, e.is_wedding_critical, e.payload, e.created_at
            FROM (SELECT array(SELECT pg_snapshot_xip(pg_current_snapshot())::text) AS xip) s
            LEFT JOIN LATERAL (
              SELECT * FROM realtime_events
               WHERE (seq > ${cursor} AND seq <= ${upTo}) OR seq = ANY (${wanted}::bigint[])
               ORDER BY seq LIMIT ${batchSize}
            ) e ON true`,
    );
    const xipRaw = rows[0]?.xip ?? [];
    const inProgress: ReadonlySet<string> = new Set(typeof xipRaw === "string" ? xipRaw.replace(/[{}]/g, "").split(",").filter(Boolean) : xipRaw);
    const found = rows.filter((r) => r.seq !== null);
    const full = found.length >= batchSize;
    const lastSeen = found.length > 0 ? Number(found[found.length - 1]!.seq) : cursor;
    const events: RealtimeEvent[] = [];
    for (const row of found) {
      const seq = Number(row.seq);
      let filled = false;
      if (seq <= cursor) {
        filled = holes.delete(seq);
        if (seq === lowestHole) recomputeLowest();
      } else {
        // Numbers between the previous one and this one are in flight or rolled back.
        for (let missing = cursor + 1; missing < seq && holes.size < maxPending; missing++) holes.set(missing, inProgress);
        if (lowestHole === undefined && holes.size > 0) recomputeLowest();
        cursor = seq;
      }
      // What start() found already there is not news; a number it found missing is, when it appears.
      if (seq > skipThrough || filled) events.push(toEvent(row, watermarkAt(seq)));
    }
    // A number this read covered and did not find is given up once every transaction that could
    // hold it has ended (an empty set: none could, it was never going to appear).
    let forgot = false;
    for (const [h, holders] of holes) {
      if (full && h > lastSeen) continue;
      let someStillRunning = false;
      for (const xid of holders) {
        if (inProgress.has(xid)) {
          someStillRunning = true;
          break;
        }
      }
      if (!someStillRunning) {
        holes.delete(h);
        forgot = true;
      }
    }
    if (forgot) recomputeLowest();
    return { events, more: full };
  }

  return {
    async start() {
      const [row] = await queryRows<{ newest: string | number }>(db, sql`SELECT coalesce(max(seq), 0) AS newest FROM realtime_events`);
      const newest = Number(row?.newest ?? 0);
      // Read the last `startLookback` numbers once without returning them, so the ones still
      // in flight are tracked like any later gap.
      cursor = Math.max(0, newest - startLookback);
      skipThrough = newest;
      holes.clear();
      lowestHole = undefined;
      carry = [];
      started = true;
      for (;;) {
        const { events, more } = await read(newest);
        carry.push(...events);
        if (!more) break;
      }
    },
    startAfter(seq) {
      if (!Number.isSafeInteger(seq) || seq < 0) throw new InvalidInputError("seq", `expected a sequence number (a whole number ≥ 0), got ${seq}`);
      cursor = seq;
      skipThrough = seq;
      holes.clear();
      lowestHole = undefined;
      started = true;
    },
    get started() {
      return started;
    },
    get watermark() {
      return watermarkAt(cursor);
    },
    get pending() {
      return holes.size;
    },
    async read() {
      const result = await read();
      if (carry.length === 0) return result;
      const events = [...carry, ...result.events];
      carry = [];
      return { events, more: result.more };
    },
  };
}

export interface OrganizationEventsParams {
  organizationId: string;
  /** Events after this sequence number. */
  after: number;
  channel?: NotificationChannel;
  /** At most this many (default 10 000); `truncated` says when there were more. */
  limit?: number;
}

export interface OrganizationEvents {
  events: RealtimeEvent[];
  /** False when events after `after` were already pruned: what is left is not the whole story. */
  complete: boolean;
  /** True when more than `limit` events follow `after`. */
  truncated: boolean;
}

/**
 * One organization's events after a position, oldest first: the replay a client asks for when
 * it reconnects. Needs the realtime role (or the owner): it also reads `realtime_event_retention`,
 * which no tenant may.
 */
export async function readOrganizationEvents(db: DbOrTx, params: OrganizationEventsParams): Promise<OrganizationEvents> {
  const limit = params.limit ?? 10_000;
  if (!Number.isSafeInteger(params.after) || params.after < 0) {
    throw new InvalidInputError("after", `expected a sequence number (a whole number ≥ 0), got ${params.after}`);
  }
  const rows = await queryRows<EventRowText & { pruned_through: string | number }>(
    db,
    sql`SELECT r.pruned_through, e.seq, e.organization_id, e.channel, e.resource_id, e.is_wedding_critical, e.payload, e.created_at
          FROM (SELECT coalesce((SELECT pruned_through FROM realtime_event_retention), 0) AS pruned_through) r
          LEFT JOIN LATERAL (
            SELECT * FROM realtime_events
             WHERE organization_id = ${params.organizationId} AND seq > ${params.after}
               ${params.channel ? sql`AND channel = ${params.channel}` : sql``}
             ORDER BY seq LIMIT ${limit + 1}
          ) e ON true`,
  );
  const prunedThrough = Number(rows[0]?.pruned_through ?? 0);
  const found = rows.filter((r) => r.seq !== null);
  const truncated = found.length > limit;
  const events = found.slice(0, limit).map((r) => toEvent(r, Number(r.seq)));
  return { events, complete: params.after >= prunedThrough, truncated };
}

/**
 * Deletes the events recorded more than `keepHours` ago (`prune_realtime_events`); returns how
 * many. The owner, `cloudsync_worker` and `cloudsync_realtime` may call it.
 */
export async function pruneRealtimeEvents(db: DbOrTx, params: { keepHours: number }): Promise<number> {
  if (!Number.isFinite(params.keepHours) || params.keepHours < 1 / 60) {
    throw new InvalidInputError("keepHours", `expected at least one minute (1/60), got ${params.keepHours}`);
  }
  const [row] = await queryRows<{ removed: string | number }>(
    db,
    sql`SELECT prune_realtime_events(make_interval(secs => ${params.keepHours * 3600})) AS removed`,
  );
  return Number(row?.removed ?? 0);
}
