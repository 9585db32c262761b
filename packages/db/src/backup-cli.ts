#!/usr/bin/env node
// `cloudsync-db-backup` (the package's bin; `pnpm db:backup` in the repository) [--out FILE]
// [--force]: pg_dump --format=custom of the database DATABASE_URL names, plus FILE.manifest.json
// with every table's row count and checksum (see docs/disaster-recovery.md). Relative paths are
// taken from where pnpm ran the script (INIT_CWD: the repository root for the root
// `pnpm db:backup`), else from the working directory. Runs with plain node from dist/.
import { parseArgs } from "node:util";
import { BackupError, backupDatabase } from "./backup/index.ts";

const usage = `Usage: cloudsync-db-backup [--out FILE] [--force]      (in the repository: pnpm db:backup …)

  --out FILE   the dump to write (default cloudsync-<database>-<UTC time>.dump here);
               the manifest goes to FILE.manifest.json
  --force      replace FILE and its manifest if they exist

Backs up the PostgreSQL database DATABASE_URL names. The embedded PGlite database cannot be
dumped this way: stop what uses it and copy the .data/ directory instead.`;

const options = { out: { type: "string" }, force: { type: "boolean" }, help: { type: "boolean", short: "h" } } as const;

/** The options, or null (after printing why) when they do not parse. `pnpm … --` passes the `--` on. */
function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv.filter((a, i) => !(i === 0 && a === "--")), options }).values;
  } catch (error) {
    console.error(`db:backup: ${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
    return null;
  }
}

async function main(argv: string[]): Promise<number> {
  const values = parse(argv);
  if (!values) return 2;
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const result = await backupDatabase({
    url: process.env.DATABASE_URL || undefined,
    out: values.out,
    cwd: process.env.INIT_CWD || process.cwd(),
    overwrite: values.force === true,
  });
  const tables = Object.values(result.manifest.tables).filter((t) => t.kind !== "partitioned");
  const rows = tables.reduce((n, t) => n + t.rows, 0);
  console.log(`backup written: ${result.file} (${(result.manifest.dump.bytes / 1024 / 1024).toFixed(1)} MiB, sha256 ${result.manifest.dump.sha256.slice(0, 12)}…)`);
  console.log(`manifest:       ${result.manifestFile} (${tables.length} tables, ${rows} rows, snapshot ${result.manifest.snapshot})`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`db:backup: ${error instanceof Error ? error.message : String(error)}`);
    if (!(error instanceof BackupError) && error instanceof Error && error.stack) console.error(error.stack);
    process.exitCode = 1;
  },
);
