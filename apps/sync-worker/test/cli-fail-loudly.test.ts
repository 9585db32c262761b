import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type DbHandle, createDb, queryRows } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase, defaultAdminUrl, withDatabase } from "@cloudsync/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKey } from "../src/secrets/keyring.ts";
import { runCli } from "./fixtures/cli.ts";

const dir = mkdtempSync(path.join(tmpdir(), "cloudsync-loud-"));
const keys = `k1:${generateKey()}`;
const suffix = `${process.pid}_${Date.now().toString(36)}`;
const emptyNames = [`cloudsync_loud_empty_${suffix}`, `cloudsync_loud_demo_${suffix}`];
const [emptyUrl, demoUrl] = emptyNames.map((n) => withDatabase(defaultAdminUrl(), n)) as [string, string];
let admin: DbHandle;
let behind: TestDatabase;
let migrated: TestDatabase;

const cli = (args: string[], env: Record<string, string>) => runCli(args, { CLOUDSYNC_ENCRYPTION_KEYS: keys, ...env }, dir);

beforeAll(async () => {
  admin = await createDb({ url: defaultAdminUrl(), maxConnections: 1 });
  for (const name of emptyNames) await admin.db.execute(sql.raw(`create database ${name}`));
  migrated = await createTestDatabase({ prefix: "cloudsync_loud" });
  behind = await createTestDatabase({ prefix: "cloudsync_loud_behind" });
  // As if this build shipped a migration the database has not had yet.
  await behind.db.execute(sql`delete from drizzle.__drizzle_migrations where created_at = (select max(created_at) from drizzle.__drizzle_migrations)`);
});
afterAll(async () => {
  for (const name of emptyNames) await admin?.db.execute(sql.raw(`drop database if exists ${name} with (force)`));
  await admin?.close();
  await migrated?.drop();
  await behind?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("a database that cannot be reached is named, with the cause and what to do", () => {
  it.each([
    ["connection refused", "postgres://postgres:hunter2-secret@127.0.0.1:1/cloudsync", /at 127\.0\.0\.1:1 \(database "cloudsync"\): connection refused, nothing listens there\. Start PostgreSQL/],
    ["unknown host", "postgres://postgres:hunter2-secret@no-such-host.invalid:5432/cloudsync", /at no-such-host\.invalid:5432 \(database "cloudsync"\): unknown host "no-such-host\.invalid".*Fix the host in DATABASE_URL/],
    ["authentication failed", "postgres://cloudsync_no_such_login:hunter2-secret@127.0.0.1:5432/postgres", /at 127\.0\.0\.1:5432 \(database "postgres"\): authentication failed for user "cloudsync_no_such_login"\. Check the user and password/],
    ["database missing", `postgres://postgres:hunter2-secret@127.0.0.1:5432/cloudsync_missing_${suffix}`, new RegExp(`the database "cloudsync_missing_${suffix}" does not exist\\. Create it`)],
  ])("%s", async (_cause, url, message) => {
    for (const args of [["provider", "list"], ["migrate"]]) {
      const r = await cli(args, { DATABASE_URL: url });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^cloudsync: cannot connect to PostgreSQL /);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toContain("Failed query");
      expect(r.stderr).not.toContain("hunter2-secret");
    }
  });

  it("a role in CLOUDSYNC_DB_ROLE that does not exist", async () => {
    const r = await cli(["provider", "list"], { DATABASE_URL: migrated.url, CLOUDSYNC_DB_ROLE: "cloudsync_no_such_role" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot act as role "cloudsync_no_such_role" \(CLOUDSYNC_DB_ROLE\).*unset CLOUDSYNC_DB_ROLE/);
  });
});

describe("a server database that is not migrated", () => {
  it.each([
    [["provider", "list"]],
    [["org", "add", "--name", "A", "--slug", "a", "--owner-email", "a@a.example"]],
    [["sync"]],
    [["maintenance"]],
    [["keys", "rotate"]],
    [["worker"]],
  ].map(([args]) => [args!.join(" "), args!] as const))("`%s` says so, names `cloudsync migrate`, and creates nothing", async (_name, args) => {
    const r = await cli(args, { DATABASE_URL: emptyUrl, REDIS_URL: "redis://127.0.0.1:1", CLOUDSYNC_HTTP_PORT: "0" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the database at 127\.0\.0\.1:5432 \(database "cloudsync_loud_empty_[^"]+"\) is not migrated \(it has no cloudsync tables\)\. Run `cloudsync migrate`/);
    const empty = await createDb({ url: emptyUrl, maxConnections: 1 });
    try {
      expect(await queryRows(empty.db, sql`select relname from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public'`)).toEqual([]);
    } finally {
      await empty.close();
    }
  });

  it("one whose journal lacks a migration of this build says how far behind it is", async () => {
    const r = await cli(["provider", "list"], { DATABASE_URL: behind.url });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is 1 migration behind this version of cloudsync\. Run `cloudsync migrate`/);
  });

  it("`demo` migrates it, since filling a database is its job", async () => {
    const r = await cli(["demo", "--size", "10"], { DATABASE_URL: demoUrl });
    expect(r.stderr).not.toMatch(/not migrated/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/First sync/);
    const filled = await createDb({ url: demoUrl, maxConnections: 1 });
    try {
      const [row] = await queryRows<{ n: number }>(filled.db, sql`select count(*)::int as n from cloud_resources`);
      expect(row!.n).toBeGreaterThan(0);
    } finally {
      await filled.close();
    }
  }, 180_000);
});

describe("cloudsync worker and an unreachable Redis at start", () => {
  it("retries for CLOUDSYNC_REDIS_STARTUP_TIMEOUT_SECONDS, then exits 1 naming Redis, the cause and the variable", async () => {
    const r = await cli(["worker"], {
      DATABASE_URL: migrated.url,
      REDIS_URL: "redis://:redis-password-secret@127.0.0.1:1",
      CLOUDSYNC_REDIS_STARTUP_TIMEOUT_SECONDS: "2",
      CLOUDSYNC_HTTP_PORT: "0",
      LOG_LEVEL: "warn",
    });
    expect(r.code).toBe(1);
    // It waited: at least one retry was logged before it gave up.
    expect(r.stderr).toMatch(/"msg":"waiting for Redis"/);
    expect(r.stderr).toMatch(/cloudsync: cannot reach Redis at 127\.0\.0\.1:1 \(connect ECONNREFUSED[^)]*\); start it or point REDIS_URL at a running one\. Gave up after 2 s; CLOUDSYNC_REDIS_STARTUP_TIMEOUT_SECONDS sets how long to wait\./);
    expect(r.stderr).not.toContain("redis-password-secret");
  });
});
