import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type DbHandle, createDb, queryRows } from "@cloudsync/db";
import { defaultAdminUrl, withDatabase } from "@cloudsync/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandPaths, buildProgram } from "../src/cli/program.ts";
import { runCli } from "./fixtures/cli.ts";

// Every command and subcommand, read from the program itself: a command added later is covered
// without editing this file.
const paths = commandPaths(buildProgram().program);
const dir = mkdtempSync(path.join(tmpdir(), "cloudsync-help-"));
let admin: DbHandle;
const emptyName = `cloudsync_help_${process.pid}_${Date.now().toString(36)}`;
const emptyUrl = withDatabase(defaultAdminUrl(), emptyName);

/** Tables, views and schemas that a command acting on the database would have created. */
async function userRelations(): Promise<string[]> {
  const empty = await createDb({ url: emptyUrl, maxConnections: 1 });
  try {
    const rows = await queryRows<{ name: string }>(
      empty.db,
      sql`select n.nspname || '.' || c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'
      union all
      select nspname from pg_namespace where nspname not in ('public', 'pg_catalog', 'information_schema') and nspname not like 'pg_%'`,
    );
    return rows.map((r) => r.name);
  } finally {
    await empty.close();
  }
}

beforeAll(async () => {
  admin = await createDb({ url: defaultAdminUrl(), maxConnections: 1 });
  await admin.db.execute(sql.raw(`create database ${emptyName}`));
});
afterAll(async () => {
  await admin?.db.execute(sql.raw(`drop database if exists ${emptyName} with (force)`));
  await admin?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("--help on every command", () => {
  it("finds the commands and their subcommands in the program", () => {
    expect(paths).toEqual(expect.arrayContaining([["demo"], ["migrate"], ["org"], ["org", "add"], ["provider", "add"], ["provider", "list"], ["keys", "rotate"], ["worker"],
      ["budget", "add"], ["budget", "list"], ["budget", "remove"], ["alert", "list"], ["alert", "ack"], ["alert", "resolve"],
      ["recommendation", "list"], ["recommendation", "approve"], ["recommendation", "reject"], ["resource", "show"],
      ["dr", "plan", "add"], ["dr", "plan", "list"], ["dr", "plan", "evaluate"], ["dr", "plan", "test"], ["deployment", "list"],
      ["db", "stats"], ["retention", "apply"]]));
  });

  it.each(paths.map((p) => [p.join(" "), p]))("`cloudsync %s --help` prints usage, options and an example, exits 0, and acts on nothing", async (_name, words) => {
    const env = {
      DATABASE_URL: emptyUrl,
      // Nothing listens here: a command that tried Redis would fail or hang, not exit 0 at once.
      REDIS_URL: "redis://127.0.0.1:1",
      CLOUDSYNC_ENCRYPTION_KEYS: "k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
      CLOUDSYNC_DATA_DIR: path.join(dir, "pglite"),
    };
    const r = await runCli([...(words as string[]), "--help"], env, dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: cloudsync ${(words as string[]).join(" ")} \\[options\\]`));
    expect(r.stdout).toMatch(/\nOptions:\n[\s\S]*--help/);
    expect(r.stdout).toMatch(/\nExamples?:\n {2}.*cloudsync /);
    expect(await userRelations()).toEqual([]);
    // Nor was the embedded database opened instead.
    expect(readdirSync(dir)).toEqual([]);
  });
});
