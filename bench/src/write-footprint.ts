import type { Sql } from "postgres";

/**
 * What one piece of work wrote to PostgreSQL, read from the server itself: the WAL it produced,
 * split by the relation each record touched (pg_walinspect), and the rows it inserted, updated
 * and deleted and the dead tuples it left, per table (pg_stat_user_tables).
 *
 * Used around an unchanged re-sync, which should write nothing but its own `sync_runs` rows: a
 * re-sync that rewrote unchanged resources would show up here as updated rows, dead tuples and
 * WAL on `cloud_resources`, however fast it ran.
 */
export interface WriteFootprint {
  walBytes: number;
  walRecords: number;
  /**
   * WAL bytes of row-lock records (`Heap/LOCK`) per table: no data is written, a foreign-key
   * check of an insert elsewhere locked the referenced row (sync_runs → its organization and provider).
   */
  walLockBytesByTable: Record<string, number>;
  /** The tables the bookkeeping rows reference: their row locks are part of writing those rows. */
  bookkeepingParents: string[];
  /** WAL bytes per table of this database (indexes and TOAST counted with their table); `(none)` for records that touch no relation (commits, standby snapshots — of any database, as WAL does not say whose). */
  walBytesByTable: Record<string, number>;
  /** Inserted + updated + deleted rows per table that changed. */
  rowsWrittenByTable: Record<string, number>;
  /** Growth of n_dead_tup per table that grew. */
  deadTuplesByTable: Record<string, number>;
}

interface TableStats {
  relname: string;
  written: number;
  dead: number;
}

export interface FootprintProbe {
  /** Stops the probe and reports what was written since it started. */
  finish(): Promise<WriteFootprint>;
}

/**
 * PostgreSQL 15 backends publish their table counters when idle for up to 10 s
 * (PGSTAT_IDLE_INTERVAL), so the counters are read only after every other connection has been
 * quiet that long; the wait is part of the probe, not of any timed figure.
 */
const statsFlushMs = 11_000;

export async function startFootprintProbe(sql: Sql, options: { waitForStats?: boolean } = {}): Promise<FootprintProbe> {
  await sql`create extension if not exists pg_walinspect`;
  const wait = options.waitForStats ?? true;
  if (wait) await sleep(statsFlushMs);
  const before = await tableStats(sql);
  const startLsn = await currentLsn(sql);
  return {
    async finish() {
      const endLsn = await currentLsn(sql);
      // pg_walinspect reads only WAL already flushed; the WAL writer flushes within wal_writer_delay.
      for (let i = 0; i < 100; i++) {
        const [row] = await sql<{ flushed: boolean }[]>`select pg_current_wal_flush_lsn() >= ${endLsn}::pg_lsn as flushed`;
        if (row?.flushed) break;
        await sleep(50);
      }
      const wal = await walByTable(sql, startLsn, endLsn);
      const parents = await sql<{ name: string }[]>`
        select distinct confrelid::regclass::text as name from pg_constraint where contype = 'f' and conrelid = 'sync_runs'::regclass`;
      if (wait) await sleep(statsFlushMs);
      const after = await tableStats(sql);
      const rowsWrittenByTable: Record<string, number> = {};
      const deadTuplesByTable: Record<string, number> = {};
      for (const [name, now] of after) {
        const then = before.get(name) ?? { relname: name, written: 0, dead: 0 };
        if (now.written > then.written) rowsWrittenByTable[name] = now.written - then.written;
        if (now.dead > then.dead) deadTuplesByTable[name] = now.dead - then.dead;
      }
      return { ...wal, bookkeepingParents: parents.map((p) => p.name).sort(), rowsWrittenByTable, deadTuplesByTable };
    },
  };
}

async function tableStats(sql: Sql): Promise<Map<string, TableStats>> {
  const rows = await sql<TableStats[]>`
    select relname::text as relname,
           (n_tup_ins + n_tup_upd + n_tup_del)::float8 as written,
           n_dead_tup::float8 as dead
      from pg_stat_user_tables`;
  return new Map(rows.map((r) => [r.relname, r]));
}

/**
 * Every WAL record between two positions, its bytes credited to the table its first block
 * belongs to. A block reference reads `rel <tablespace>/<database>/<relfilenode> …`; indexes
 * and TOAST tables are mapped to the table they serve.
 */
async function walByTable(
  sql: Sql,
  startLsn: string,
  endLsn: string,
): Promise<Pick<WriteFootprint, "walBytes" | "walRecords" | "walBytesByTable" | "walLockBytesByTable">> {
  const rows = await sql<{ table_name: string | null; is_lock: boolean; bytes: number; records: number }[]>`
    with all_records as (
      select record_length,
             resource_manager = 'Heap' and record_type = 'LOCK' as is_lock,
             substring(block_ref from 'rel \\d+/(\\d+)/\\d+')::oid as database_oid,
             substring(block_ref from 'rel \\d+/\\d+/(\\d+)')::oid as filenode
        from pg_get_wal_records_info(${startLsn}::pg_lsn, ${endLsn}::pg_lsn)
    ), records as (
      -- Other databases on the same server (tests running beside the benchmark) are not ours.
      select * from all_records
       where database_oid is null
          or database_oid = (select oid from pg_database where datname = current_database())
    ), rels as (
      select c.relfilenode,
             coalesce(ti.relname, toast_owner.relname, c.relname)::text as table_name
        from pg_class c
        left join pg_index i on i.indexrelid = c.oid
        left join pg_class ti on ti.oid = i.indrelid and ti.relkind <> 't'
        left join pg_class toast_owner on toast_owner.reltoastrelid = coalesce(i.indrelid, c.oid)
       where c.relfilenode <> 0
    )
    select case when r.filenode is null then '(none)' else coalesce(rels.table_name, '(other database or dropped)') end as table_name,
           r.is_lock,
           sum(r.record_length)::float8 as bytes,
           count(*)::float8 as records
      from records r left join rels on rels.relfilenode = r.filenode
     group by 1, 2`;
  const walBytesByTable: Record<string, number> = {};
  const walLockBytesByTable: Record<string, number> = {};
  let walBytes = 0;
  let walRecords = 0;
  for (const r of rows) {
    const into = r.is_lock ? walLockBytesByTable : walBytesByTable;
    const name = r.table_name ?? "(none)";
    into[name] = (into[name] ?? 0) + r.bytes;
    walBytes += r.bytes;
    walRecords += r.records;
  }
  return { walBytes, walRecords, walBytesByTable, walLockBytesByTable };
}

/**
 * The tables an unchanged re-sync wrote besides its own bookkeeping: should be none. Row locks
 * count as writes except on the tables the bookkeeping rows reference (their foreign-key checks).
 */
export function writesBeyondBookkeeping(footprint: WriteFootprint, bookkeeping: readonly string[] = ["sync_runs"]): string[] {
  const allowed = new Set(bookkeeping);
  const parents = new Set(footprint.bookkeepingParents);
  const tables = new Set([
    ...Object.keys(footprint.rowsWrittenByTable),
    ...Object.keys(footprint.deadTuplesByTable),
    ...Object.keys(footprint.walBytesByTable).filter((t) => t !== "(none)"),
    ...Object.keys(footprint.walLockBytesByTable).filter((t) => t !== "(none)" && !parents.has(t)),
  ]);
  return [...tables].filter((t) => !allowed.has(t)).sort();
}

async function currentLsn(sql: Sql): Promise<string> {
  const [row] = await sql<{ lsn: string }[]>`select pg_current_wal_insert_lsn()::text as lsn`;
  if (!row) throw new Error("pg_current_wal_insert_lsn() returned no row");
  return row.lsn;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
