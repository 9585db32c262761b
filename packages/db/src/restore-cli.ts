#!/usr/bin/env node
// `cloudsync-db-restore` (the package's bin; `pnpm db:restore` in the repository) --file FILE
// --target-url URL: restores a `pnpm db:backup` dump into a fresh
// database and verifies every table's row count and checksum against the manifest; exits 1
// listing the tables that differ. `--verify-only` checks an existing database against a
// manifest without restoring (restore drills, audits). See docs/disaster-recovery.md.
import { parseArgs } from "node:util";
import path from "node:path";
import { BackupError, type VerifyResult, describeDifference, manifestPathFor, redactUrl, restoreDatabase, verifyDatabase } from "./backup/index.ts";

const usage = `Usage: cloudsync-db-restore --file FILE --target-url URL [--manifest FILE] [--force] [--no-owner] [--no-privileges]
       cloudsync-db-restore --verify-only --file FILE|--manifest FILE --target-url URL
       (in the repository: pnpm db:restore …)

  --file FILE        the dump cloudsync-db-backup wrote (its manifest is FILE.manifest.json)
  --target-url URL   the database to restore into: created when it does not exist; must be empty
  --manifest FILE    the manifest, when it is not beside the dump
  --force            restore into a database that has objects: it is dropped (its connections
                     ended, everything in it lost) and created again
  --no-owner         the restoring login owns everything (when the source's owner role is absent)
  --no-privileges    skip GRANTs (the roles cloudsync_app/cloudsync_worker then cannot read anything)
  --verify-only      only compare the target with the manifest

Exit codes: 0 restored and verified, 1 failed or differs from the backup, 2 wrong arguments.
A password in --target-url is visible to local users in the process list: prefer PGPASSWORD or ~/.pgpass.`;

const options = {
  file: { type: "string" },
  "target-url": { type: "string" },
  manifest: { type: "string" },
  force: { type: "boolean" },
  "no-owner": { type: "boolean" },
  "no-privileges": { type: "boolean" },
  "verify-only": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** The options, or null (after printing why) when they do not parse. `pnpm … --` passes the `--` on. */
function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv.filter((a, i) => !(i === 0 && a === "--")), options }).values;
  } catch (error) {
    console.error(`db:restore: ${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
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
  if (!values.file && !(values["verify-only"] && values.manifest)) {
    console.error(`db:restore: --file is required\n\n${usage}`);
    return 2;
  }
  const base = process.env.INIT_CWD || process.cwd();
  const file = path.resolve(base, values.file ?? "");
  const manifestFile = values.manifest ? path.resolve(base, values.manifest) : manifestPathFor(file);
  const target = values["target-url"];

  if (values["verify-only"]) {
    const result = await verifyDatabase({ url: target, manifestFile });
    return report(result, "verified");
  }
  const result = await restoreDatabase({
    file,
    targetUrl: target,
    manifestFile,
    force: values.force === true,
    noOwner: values["no-owner"] === true,
    noPrivileges: values["no-privileges"] === true,
  });
  console.log(
    `restored ${path.basename(file)} into ${redactUrl(new URL(target!))}${result.replaced ? " (dropped and recreated)" : result.created ? " (created)" : ""}`,
  );
  return report(result.verification, "verified");
}

function report(result: VerifyResult, verb: string): number {
  if (result.ok) {
    console.log(`${verb}: ${result.tables} tables and ${result.rows} rows match the manifest (row counts and checksums)`);
    return 0;
  }
  console.error(`db:restore: the database differs from the backup in ${result.differences.length} place(s):`);
  for (const d of result.differences) console.error(`  ${describeDifference(d)}`);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`db:restore: ${error instanceof Error ? error.message : String(error)}`);
    if (!(error instanceof BackupError) && error instanceof Error && error.stack) console.error(error.stack);
    process.exitCode = 1;
  },
);
