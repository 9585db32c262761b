import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type postgres from "postgres";
import { z } from "zod";
import { BackupError, quoteIdent } from "./connection.ts";

/*
 * What a backup contained, table by table, so a restore can prove it got the same data back.
 *
 * A table's checksum is a multiset hash: the md5 of every row's text, split into two 64-bit
 * halves and summed (exactly, as numeric) over the table. It needs no ORDER BY and no memory
 * that grows with the table (an `md5(string_agg(… ORDER BY pk))` collects a string per table,
 * which hits PostgreSQL's 1 GB value limit at about 33 million rows: one month of metric
 * samples can be that). Sums add, so a partitioned table's figures are the sums of its
 * partitions' and its rows are read once. Any added, removed or changed row changes the sums.
 */

export interface TableContents {
  /** `table`, `partition` (of `partitionOf`) or `partitioned` (figures summed over its partitions). */
  kind: "table" | "partition" | "partitioned";
  partitionOf?: string;
  rows: number;
  checksum: string;
}

export interface DatabaseContents {
  /** `schema.table` → contents, every table whose rows pg_dump dumps. */
  tables: Record<string, TableContents>;
  /** `schema.sequence` → last value (null: never used), as pg_dump restores it with setval. */
  sequences: Record<string, string | null>;
  /** Roles the dumped objects are owned by, and roles they grant privileges to. */
  roles: { owners: string[]; grantees: string[] };
}

export interface BackupManifest extends DatabaseContents {
  format: "cloudsync-backup-manifest";
  version: 1;
  createdAt: string;
  /** The source, password removed. */
  source: string;
  database: string;
  serverVersion: string;
  pgDumpVersion: string;
  /** The snapshot pg_dump and the figures above were both taken in. */
  snapshot: string;
  dump: { file: string; format: "custom"; bytes: number; sha256: string };
}

const manifestSchema = z.object({
  format: z.literal("cloudsync-backup-manifest"),
  version: z.literal(1),
  createdAt: z.string(),
  source: z.string(),
  database: z.string(),
  serverVersion: z.string(),
  pgDumpVersion: z.string(),
  snapshot: z.string(),
  dump: z.object({ file: z.string(), format: z.literal("custom"), bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  tables: z.record(
    z.string(),
    z.object({ kind: z.enum(["table", "partition", "partitioned"]), partitionOf: z.string().optional(), rows: z.number().int().nonnegative(), checksum: z.string() }),
  ),
  sequences: z.record(z.string(), z.string().nullable()),
  roles: z.object({ owners: z.array(z.string()), grantees: z.array(z.string()) }),
});

export function readManifest(file: string): BackupManifest {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BackupError(
      code === "ENOENT"
        ? `manifest ${file} does not exist: \`pnpm db:backup\` writes FILE.manifest.json beside every dump; pass --manifest if it was moved`
        : `cannot read manifest ${file}: ${code ?? String(error)}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BackupError(`manifest ${file} is not valid JSON`);
  }
  const result = manifestSchema.safeParse(parsed);
  if (!result.success) {
    const fields = result.error.issues.map((i) => i.path.join(".") || "(top level)").join(", ");
    throw new BackupError(`manifest ${file} is not a cloudsync backup manifest (wrong fields: ${fields})`);
  }
  return result.data as BackupManifest;
}

/** Anything postgres-js can query through: a pool, a reserved connection or a transaction. */
type Queryable = postgres.Sql | postgres.TransactionSql;

const SYSTEM_SCHEMAS = `n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_(toast|temp_|toast_temp_)'`;

/**
 * Row text must not depend on the session: these fix how dates, times, intervals, floats and
 * bytea print. `row_security = off` makes a role that RLS would filter fail loudly instead of
 * checksumming a subset (pg_dump does the same). Call inside a transaction.
 */
async function fixSessionOutput(db: Queryable): Promise<void> {
  const settings = ["timezone = 'UTC'", "datestyle = 'ISO, YMD'", "intervalstyle = 'postgres'", "extra_float_digits = 1", "bytea_output = 'hex'", "row_security = off"];
  for (const setting of settings) await db.unsafe(`set local ${setting}`);
}

interface LeafSums {
  rows: bigint;
  hi: bigint;
  lo: bigint;
}

function checksumOf(s: LeafSums): string {
  return createHash("md5").update(`${s.rows}:${s.hi}:${s.lo}`).digest("hex");
}

/**
 * Counts and checksums every table of the database as the current transaction sees it. Must run
 * inside a transaction (`sql.begin`); for a backup, the one whose snapshot pg_dump uses.
 */
export async function readDatabaseContents(db: Queryable): Promise<DatabaseContents> {
  await fixSessionOutput(db);
  const tables = await db.unsafe<{ schema: string; name: string; relkind: string; parent: string | null; oid: number }[]>(
    `select n.nspname as schema, c.relname as name, c.relkind::text as relkind, c.oid::int8 as oid,
            (select pn.nspname || '.' || pc.relname from pg_inherits i join pg_class pc on pc.oid = i.inhparent
               join pg_namespace pn on pn.oid = pc.relnamespace where c.relispartition and i.inhrelid = c.oid) as parent
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and ${SYSTEM_SCHEMAS}
        and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
      order by 1, 2`,
  );
  const sums = new Map<string, LeafSums>();
  for (const t of tables.filter((x) => x.relkind === "r")) {
    const [row] = await db.unsafe<{ rows: string; hi: string; lo: string }[]>(
      `select count(*)::text as rows,
              coalesce(sum(('x' || substr(h, 1, 16))::bit(64)::bigint::numeric), 0)::text as hi,
              coalesce(sum(('x' || substr(h, 17, 16))::bit(64)::bigint::numeric), 0)::text as lo
         from (select md5(t::text) as h from only ${quoteIdent(t.schema)}.${quoteIdent(t.name)} as t) as rows`,
    );
    sums.set(`${t.schema}.${t.name}`, { rows: BigInt(row!.rows), hi: BigInt(row!.hi), lo: BigInt(row!.lo) });
  }
  // A partitioned table's figures are the sums of its leaves' (sub-partitions included).
  const leavesOf = new Map<string, string[]>();
  for (const t of tables.filter((x) => x.relkind === "p")) {
    const leaves = await db.unsafe<{ leaf: string }[]>(
      `select n.nspname || '.' || c.relname as leaf from pg_partition_tree($1::oid) p
         join pg_class c on c.oid = p.relid join pg_namespace n on n.oid = c.relnamespace where p.isleaf`,
      [t.oid],
    );
    leavesOf.set(`${t.schema}.${t.name}`, leaves.map((l) => l.leaf));
  }
  const contents: Record<string, TableContents> = {};
  for (const t of tables) {
    const key = `${t.schema}.${t.name}`;
    const s =
      t.relkind === "r"
        ? sums.get(key)!
        : (leavesOf.get(key) ?? []).reduce<LeafSums>(
            (acc, leaf) => {
              const l = sums.get(leaf) ?? { rows: 0n, hi: 0n, lo: 0n };
              return { rows: acc.rows + l.rows, hi: acc.hi + l.hi, lo: acc.lo + l.lo };
            },
            { rows: 0n, hi: 0n, lo: 0n },
          );
    contents[key] = {
      kind: t.relkind === "p" ? "partitioned" : t.parent ? "partition" : "table",
      ...(t.parent ? { partitionOf: t.parent } : {}),
      rows: Number(s.rows),
      checksum: checksumOf(s),
    };
  }

  const sequences: Record<string, string | null> = {};
  const seqRows = await db.unsafe<{ name: string; last_value: string | null }[]>(
    `select s.schemaname || '.' || s.sequencename as name, s.last_value::text as last_value
       from pg_sequences s join pg_namespace n on n.nspname = s.schemaname join pg_class c on c.relnamespace = n.oid and c.relname = s.sequencename
      where ${SYSTEM_SCHEMAS}
        and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
      order by 1`,
  );
  for (const s of seqRows) sequences[s.name] = s.last_value;

  return { tables: contents, sequences, roles: await referencedRoles(db) };
}

/** Roles a restore needs in the target cluster: owners (unless --no-owner) and grantees (unless --no-privileges). */
async function referencedRoles(db: Queryable): Promise<{ owners: string[]; grantees: string[] }> {
  const rows = await db.unsafe<{ role: string; why: "owner" | "grantee" }[]>(
    `with objects as (
       select c.relowner as owner, c.relacl as acl from pg_class c join pg_namespace n on n.oid = c.relnamespace where ${SYSTEM_SCHEMAS}
       union all
       select p.proowner, p.proacl from pg_proc p join pg_namespace n on n.oid = p.pronamespace where ${SYSTEM_SCHEMAS}
       union all
       select t.typowner, t.typacl from pg_type t join pg_namespace n on n.oid = t.typnamespace where ${SYSTEM_SCHEMAS}
       union all
       select n.nspowner, n.nspacl from pg_namespace n where ${SYSTEM_SCHEMAS}
     ), refs as (
       select owner as oid, 'owner' as why from objects
       union select (aclexplode(acl)).grantee, 'grantee' from objects where acl is not null
       union select d.defaclrole, 'grantee' from pg_default_acl d
       union select (aclexplode(d.defaclacl)).grantee, 'grantee' from pg_default_acl d
       union select unnest(p.polroles), 'grantee' from pg_policy p
     )
     select distinct r.rolname as role, refs.why from refs join pg_roles r on r.oid = refs.oid order by 1`,
  );
  const pick = (why: string) => [...new Set(rows.filter((r) => r.why === why).map((r) => r.role))].sort();
  return { owners: pick("owner"), grantees: pick("grantee") };
}

export interface ContentDifference {
  /** `schema.table`, or `sequence schema.name`. */
  object: string;
  problem: "missing" | "unexpected" | "rows" | "checksum" | "sequence";
  expected?: string;
  actual?: string;
}

/** What differs between the backup's figures and a restored database's; empty when equal. */
export function compareContents(expected: DatabaseContents, actual: DatabaseContents): ContentDifference[] {
  const differences: ContentDifference[] = [];
  for (const [name, want] of Object.entries(expected.tables)) {
    const got = actual.tables[name];
    if (!got) differences.push({ object: name, problem: "missing", expected: `${want.rows} rows` });
    else if (got.rows !== want.rows) differences.push({ object: name, problem: "rows", expected: String(want.rows), actual: String(got.rows) });
    else if (got.checksum !== want.checksum) differences.push({ object: name, problem: "checksum", expected: want.checksum, actual: got.checksum });
  }
  for (const [name, got] of Object.entries(actual.tables)) {
    if (!expected.tables[name]) differences.push({ object: name, problem: "unexpected", actual: `${got.rows} rows` });
  }
  for (const [name, want] of Object.entries(expected.sequences)) {
    const got = actual.sequences[name];
    if (got === undefined) differences.push({ object: `sequence ${name}`, problem: "missing", expected: String(want) });
    else if (got !== want) differences.push({ object: `sequence ${name}`, problem: "sequence", expected: String(want), actual: String(got) });
  }
  return differences;
}

/** One line per difference, for terminals and error messages. */
export function describeDifference(d: ContentDifference): string {
  switch (d.problem) {
    case "missing":
      return `${d.object}: missing from the restored database (backup has ${d.expected})`;
    case "unexpected":
      return `${d.object}: not in the backup (restored database has ${d.actual})`;
    case "rows":
      return `${d.object}: ${d.actual} rows, backup has ${d.expected}`;
    case "checksum":
      return `${d.object}: same row count, different contents (checksum ${d.actual}, backup ${d.expected})`;
    case "sequence":
      return `${d.object}: last value ${d.actual}, backup has ${d.expected}`;
  }
}
