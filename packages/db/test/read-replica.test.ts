import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbHandle, cloudResources, createDb, migrate, queryRows, withOrganization } from "../src/index.ts";
import { type Tenant, createResource, createTenant } from "./fixtures.ts";
import { type StreamingPair, replicaToolsMissing, startStreamingPair } from "./replica-fixture.ts";

/**
 * Consumers read from a streaming replica: `createDb({ url, readUrl })` gives `read`, a pool on
 * the replica whose transactions are read-only, where `withOrganization` and row-level security
 * work as on the primary. A primary and a replica of their own are started for it
 * (initdb, pg_basebackup -R).
 */
const missing = replicaToolsMissing();
let pair: StreamingPair;
let admin: DbHandle;
let app: DbHandle;
let a: Tenant;
let b: Tenant;

describe.skipIf(missing !== null)(`reads from a streaming replica${missing ? ` (skipped: ${missing})` : ""}`, () => {
  beforeAll(async () => {
    pair = await startStreamingPair();
    admin = await createDb({ url: pair.primaryUrl, readUrl: pair.replicaUrl, maxConnections: 2 });
    await migrate(admin);
    a = await createTenant(admin.db, "replica-alpha");
    b = await createTenant(admin.db, "replica-bravo");
    await createResource(admin.db, a, 1);
    await createResource(admin.db, b, 2);
    app = await createDb({ url: pair.primaryUrl, readUrl: pair.replicaUrl, maxConnections: 2 });
    // The replica replays the primary's WAL a moment later.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const [row] = await queryRows<{ n: number }>(admin.read, sql`select count(*)::int as n from cloud_resources`);
      if (row?.n === 2) break;
      if (Date.now() > deadline) throw new Error("the replica did not catch up within 30 s");
      await new Promise((r) => setTimeout(r, 50));
    }
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await admin?.close();
    await pair?.close();
  });

  it("sends `read` to the replica and `db` to the primary", async () => {
    const recovery = async (db: DbHandle["db"]) => (await queryRows<{ r: boolean }>(db, sql`select pg_is_in_recovery() as r`))[0]!.r;
    expect(await recovery(app.read)).toBe(true);
    expect(await recovery(app.db)).toBe(false);
  });

  it("shows each organization only its own rows on the replica, under row-level security", async () => {
    const seen = await withOrganization(app.read, a.organizationId, (tx) => tx.select({ org: cloudResources.organizationId }).from(cloudResources));
    expect(seen.map((r) => r.org)).toEqual([a.organizationId]);
  });

  it("refuses writes through `read`", async () => {
    await expect(app.read.execute(sql`insert into organizations (name, slug) values ('x', 'replica-write')`)).rejects.toMatchObject({
      cause: expect.objectContaining({ code: "25006" }),
    });
  });

  it("is `db` itself when no replica is named", async () => {
    const single = await createDb({ url: pair.primaryUrl, maxConnections: 1 });
    try {
      expect(single.read).toBe(single.db);
    } finally {
      await single.close();
    }
  });
});
