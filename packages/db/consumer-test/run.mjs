#!/usr/bin/env node
// The consumer test (`pnpm test:consumer`, run by CI after `pnpm test`): packs @cloudsync/db as it
// would be published, installs the tarball with npm into a fresh directory outside the workspace
// next to the OLDEST drizzle-orm and postgres its peer ranges allow (the workspace itself proves
// the newest), compiles app/main.ts with strict settings and runs it against a fresh PostgreSQL
// database. It also checks what a stranger would trip over: one copy of drizzle-orm, no PGlite
// unless asked for, source maps that point at shipped files, bins that run with plain node.
// Then it installs the oldest PGlite the optional peer range allows, type-checks the package's
// shipped sources against the application's drizzle-orm (the published declarations alone would
// hide a mismatch behind skipLibCheck) and opens the embedded database.
//
// Only the npm registry is used. CONSUMER_DRIZZLE_ORM / CONSUMER_POSTGRES / CONSUMER_PGLITE pick
// other versions (that is how the peer ranges' bounds were tried); CONSUMER_KEEP=1 keeps the
// directory for a look.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import postgres from "postgres";

const here = path.dirname(fileURLToPath(import.meta.url));
const packageDir = path.resolve(here, "..");
const manifest = JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8"));
const adminUrl = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";

/** The lowest version a peer range allows (`>=X …` or `^X`): the one most likely to break. */
function lowestAllowed(name) {
  const range = manifest.peerDependencies[name];
  const match = /^(?:>=|\^)\s*(\d+\.\d+\.\d+)/.exec(range ?? "");
  if (!match) throw new Error(`consumer: cannot read the lowest version of ${name}'s peer range ${JSON.stringify(range)}`);
  return match[1];
}
function workspaceVersion(name) {
  return JSON.parse(readFileSync(path.join(packageDir, "node_modules", name, "package.json"), "utf8")).version;
}
/**
 * The environment without what the pnpm running this script adds (npm_config_local_prefix and
 * friends point npm at the workspace root): the app must install and run as a stranger's would.
 */
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(npm_|pnpm_|INIT_CWD$)/i.test(key)));
function run(command, args, options = {}) {
  return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: cleanEnv, ...options });
}
function step(line) {
  console.log(`consumer: ${line}`);
}

const versions = {
  drizzle: process.env.CONSUMER_DRIZZLE_ORM || lowestAllowed("drizzle-orm"),
  postgres: process.env.CONSUMER_POSTGRES || lowestAllowed("postgres"),
  pglite: process.env.CONSUMER_PGLITE || lowestAllowed("@electric-sql/pglite"),
};
if (versions.drizzle === workspaceVersion("drizzle-orm")) {
  throw new Error(`consumer: drizzle-orm ${versions.drizzle} is the workspace's own version; the test must use another one`);
}
if (!existsSync(path.join(packageDir, "dist", "index.js"))) {
  throw new Error("consumer: packages/db/dist is missing; build first (`pnpm test:consumer` does: turbo run build --filter=@cloudsync/db)");
}

const work = mkdtempSync(path.join(tmpdir(), "cloudsync-consumer-"));
const database = `cloudsync_consumer_${process.pid}_${Date.now().toString(36)}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
let failed = false;
try {
  // pnpm pack turns the catalog: references into versions, exactly as a publish would. The pnpm
  // running this script (npm_execpath) may be an `npx pnpm@10` one that is not on PATH.
  const execpath = process.env.npm_execpath ?? "";
  const pnpm = !path.basename(execpath).startsWith("pnpm") ? ["pnpm"] : /\.[cm]?js$/.test(execpath) ? [process.execPath, execpath] : [execpath];
  run(pnpm[0], [...pnpm.slice(1), "pack", "--pack-destination", work], { cwd: packageDir });
  const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"));
  if (!tarball) throw new Error(`consumer: pnpm pack wrote no tarball into ${work}`);
  step(`packed ${tarball} (${(statSync(path.join(work, tarball)).size / 1024).toFixed(0)} KiB)`);

  const app = path.join(work, "app");
  cpSync(path.join(here, "app"), app, { recursive: true });
  const dependencies = { "@cloudsync/db": `file:../${tarball}`, "drizzle-orm": versions.drizzle, postgres: versions.postgres };
  writeFileSync(
    path.join(app, "package.json"),
    `${JSON.stringify(
      {
        name: "cloudsync-db-consumer",
        private: true,
        type: "module",
        dependencies,
        devDependencies: { typescript: workspaceVersion("typescript"), "@types/node": workspaceVersion("@types/node") },
      },
      null,
      2,
    )}\n`,
  );
  // npm, not pnpm: the consumer is any application, and npm refuses peer ranges that do not fit.
  run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: app });
  const installed = (name) => JSON.parse(readFileSync(path.join(app, "node_modules", name, "package.json"), "utf8")).version;
  step(`installed into ${app} with drizzle-orm ${installed("drizzle-orm")}, postgres ${installed("postgres")}, no PGlite`);

  const pkg = path.join(app, "node_modules", "@cloudsync", "db");
  const drizzleCopies = run("npm", ["ls", "drizzle-orm", "--all", "--parseable"], { cwd: app }).trim().split("\n").filter(Boolean);
  if (drizzleCopies.length !== 1) throw new Error(`consumer: expected one drizzle-orm, found ${drizzleCopies.length}: ${drizzleCopies.join(", ")}`);
  if (existsSync(path.join(app, "node_modules", "@electric-sql", "pglite"))) {
    throw new Error("consumer: @electric-sql/pglite was installed although the application did not ask for it");
  }
  const brokenMaps = [];
  const optionalInTypes = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith(".map")) {
        for (const source of JSON.parse(readFileSync(file, "utf8")).sources) {
          if (!existsSync(path.resolve(dir, source))) brokenMaps.push(`${path.relative(pkg, file)} -> ${source}`);
        }
      } else if (entry.name.endsWith(".d.ts") && /(?:from\s*|import\s*\(\s*)["']@electric-sql\/pglite/.test(readFileSync(file, "utf8"))) {
        optionalInTypes.push(path.relative(pkg, file));
      }
    }
  };
  walk(path.join(pkg, "dist"));
  if (brokenMaps.length > 0) throw new Error(`consumer: source maps point at files that are not shipped:\n  ${brokenMaps.slice(0, 10).join("\n  ")}`);
  // With skipLibCheck an unresolvable import in a declaration silently becomes `any`: the optional
  // peer must not appear in the types an application without it compiles against.
  if (optionalInTypes.length > 0) throw new Error(`consumer: declarations name the optional @electric-sql/pglite: ${optionalInTypes.join(", ")}`);
  step("one drizzle-orm, no PGlite unless asked for (nor in the declarations), every source map points at a shipped file");

  run(process.execPath, [path.join(app, "node_modules", "typescript", "bin", "tsc"), "-p", app]);
  step("app/main.ts compiled (strict, noUncheckedIndexedAccess, exactOptionalPropertyTypes)");

  await admin.unsafe(`create database ${database}`);
  const url = Object.assign(new URL(adminUrl), { pathname: `/${database}` }).toString();
  const env = { ...cleanEnv, DATABASE_URL: url, CONSUMER_PHASE: "server", CONSUMER_PGLITE_DIR: path.join(work, "pglite") };
  process.stdout.write(run(process.execPath, [path.join(app, "dist", "main.js")], { cwd: app, env }));

  // The bins are built JavaScript: plain node runs them, no tsx, no TypeScript.
  const bins = path.join(app, "node_modules", ".bin");
  const migrated = run(path.join(bins, "cloudsync-db-migrate"), [], { cwd: app, env });
  if (!/migrations applied/.test(migrated)) throw new Error(`consumer: cloudsync-db-migrate said ${migrated}`);
  for (const bin of ["cloudsync-db-backup", "cloudsync-db-restore"]) {
    if (!run(path.join(bins, bin), ["--help"], { cwd: app, env }).includes(`Usage: ${bin}`)) throw new Error(`consumer: ${bin} --help printed no usage`);
  }
  step("bins cloudsync-db-migrate, cloudsync-db-backup and cloudsync-db-restore ran with plain node");

  run("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--loglevel=error", `@electric-sql/pglite@${versions.pglite}`], { cwd: app });
  cpSync(path.join(pkg, "src"), path.join(app, "shipped-src"), { recursive: true });
  run(process.execPath, [path.join(app, "node_modules", "typescript", "bin", "tsc"), "-p", path.join(app, "tsconfig.shipped-src.json")]);
  step(`added @electric-sql/pglite ${installed("@electric-sql/pglite")}; the shipped sources type-check against drizzle-orm ${installed("drizzle-orm")}`);
  process.stdout.write(run(process.execPath, [path.join(app, "dist", "main.js")], { cwd: app, env: { ...env, CONSUMER_PHASE: "embedded" } }));
  console.log(
    `consumer test: passed — @cloudsync/db ${manifest.version} tarball with drizzle-orm ${installed("drizzle-orm")}, postgres ${installed("postgres")} and @electric-sql/pglite ${installed("@electric-sql/pglite")} (workspace: ${workspaceVersion("drizzle-orm")}, ${workspaceVersion("postgres")}, ${workspaceVersion("@electric-sql/pglite")}), outside the workspace, against PostgreSQL`,
  );
} catch (error) {
  failed = true;
  const detail = error && typeof error === "object" && "stderr" in error ? `${error.message}\n${error.stdout ?? ""}${error.stderr ?? ""}` : String(error?.stack ?? error);
  console.error(`consumer test: FAILED — ${detail}`);
  console.error(`consumer: the installed application stays in ${work} for a look`);
} finally {
  await admin.unsafe(`drop database if exists ${database} with (force)`).catch(() => undefined);
  await admin.end({ timeout: 5 });
  if (!failed && process.env.CONSUMER_KEEP !== "1") rmSync(work, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
