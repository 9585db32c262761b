import { statSync } from "node:fs";
import postgres from "postgres";
import { connectOrExplain, manifestPathFor, sha256File } from "./backup.ts";
import { BackupError, databaseName, libpqConnection, quoteIdent, redactUrl, requireServerUrl, withDatabaseName } from "./connection.ts";
import { type BackupManifest, type ContentDifference, compareContents, readDatabaseContents, readManifest } from "./manifest.ts";
import { runPgTool } from "./pg-tools.ts";

export interface RestoreOptions {
  /** The dump `backupDatabase` wrote. */
  file: string;
  /** Where to restore: a new (or empty) database; created when it does not exist. */
  targetUrl: string | undefined;
  /** Default: FILE.manifest.json. */
  manifestFile?: string;
  /** Restore into a database that already has objects: it is dropped (connections ended) and created again. */
  force?: boolean;
  /** Leave object ownership to the restoring login (pg_restore --no-owner). */
  noOwner?: boolean;
  /** Leave out GRANT/REVOKE and default privileges (pg_restore --no-privileges). */
  noPrivileges?: boolean;
}

export interface VerifyResult {
  ok: boolean;
  differences: ContentDifference[];
  /** Tables (partitions included, partitioned parents not) and their rows, as the manifest lists them. */
  tables: number;
  rows: number;
}

export interface RestoreResult {
  database: string;
  /** The target did not exist and was created. */
  created: boolean;
  /** The target had objects and `force` dropped and recreated it. */
  replaced: boolean;
  verification: VerifyResult;
}

/**
 * Restores a dump into a fresh database and proves it: the file must be the one its manifest
 * describes (sha256), the target must be new or empty (unless `force`), the roles the dump
 * grants to must exist in the target cluster, pg_restore runs in one transaction (all or
 * nothing), and afterwards every table's row count and checksum must equal the manifest's.
 * Differences are returned, not thrown: the caller decides how loudly to fail.
 */
export async function restoreDatabase(options: RestoreOptions): Promise<RestoreResult> {
  const manifestFile = options.manifestFile ?? manifestPathFor(options.file);
  requireFile(options.file);
  const target = requireServerUrl(options.targetUrl, "--target-url");
  const manifest = readManifest(manifestFile);
  const sha256 = await sha256File(options.file);
  if (sha256 !== manifest.dump.sha256) {
    throw new BackupError(`${options.file} is not the dump ${manifestFile} describes (sha256 ${sha256.slice(0, 12)}…, expected ${manifest.dump.sha256.slice(0, 12)}…): a truncated or altered copy?`);
  }
  const database = databaseName(target);
  let created = await ensureDatabase(target);
  let replaced = false;
  const sql = postgres(target.toString(), { max: 1, onnotice: () => {}, connection: { application_name: "cloudsync-restore" } });
  try {
    await connectOrExplain(sql, target);
    const objects = await describeObjects(sql);
    if (objects.count > 0 && !options.force) {
      throw new BackupError(
        `target database "${database}" is not empty (${objects.count} objects, e.g. ${objects.examples.join(", ")}): restore into a new database ` +
          "(a --target-url naming one that does not exist creates it), or pass --force to drop and recreate it",
      );
    }
    await requireRoles(sql, manifest, options);
    replaced = objects.count > 0;
  } catch (error) {
    if (created) await dropDatabase(target).catch(() => undefined);
    throw error;
  } finally {
    await sql.end({ timeout: 5 });
  }
  if (replaced) {
    // pg_restore --clean cannot replace partitioned tables (it drops a partition's inherited
    // primary key before the parent's), so --force starts from an empty database instead.
    await dropDatabase(target).catch((error: unknown) => {
      throw new BackupError(`--force could not drop "${database}" to restore into it afresh (${error instanceof Error ? error.message : String(error)}): drop it yourself, or restore as its owner`, { cause: error });
    });
    created = await ensureDatabase(target);
  }

  const { dbname, env } = libpqConnection(target);
  const args = ["--exit-on-error", "--single-transaction", `--dbname=${dbname}`];
  if (options.noOwner) args.push("--no-owner");
  if (options.noPrivileges) args.push("--no-privileges");
  try {
    await runPgTool("pg_restore", [...args, options.file], env);
  } catch (error) {
    // One transaction: nothing was restored. A database we created for it goes too.
    if (created) await dropDatabase(target).catch(() => undefined);
    throw error;
  }

  const analyzer = postgres(target.toString(), { max: 1, onnotice: () => {} });
  try {
    // pg_restore loads no planner statistics; without them the first queries plan blind.
    await analyzer`analyze`;
  } finally {
    await analyzer.end({ timeout: 5 });
  }
  return { database, created, replaced, verification: await verifyDatabase({ url: target.toString(), manifest }) };
}

/**
 * Compares a database with a backup's manifest (after a restore, or any time later: a restore
 * drill, or a check that nothing changed a restored copy). Read in one snapshot.
 */
export async function verifyDatabase(options: { url: string | undefined; manifest?: BackupManifest; manifestFile?: string }): Promise<VerifyResult> {
  const url = requireServerUrl(options.url, "--target-url");
  if (!options.manifest && !options.manifestFile) throw new BackupError("verifying needs the backup's manifest (--manifest FILE, or --file FILE beside its FILE.manifest.json)");
  const manifest = options.manifest ?? readManifest(options.manifestFile!);
  const sql = postgres(url.toString(), { max: 1, onnotice: () => {}, connection: { application_name: "cloudsync-verify" } });
  try {
    await connectOrExplain(sql, url);
    const actual = await sql.begin("isolation level repeatable read read only", (tx) => readDatabaseContents(tx));
    const differences = compareContents(manifest, actual);
    const entries = Object.values(manifest.tables).filter((t) => t.kind !== "partitioned");
    return { ok: differences.length === 0, differences, tables: entries.length, rows: entries.reduce((n, t) => n + t.rows, 0) };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

function requireFile(file: string): void {
  let isFile = false;
  try {
    isFile = statSync(file).isFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BackupError(code === "ENOENT" ? `backup file ${file} does not exist` : `cannot read backup file ${file}: ${code ?? String(error)}`);
  }
  if (!isFile) throw new BackupError(`${file} is not a file: pass the .dump that \`pnpm db:backup\` wrote`);
}

/** Creates the target database when it does not exist; true when it did so. */
async function ensureDatabase(target: URL): Promise<boolean> {
  const database = databaseName(target);
  const probe = postgres(target.toString(), { max: 1, onnotice: () => {} });
  try {
    await probe`select 1`;
    return false;
  } catch (error) {
    if ((error as { code?: string }).code !== "3D000") {
      throw new BackupError(`cannot connect to ${redactUrl(target)}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  } finally {
    await probe.end({ timeout: 5 });
  }
  // It does not exist: create it from the maintenance database.
  const maintenance = withDatabaseName(target, "postgres");
  const admin = postgres(maintenance.toString(), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${quoteIdent(database)}`);
    return true;
  } catch (error) {
    throw new BackupError(
      `target database "${database}" does not exist and could not be created through ${redactUrl(maintenance)} (${error instanceof Error ? error.message : String(error)}): ` +
        `create it empty (createdb ${database}) or restore as a login with CREATEDB`,
      { cause: error },
    );
  } finally {
    await admin.end({ timeout: 5 });
  }
}

async function dropDatabase(target: URL): Promise<void> {
  const admin = postgres(withDatabaseName(target, "postgres").toString(), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${quoteIdent(databaseName(target))} with (force)`);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

/** User objects in the database: relations, functions, extensions (but plpgsql) and schemas (but public). */
async function describeObjects(sql: postgres.Sql): Promise<{ count: number; examples: string[] }> {
  const system = `n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_(toast|temp_|toast_temp_)'`;
  const rows = await sql.unsafe<{ name: string }[]>(
    `select n.nspname || '.' || c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace where ${system}
     union all select n.nspname || '.' || p.proname || '()' from pg_proc p join pg_namespace n on n.oid = p.pronamespace where ${system}
     union all select 'extension ' || e.extname from pg_extension e where e.extname <> 'plpgsql'
     union all select 'schema ' || n.nspname from pg_namespace n where ${system} and n.nspname <> 'public'`,
  );
  return { count: rows.length, examples: rows.slice(0, 3).map((r) => r.name) };
}

/** The dump's ALTER … OWNER TO and GRANT statements fail unless their roles exist cluster-wide. */
async function requireRoles(sql: postgres.Sql, manifest: BackupManifest, options: RestoreOptions): Promise<void> {
  const needed = [...new Set([...(options.noOwner ? [] : manifest.roles.owners), ...(options.noPrivileges ? [] : manifest.roles.grantees)])];
  if (needed.length === 0) return;
  const present = new Set((await sql<{ rolname: string }[]>`select rolname from pg_roles where rolname = any(${needed})`).map((r) => r.rolname));
  const missing = needed.filter((r) => !present.has(r));
  if (missing.length === 0) return;
  const owners = missing.filter((r) => manifest.roles.owners.includes(r));
  throw new BackupError(
    `the target cluster lacks the role(s) ${missing.join(", ")} that the backup ${owners.length ? "assigns ownership or privileges to" : "grants privileges to"}. ` +
      `Create them first (the application roles: CREATE ROLE cloudsync_app NOLOGIN; CREATE ROLE cloudsync_worker NOLOGIN; CREATE ROLE cloudsync_realtime NOLOGIN; or replay \`pg_dumpall --roles-only\` of the source cluster)` +
      `${owners.length ? ", or restore with --no-owner to make the restoring login the owner" : ""}; --no-privileges skips the grants (the application roles then cannot read anything).`,
  );
}
