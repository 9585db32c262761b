import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { type DbOrTx, type Database, queryRows } from "@cloudsync/db";
import { sql } from "drizzle-orm";
import type { Env } from "../env.ts";
import { openDatabase } from "./context.ts";
import { UsageError } from "./errors.ts";
import { renderTable } from "./output.ts";

/**
 * Where `db stats` keeps the figures of its last call, to report growth: a file in the user's
 * state directory, one entry per database. A file and not a table because the command only reads
 * the database it measures: it runs under any role, a read-only one included.
 */
export function defaultStateFile(): string {
  return path.join(homedir(), ".local", "state", "cloudsync", "db-stats.json");
}

export interface TableStats {
  table: string;
  totalBytes: number;
  tableBytes: number;
  indexBytes: number;
  /** Bytes gained since the last call on this database; null on the first. */
  growthBytes: number | null;
  liveRows: number;
  deadRows: number;
  lastAutovacuum: string | null;
}

export interface DbStats {
  database: string;
  at: string;
  previousAt: string | null;
  tables: TableStats[];
  indexes: { index: string; table: string; bytes: number; scans: number }[];
  /** Null when pg_stat_statements is not installed or not loaded; `statementsNote` says which. */
  slowestStatements: { query: string; calls: number; meanMs: number; totalMs: number }[] | null;
  statementsNote: string | null;
}

interface StateFile {
  [database: string]: { at: string; totals: Record<string, number> };
}

function readState(file: string): StateFile {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as StateFile;
  } catch {
    // No file yet (the first call), or a damaged one: that loses only the growth figures, so
    // start a new baseline rather than refuse to report.
    return {};
  }
}

function writeState(file: string, state: StateFile): void {
  mkdirSync(path.dirname(file), { recursive: true });
  // Written aside and renamed, so two calls at once never leave half a file.
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temp, file);
}

async function slowestStatements(db: DbOrTx, limit: number): Promise<Pick<DbStats, "slowestStatements" | "statementsNote">> {
  const [ext] = await queryRows<{ schema: string }>(db, sql`select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_stat_statements'`);
  if (!ext) return { slowestStatements: null, statementsNote: "pg_stat_statements is not installed: `create extension pg_stat_statements` as a superuser, with it in shared_preload_libraries" };
  try {
    const rows = await queryRows<{ query: string; calls: string; mean_ms: number; total_ms: number }>(
      db,
      sql`select left(regexp_replace(query, '\\s+', ' ', 'g'), 100) as query, calls::text, round(mean_exec_time::numeric, 2)::float8 as mean_ms,
                 round(total_exec_time::numeric, 1)::float8 as total_ms
            from ${sql.identifier(ext.schema)}.pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())
           order by mean_exec_time desc limit ${limit}`,
    );
    return { slowestStatements: rows.map((r) => ({ query: r.query, calls: Number(r.calls), meanMs: r.mean_ms, totalMs: r.total_ms })), statementsNote: null };
  } catch (error) {
    // Installed but not preloaded, or not readable by this role: say so instead of failing.
    // Drizzle wraps the server's error ("Failed query: …"); its cause has the server's words.
    let cause = error as { message?: string; cause?: unknown };
    while (cause.cause) cause = cause.cause as typeof cause;
    return { slowestStatements: null, statementsNote: `pg_stat_statements is installed but cannot be read: ${cause.message ?? String(cause)}` };
  }
}

export async function collectDbStats(db: DbOrTx, previous: StateFile[string] | undefined, limit: number): Promise<DbStats> {
  const [{ database, at } = { database: "", at: "" }] = await queryRows<{ database: string; at: string }>(db, sql`select current_database() as database, now()::text as at`);
  const tables = await queryRows<{ table: string; total: string; heap: string; indexes: string; live: string; dead: string; last_autovacuum: string | null }>(
    db,
    sql`select c.relname as table, pg_total_relation_size(c.oid)::text as total, pg_table_size(c.oid)::text as heap,
               pg_indexes_size(c.oid)::text as indexes, coalesce(s.n_live_tup, 0)::text as live, coalesce(s.n_dead_tup, 0)::text as dead,
               s.last_autovacuum::text as last_autovacuum
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
          left join pg_stat_user_tables s on s.relid = c.oid
         where n.nspname = 'public' and c.relkind in ('r', 'm')
         order by pg_total_relation_size(c.oid) desc, c.relname`,
  );
  const indexes = await queryRows<{ index: string; table: string; bytes: string; scans: string }>(
    db,
    sql`select indexrelname as index, relname as table, pg_relation_size(indexrelid)::text as bytes, idx_scan::text as scans
          from pg_stat_user_indexes where schemaname = 'public' order by pg_relation_size(indexrelid) desc, indexrelname limit ${limit}`,
  );
  return {
    database,
    at: new Date(at).toISOString(),
    previousAt: previous?.at ?? null,
    tables: tables.map((t) => ({
      table: t.table,
      totalBytes: Number(t.total),
      tableBytes: Number(t.heap),
      indexBytes: Number(t.indexes),
      growthBytes: previous ? Number(t.total) - (previous.totals[t.table] ?? 0) : null,
      liveRows: Number(t.live),
      deadRows: Number(t.dead),
      lastAutovacuum: t.last_autovacuum ? new Date(t.last_autovacuum).toISOString() : null,
    })),
    indexes: indexes.map((i) => ({ index: i.index, table: i.table, bytes: Number(i.bytes), scans: Number(i.scans) })),
    ...(await slowestStatements(db, limit)),
  };
}

export function formatBytes(n: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let v = Math.abs(n);
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${n < 0 ? "-" : ""}${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

/** `db stats`: sizes with growth since the last call, dead tuples, biggest indexes, slowest statements. */
export async function dbStats(env: Env, opts: { json: boolean; stateFile?: string | undefined; limit: number; save: boolean }): Promise<number> {
  const file = opts.stateFile ?? defaultStateFile();
  if (opts.stateFile !== undefined && opts.stateFile.trim() === "") throw new UsageError("--state-file is empty: give a path, or leave it out for the default");
  const handle = await openDatabase(env);
  let stats: DbStats;
  try {
    const state = readState(file);
    // The same database under one key whichever URL reached it: server address, port and name.
    const [who] = await queryRows<{ key: string }>(handle.db, sql`select coalesce(host(inet_server_addr()), 'local') || ':' || coalesce(inet_server_port(), 0) || '/' || current_database() as key`);
    const key = handle.driver === "pglite" ? `pglite:${path.resolve(env.CLOUDSYNC_DATA_DIR ?? ".data")}` : who!.key;
    stats = await collectDbStats(handle.db, state[key], opts.limit);
    if (opts.save) writeState(file, { ...state, [key]: { at: stats.at, totals: Object.fromEntries(stats.tables.map((t) => [t.table, t.totalBytes])) } });
  } finally {
    await handle.close();
  }
  if (opts.json) {
    console.log(JSON.stringify(stats, null, 2));
    return 0;
  }
  const growth = (t: TableStats) => (t.growthBytes === null ? "" : `${t.growthBytes >= 0 ? "+" : ""}${formatBytes(t.growthBytes)}`);
  console.log(`${stats.database} at ${stats.at}; growth since ${stats.previousAt ?? "(first call: none yet)"}; figures kept in ${file}\n`);
  console.log(
    renderTable(
      ["table", "total", "table", "indexes", "growth", "live rows", "dead rows", "dead %", "last autovacuum"],
      stats.tables
        .slice(0, opts.limit)
        .map((t) => [t.table, formatBytes(t.totalBytes), formatBytes(t.tableBytes), formatBytes(t.indexBytes), growth(t), t.liveRows, t.deadRows, t.liveRows + t.deadRows ? `${((100 * t.deadRows) / (t.liveRows + t.deadRows)).toFixed(1)}` : "0.0", t.lastAutovacuum ?? "never"]),
    ),
  );
  console.log(`\nLargest indexes:\n${renderTable(["index", "table", "size", "scans"], stats.indexes.map((i) => [i.index, i.table, formatBytes(i.bytes), i.scans]))}`);
  if (stats.slowestStatements) {
    console.log(`\nSlowest statements (mean time):\n${renderTable(["mean ms", "calls", "total ms", "query"], stats.slowestStatements.map((s) => [s.meanMs, s.calls, s.totalMs, s.query]))}`);
  } else console.log(`\n${stats.statementsNote}`);
  return 0;
}
