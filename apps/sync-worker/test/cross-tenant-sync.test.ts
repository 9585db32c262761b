import type { NormalizedResource, ScopeRef } from "@cloudsync/cloud";
import { type Database, type DbOrTx, createDb, type DbHandle, queryRows, withOrganization } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RegionRegistry } from "../src/write/regions.ts";
import { ResourceWriter } from "../src/write/resources.ts";

/**
 * Issue 13, hole 1: a tenant that planted a row under another organization's provider, with an
 * id that organization syncs, had the victim's resource written into its own row by the
 * victim's sync (the upsert matched on provider and resource id only). Here the planting is
 * refused, and even a row that got there anyway is never filled or changed by the other
 * organization's sync, written by the real writer as the worker role.
 */

interface Org {
  organizationId: string;
  userId: string;
  providerId: string;
  regionId: string;
}

let tdb: TestDatabase;
/** The worker's own connection: every statement as `cloudsync_worker`, as deployed. */
let worker: DbHandle;
let attacker: Org;
let victim: Org;

async function createOrg(db: Database, slug: string): Promise<Org> {
  const [row] = await queryRows<Org>(
    db,
    sql`with o as (insert into organizations (name, slug) values (${slug}, ${slug}) returning id),
             u as (insert into user_profiles (organization_id, email) select id, ${`owner@${slug}.example`} from o returning id, organization_id),
             p as (insert into cloud_providers (organization_id, provider_name, provider_type, display_name, credentials_config, created_by)
                   select organization_id, 'aws', 'primary', 'aws', '{}'::jsonb, id from u returning id, organization_id)
        select p.organization_id as "organizationId", u.id as "userId", p.id as "providerId", null::uuid as "regionId" from p, u`,
  );
  const [region] = await queryRows<{ id: string }>(
    db,
    sql`insert into cloud_regions (organization_id, provider_id, region_code, region_name)
        values (${row!.organizationId}, ${row!.providerId}, 'us-east-1', 'N. Virginia') returning id`,
  );
  return { ...row!, regionId: region!.id };
}

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_xtenant" });
  worker = await createDb({ url: tdb.url, maxConnections: 3, role: "cloudsync_worker" });
  attacker = await createOrg(tdb.db, "attacker");
  victim = await createOrg(tdb.db, "victim");
});
afterAll(async () => {
  await worker?.close();
  await tdb?.drop();
});

const scope: ScopeRef = { cloud: "aws", account: "222222222222", region: "us-east-1", kind: "s3_bucket" };

function bucket(id: string): NormalizedResource {
  return {
    cloud: "aws",
    account: "222222222222",
    regionCode: "us-east-1",
    kind: "s3_bucket",
    resourceId: id,
    name: id,
    resourceType: "storage",
    status: "running",
    sizeCategory: "small",
    tags: { env: "prod", owner: "victim" },
    configuration: { Name: id, Versioning: "Enabled" },
  };
}

/** The victim's sync, through the real writer on the worker role's connection. */
async function victimSync(resources: readonly NormalizedResource[]): Promise<void> {
  const [run] = await queryRows<{ id: string }>(
    tdb.db,
    sql`insert into sync_runs (organization_id, provider_id, kind) values (${victim.organizationId}, ${victim.providerId}, 'resources') returning id`,
  );
  const writer = new ResourceWriter(worker.db, new RegionRegistry(worker.db, { organizationId: victim.organizationId, providerId: victim.providerId }), {
    organizationId: victim.organizationId,
    providerId: victim.providerId,
    createdBy: victim.userId,
    syncRunId: run!.id,
  });
  await writer.writePage(scope, resources);
  await writer.completeScope(scope);
  await writer.flush();
}

const asAttacker = <T>(fn: (tx: DbOrTx) => Promise<T>) => withOrganization(tdb.db, attacker.organizationId, fn);

/** Every row of the attacker's estate, whole, as the owner sees it. */
const attackerRows = () =>
  queryRows<{ row: Record<string, unknown> }>(
    tdb.db,
    sql`select to_jsonb(c) as row from cloud_resources c where organization_id = ${attacker.organizationId}::uuid order by id`,
  );

const plant = (providerId: string, regionId: string, resourceId: string) => sql`
  insert into cloud_resources (organization_id, provider_id, region_id, resource_id, resource_name, resource_type, configuration, created_by)
  values (${attacker.organizationId}, ${providerId}, ${regionId}, ${resourceId}, 'planted', 'storage', '{}'::jsonb, ${attacker.userId})`;

async function refusal(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause ?? (error as { code?: string });
    return cause.code ?? "unknown";
  }
}

describe("a row planted under another organization's provider", () => {
  it("is refused to the application role, whichever region it names", async () => {
    expect(await refusal(asAttacker((tx) => tx.execute(plant(victim.providerId, attacker.regionId, "victim-invoices"))))).toBe("23503");
    expect(await refusal(asAttacker((tx) => tx.execute(plant(victim.providerId, victim.regionId, "victim-invoices"))))).toBe("23503");
    expect(await attackerRows()).toEqual([]);
  });

  it("is never filled or changed by that organization's sync, and the resource stays in the owner's view", async () => {
    // A row that got there anyway (the superuser with foreign-key triggers off stands in for one
    // planted before migration 0021): the victim's sync must still not touch it.
    await tdb.db.transaction(async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`);
      await tx.execute(plant(victim.providerId, victim.regionId, "victim-invoices"));
      await tx.execute(plant(victim.providerId, victim.regionId, "victim-gone"));
    });
    const before = await attackerRows();
    expect(before).toHaveLength(2);

    // First sync: both buckets exist; second: one is gone (terminations must not reach A either).
    await victimSync([bucket("victim-invoices"), bucket("victim-gone")]);
    await victimSync([bucket("victim-invoices")]);

    expect(await attackerRows()).toEqual(before);
    const owned = await withOrganization(tdb.db, victim.organizationId, (tx) =>
      queryRows<{ resource_id: string; resource_name: string; resource_status: string }>(
        tx,
        sql`select resource_id, resource_name, resource_status from cloud_resources order by resource_id`,
      ),
    );
    expect(owned).toEqual([
      { resource_id: "victim-gone", resource_name: "victim-gone", resource_status: "terminated" },
      { resource_id: "victim-invoices", resource_name: "victim-invoices", resource_status: "running" },
    ]);
    const seenByAttacker = await asAttacker((tx) => queryRows<{ n: number }>(tx, sql`select count(*)::int as n from cloud_resources where configuration ? 'Versioning'`));
    expect(seenByAttacker).toEqual([{ n: 0 }]);
  });
});
