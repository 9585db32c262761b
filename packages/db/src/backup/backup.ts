import { createHash } from "node:crypto";
import { createReadStream, existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { BackupError, databaseName, libpqConnection, redactUrl, requireServerUrl } from "./connection.ts";
import { type BackupManifest, readDatabaseContents } from "./manifest.ts";
import { pgToolVersion, runPgTool } from "./pg-tools.ts";

export interface BackupOptions {
  /** The database to back up (`DATABASE_URL`); must be a PostgreSQL server. */
  url: string | undefined;
  /** The dump file (default `cloudsync-<database>-<UTC time>.dump` in `cwd`). */
  out?: string;
  /** Where a relative `out` is resolved (default the process's working directory). */
  cwd?: string;
  /** Replace an existing dump and manifest (default: refuse). */
  overwrite?: boolean;
}

export interface BackupResult {
  file: string;
  manifestFile: string;
  manifest: BackupManifest;
}

export const manifestPathFor = (dumpFile: string) => `${dumpFile}.manifest.json`;

/**
 * `pg_dump --format=custom` of the database, plus a manifest beside it with every table's row
 * count and checksum. Both come from one snapshot: this function opens a repeatable-read
 * transaction, exports its snapshot, runs pg_dump with `--snapshot` and reads the figures in
 * that same transaction, so writes during the backup cannot make the manifest disagree with the
 * dump. Files are written under a temporary name and renamed when complete, so a failed backup
 * never looks like a good one.
 */
export async function backupDatabase(options: BackupOptions): Promise<BackupResult> {
  const url = requireServerUrl(options.url, "DATABASE_URL");
  const database = databaseName(url);
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const file = path.resolve(options.cwd ?? process.cwd(), options.out ?? `cloudsync-${database}-${stamp}.dump`);
  const manifestFile = manifestPathFor(file);
  for (const f of [file, manifestFile]) {
    if (existsSync(f) && !options.overwrite) throw new BackupError(`${f} already exists; choose another --out, or pass --force to replace it`);
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  const pgDumpVersion = await pgToolVersion("pg_dump");
  const { dbname, env } = libpqConnection(url);

  const sql = postgres(url.toString(), { max: 1, onnotice: () => {}, connection: { application_name: "cloudsync-backup" } });
  try {
    const serverVersion = await connectOrExplain(sql, url);
    const { snapshot, contents } = await sql.begin("isolation level repeatable read read only", async (tx) => {
      const [row] = await tx<{ snapshot: string }[]>`select pg_export_snapshot() as snapshot`;
      const snapshot = row!.snapshot;
      // The transaction stays open until both finish: pg_dump imports its snapshot meanwhile.
      // Both are awaited even when one fails, so no pg_dump is left writing behind our back.
      const [dumped, read] = await Promise.allSettled([
        runPgTool("pg_dump", ["--format=custom", `--file=${partial}`, `--snapshot=${snapshot}`, `--dbname=${dbname}`], env),
        readDatabaseContents(tx),
      ]);
      if (dumped.status === "rejected") throw dumped.reason;
      if (read.status === "rejected") throw explainReadError(read.reason);
      return { snapshot, contents: read.value };
    });
    const sha256 = await sha256File(partial);
    const manifest: BackupManifest = {
      format: "cloudsync-backup-manifest",
      version: 1,
      createdAt: new Date().toISOString(),
      source: redactUrl(url),
      database,
      serverVersion,
      pgDumpVersion,
      snapshot,
      dump: { file: path.basename(file), format: "custom", bytes: statSync(partial).size, sha256 },
      ...contents,
    };
    renameSync(partial, file);
    writeFileSync(`${manifestFile}.partial`, `${JSON.stringify(manifest, null, 2)}\n`);
    renameSync(`${manifestFile}.partial`, manifestFile);
    return { file, manifestFile, manifest };
  } finally {
    rmSync(partial, { force: true });
    rmSync(`${manifestFile}.partial`, { force: true });
    await sql.end({ timeout: 5 });
  }
}

/** Opens the connection and returns the server version, or says which server could not be reached. */
export async function connectOrExplain(sql: postgres.Sql, url: URL): Promise<string> {
  try {
    const [row] = await sql<{ v: string }[]>`select current_setting('server_version') as v`;
    return row!.v;
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new BackupError(
      code === "3D000"
        ? `database "${databaseName(url)}" does not exist on ${url.host}`
        : `cannot connect to ${redactUrl(url)}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

function explainReadError(error: unknown): unknown {
  if ((error as { code?: string }).code === "42501") {
    return new BackupError(
      `the backup's login may not read every row (${error instanceof Error ? error.message : String(error)}): back up as the owner of the tables or a superuser, which row-level security does not filter`,
      { cause: error },
    );
  }
  return error;
}

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(file)
      .on("data", (chunk) => hash.update(chunk))
      .on("error", reject)
      .on("end", () => resolve(hash.digest("hex")));
  });
}
