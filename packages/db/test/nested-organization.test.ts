import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbOrTx, queryRows, withOrganization } from "../src/index.ts";
import { type TestDatabase, createTestDatabase } from "../src/testing.ts";
import { type Tenant, createResource, createTenant } from "./fixtures.ts";

/**
 * Hole 6 of issue 13: a `withOrganization` inside another one ran in a savepoint, and releasing
 * a savepoint keeps its `SET LOCAL`s, so the rest of the outer transaction acted for the inner
 * call's organization. The outer organization and role must be back when the inner call ends.
 */
let tdb: TestDatabase;
let a: Tenant;
let b: Tenant;

beforeAll(async () => {
  tdb = await createTestDatabase();
  a = await createTenant(tdb.db, "nest-alpha");
  b = await createTenant(tdb.db, "nest-bravo");
  await createResource(tdb.db, a, 1);
  await createResource(tdb.db, a, 2);
  await createResource(tdb.db, b, 3);
});
afterAll(async () => tdb?.drop());

interface Seen {
  /** The organizations whose resources the transaction can read, sorted. */
  organizations: string[];
  role: string;
  setting: string | null;
}

async function seen(tx: DbOrTx): Promise<Seen> {
  const [row] = await queryRows<Seen>(
    tx,
    sql`select coalesce((select array_agg(distinct organization_id::text order by organization_id::text) from cloud_resources), '{}') as organizations,
               current_user::text as role, nullif(current_setting('app.organization_id', true), '') as setting`,
  );
  return row!;
}

const only = (t: Tenant) => ({ organizations: [t.organizationId], role: "cloudsync_app", setting: t.organizationId });

describe("withOrganization nested in another", () => {
  it("acts for the inner organization inside, and for the outer one again after it returns", async () => {
    const steps = await withOrganization(tdb.db, a.organizationId, async (outer) => {
      const before = await seen(outer);
      const inside = await withOrganization(outer, b.organizationId, (inner) => seen(inner));
      const after = await seen(outer);
      return { before, inside, after };
    });
    expect(steps.before).toEqual(only(a));
    expect(steps.inside).toEqual(only(b));
    expect(steps.after).toEqual(only(a));
  });

  it("acts for the outer organization again after the inner call throws", async () => {
    const steps = await withOrganization(tdb.db, a.organizationId, async (outer) => {
      const failure = await withOrganization(outer, b.organizationId, async () => {
        throw new Error("inner work failed");
      }).catch((e: Error) => e.message);
      return { failure, after: await seen(outer) };
    });
    expect(steps).toEqual({ failure: "inner work failed", after: only(a) });
  });

  it("restores the outer role too: the owner reading one tenant, then the application role for another", async () => {
    const steps = await withOrganization(
      tdb.db,
      a.organizationId,
      async (outer) => {
        const before = await seen(outer);
        const inside = await withOrganization(outer, b.organizationId, (inner) => seen(inner));
        return { before, inside, after: await seen(outer) };
      },
      { role: null },
    );
    // The owner bypasses row-level security, so it sees both organizations, as it did before.
    const both = [a.organizationId, b.organizationId].sort();
    expect(steps.before).toEqual({ organizations: both, role: "postgres", setting: a.organizationId });
    expect(steps.inside).toEqual(only(b));
    expect(steps.after).toEqual({ organizations: both, role: "postgres", setting: a.organizationId });
  });

  it("inside a plain transaction, leaves it with no organization and its own role afterwards", async () => {
    const steps = await tdb.db.transaction(async (tx) => {
      const inside = await withOrganization(tx, b.organizationId, (inner) => seen(inner));
      return { inside, after: await seen(tx) };
    });
    expect(steps.inside).toEqual(only(b));
    expect(steps.after).toEqual({ organizations: [a.organizationId, b.organizationId].sort(), role: "postgres", setting: null });
  });

  it("keeps the inner organization's writes and the outer transaction's, each under its own organization", async () => {
    const ids = await withOrganization(tdb.db, a.organizationId, async (outer) => {
      const inner = await withOrganization(outer, b.organizationId, (tx) => createResource(tx, b, 40));
      const after = await createResource(outer, a, 41);
      return [inner.id, after.id];
    });
    const rows = await queryRows<{ organization_id: string }>(
      tdb.db,
      sql`select organization_id::text from cloud_resources where id in (${ids[0]}::uuid, ${ids[1]}::uuid) order by resource_id`,
    );
    expect(rows.map((r) => r.organization_id)).toEqual([b.organizationId, a.organizationId]);
  });
});
