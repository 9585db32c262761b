// get_infrastructure_health_score's avg_response_time_ms reads whole minutes from
// response_time_minutes (kept by triggers on infrastructure_monitoring, migration 0038) and only
// the hour's first, partial minute from the samples. These fixtures hold it to the definition it
// always had, the mean over the samples themselves, and to hand-computed values.
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbOrTx, cloudProviders, cloudRegions, queryRows, rebuildResponseTimeMinutes, withOrganization } from "../src/index.ts";
import { type TestDatabase, createTestDatabase } from "../src/testing.ts";
import { type Tenant, createResource, createTenant, sqlState } from "./fixtures.ts";

let tdb: TestDatabase;
let a: Tenant;
let b: Tenant;
/** Tenant a's second provider. */
let a2: string;
let a2Region: string;
/** Resources: r1 (a, first provider), r2 (a, second provider), r3 (b). */
let r1: string;
let r2: string;
let r3: string;

beforeAll(async () => {
  tdb = await createTestDatabase();
  a = await createTenant(tdb.db, "rtm-a");
  b = await createTenant(tdb.db, "rtm-b");
  const [p] = await tdb.db
    .insert(cloudProviders)
    .values({
      organizationId: a.organizationId,
      providerName: "azure",
      providerType: "secondary",
      displayName: "Azure of rtm-a",
      credentialsConfig: { encrypted: "test-only" },
      createdBy: a.userId,
    })
    .returning();
  a2 = p!.id;
  const [region] = await tdb.db
    .insert(cloudRegions)
    .values({ organizationId: a.organizationId, providerId: a2, regionCode: "westeurope", regionName: "West Europe" })
    .returning();
  a2Region = region!.id;
  r1 = (await createResource(tdb.db, a, 1)).id;
  r2 = (await createResource(tdb.db, a, 2, { providerId: a2, regionId: a2Region })).id;
  r3 = (await createResource(tdb.db, b, 3)).id;
});

afterAll(async () => {
  await tdb?.drop();
});

/** One sample row: resource, instant (an SQL expression over now()), metrics. */
interface Sample {
  org: string;
  resource: string;
  at: string;
  metrics: Record<string, unknown>;
}

async function insertSamples(db: DbOrTx, samples: readonly Sample[]): Promise<void> {
  const values = samples.map(
    (s) => sql`(${s.org}::uuid, ${s.resource}::uuid, ${sql.raw(s.at)}, 'performance', ${JSON.stringify(s.metrics)}::jsonb)`,
  );
  await db.execute(
    sql`insert into infrastructure_monitoring (organization_id, resource_id, monitoring_timestamp, monitoring_type, metrics) values ${sql.join(values, sql`, `)}`,
  );
}

/** The score's avg_response_time_ms, and the same by the definition: the mean over the samples. */
async function scoreAndDefinition(db: DbOrTx, org: string, providers: string[] | null): Promise<{ score: string | null; definition: string | null }> {
  const list = providers === null ? sql`null::uuid[]` : sql`array[${sql.join(providers.map((p) => sql`${p}::uuid`), sql`, `)}]`;
  const [row] = await queryRows<{ score: string | null; definition: string | null }>(
    db,
    sql`select (get_infrastructure_health_score(${org}::uuid, ${list}) ->> 'avg_response_time_ms') as score,
               (select round(avg((im.metrics ->> 'response_time_ms')::numeric), 2)::text
                  from infrastructure_monitoring im
                 where im.organization_id = ${org}::uuid
                   and im.monitoring_timestamp > now() - interval '1 hour'
                   and (${list} is null or exists (select 1 from cloud_resources cr where cr.id = im.resource_id and cr.provider_id = any (${list})))) as definition`,
  );
  return row!;
}

interface Minute {
  organization_id: string;
  minute: string;
  provider_id: string;
  samples: string;
  response_time_sum: string;
  max_scale: number | null;
  samples_at_max_scale: string;
  other_values: string;
}

const minuteColumns = sql.raw(
  "organization_id, minute::text, provider_id, samples::text, response_time_sum::text, max_scale, samples_at_max_scale::text, other_values::text",
);

/** What the triggers kept, and the same counted again from the samples (in a rolled-back transaction). */
async function keptAndCounted(): Promise<{ kept: Minute[]; counted: Minute[] }> {
  const order = sql.raw("order by 1, 2, 3");
  const kept = await queryRows<Minute>(tdb.db, sql`select ${minuteColumns} from response_time_minutes ${order}`);
  let counted: Minute[] = [];
  await tdb.db
    .transaction(async (tx) => {
      await tx.execute(sql`select recount_response_time_minutes(null, null, null)`);
      counted = await queryRows<Minute>(tx, sql`select ${minuteColumns} from response_time_minutes ${order}`);
      tx.rollback();
    })
    .catch((e: unknown) => {
      if (!(e instanceof Error && e.message.includes("Rollback"))) throw e;
    });
  return { kept, counted };
}

async function expectKeptExact(): Promise<Minute[]> {
  const { kept, counted } = await keptAndCounted();
  expect(kept).toEqual(counted);
  return kept;
}

/** The start of the minute twenty minutes ago. */
const minute20 = "date_bin('1 minute', now() - interval '20 minutes', timestamptz '2000-01-01 00:00:00+00')";

async function clear(): Promise<void> {
  await tdb.db.execute(sql`delete from infrastructure_monitoring`);
}

describe("avg_response_time_ms from response_time_minutes", () => {
  it("equals the mean over the samples: edge minute, the hour's boundary, providers, samples without the key", async () => {
    await clear();
    await tdb.db.transaction(async (tx) => {
      // now() is the transaction's start: every instant below is fixed relative to it.
      await insertSamples(tx, [
        // Exactly an hour ago: outside (the window is after now() - 1 hour).
        { org: a.organizationId, resource: r1, at: "now() - interval '1 hour'", metrics: { response_time_ms: 1000 } },
        // The start of that minute: counted in the same row of response_time_minutes, outside the window.
        { org: a.organizationId, resource: r1, at: "date_bin('1 minute', now() - interval '1 hour', timestamptz '2000-01-01 00:00:00+00')", metrics: { response_time_ms: 7777 } },
        // A microsecond inside: the partial first minute, read from the samples.
        { org: a.organizationId, resource: r1, at: "now() - interval '1 hour' + interval '1 microsecond'", metrics: { response_time_ms: 10 } },
        { org: a.organizationId, resource: r2, at: "now() - interval '30 minutes'", metrics: { response_time_ms: 20.5 } },
        { org: a.organizationId, resource: r1, at: "now() - interval '5 minutes'", metrics: { response_time_ms: 30.25, cpu_utilization: 3 } },
        { org: a.organizationId, resource: r1, at: "now() - interval '2 hours'", metrics: { response_time_ms: 5000 } },
        // No response time, and a JSON null: neither counts.
        { org: a.organizationId, resource: r2, at: "now() - interval '10 minutes'", metrics: { cpu_utilization: 50 } },
        { org: a.organizationId, resource: r1, at: "now() - interval '1 minute'", metrics: { response_time_ms: null } },
        // Now itself.
        { org: a.organizationId, resource: r2, at: "now()", metrics: { response_time_ms: 40 } },
        // The other tenant's sample never reaches a's mean.
        { org: b.organizationId, resource: r3, at: "now() - interval '10 minutes'", metrics: { response_time_ms: 9999 } },
      ]);
      // (10 + 20.5 + 30.25 + 40) / 4 = 25.1875; first provider (10 + 30.25) / 2 = 20.125; second (20.5 + 40) / 2.
      expect(await scoreAndDefinition(tx, a.organizationId, null)).toEqual({ score: "25.19", definition: "25.19" });
      expect(await scoreAndDefinition(tx, a.organizationId, [a.providerId])).toEqual({ score: "20.13", definition: "20.13" });
      expect(await scoreAndDefinition(tx, a.organizationId, [a2])).toEqual({ score: "30.25", definition: "30.25" });
      expect(await scoreAndDefinition(tx, a.organizationId, [a.providerId, a2])).toEqual({ score: "25.19", definition: "25.19" });
      expect(await scoreAndDefinition(tx, b.organizationId, null)).toEqual({ score: "9999.00", definition: "9999.00" });
      // A provider with no samples: no mean.
      expect(await scoreAndDefinition(tx, b.organizationId, [a2])).toEqual({ score: null, definition: null });
    });
    const kept = await expectKeptExact();
    // Every sample with a number counts, in or out of the hour (seven of a, one of b); the one
    // without the key and the JSON null do not.
    expect(kept.reduce((n, m) => n + Number(m.samples), 0)).toBe(8);
  });

  it("follows updates and deletes of samples, the last sample of a minute's largest scale included", async () => {
    await clear();
    await tdb.db.transaction(async (tx) => {
      await insertSamples(tx, [
        // r1's two samples in one minute, whichever second now() falls on.
        { org: a.organizationId, resource: r1, at: `${minute20} + interval '10 seconds'`, metrics: { response_time_ms: 1.5 } },
        { org: a.organizationId, resource: r2, at: `${minute20} + interval '10 seconds'`, metrics: { response_time_ms: 2.25 } },
        { org: a.organizationId, resource: r1, at: `${minute20} + interval '11 seconds'`, metrics: { response_time_ms: 3.125 } },
        { org: a.organizationId, resource: r1, at: "now() - interval '40 minutes'", metrics: { response_time_ms: 100 } },
      ]);
      // (1.5 + 2.25 + 3.125 + 100) / 4 = 26.71875
      expect(await scoreAndDefinition(tx, a.organizationId, null)).toEqual({ score: "26.72", definition: "26.72" });
    });
    let kept = await expectKeptExact();
    const r1Minute = kept.find((m) => m.provider_id === a.providerId && Number(m.samples) === 2)!;
    expect(r1Minute).toMatchObject({ response_time_sum: "4.625", max_scale: 3, samples_at_max_scale: "1" });

    // The three-decimal sample goes: its minute keeps 1.5 alone, with one decimal (counted again).
    await tdb.db.execute(sql`delete from infrastructure_monitoring where (metrics ->> 'response_time_ms')::numeric = 3.125`);
    kept = await expectKeptExact();
    expect(kept.find((m) => m.provider_id === a.providerId && m.minute === r1Minute.minute)).toMatchObject({
      samples: "1",
      response_time_sum: "1.5",
      max_scale: 1,
      samples_at_max_scale: "1",
    });
    await tdb.db.transaction(async (tx) => {
      // (1.5 + 2.25 + 100) / 3 = 34.5833…
      expect(await scoreAndDefinition(tx, a.organizationId, null)).toEqual({ score: "34.58", definition: "34.58" });
    });

    // A value changed, a sample moved out of the hour, and one whose key is removed.
    await tdb.db.execute(sql`update infrastructure_monitoring set metrics = '{"response_time_ms": 4}' where (metrics ->> 'response_time_ms')::numeric = 2.25`);
    await tdb.db.execute(sql`update infrastructure_monitoring set monitoring_timestamp = monitoring_timestamp - interval '2 hours' where (metrics ->> 'response_time_ms')::numeric = 100`);
    await expectKeptExact();
    await tdb.db.transaction(async (tx) => {
      // (1.5 + 4) / 2 = 2.75
      expect(await scoreAndDefinition(tx, a.organizationId, null)).toEqual({ score: "2.75", definition: "2.75" });
      expect(await scoreAndDefinition(tx, a.organizationId, [a2])).toEqual({ score: "4.00", definition: "4.00" });
    });
    await tdb.db.execute(sql`update infrastructure_monitoring set metrics = metrics - 'response_time_ms' where (metrics ->> 'response_time_ms')::numeric = 4`);
    await expectKeptExact();
    await tdb.db.transaction(async (tx) => {
      expect(await scoreAndDefinition(tx, a.organizationId, null)).toEqual({ score: "1.50", definition: "1.50" });
      expect(await scoreAndDefinition(tx, a.organizationId, [a2])).toEqual({ score: null, definition: null });
    });

    // Everything deleted: nothing kept.
    await clear();
    expect((await keptAndCounted()).kept).toEqual([]);
  });

  it("a value that is not a JSON number sends the score to the samples, which say what they always said", async () => {
    await clear();
    await tdb.db.transaction(async (tx) => {
      await insertSamples(tx, [
        { org: a.organizationId, resource: r1, at: "now() - interval '15 minutes'", metrics: { response_time_ms: "12.5" } },
        { org: a.organizationId, resource: r1, at: "now() - interval '16 minutes'", metrics: { response_time_ms: 7.5 } },
      ]);
      // The string is cast like the number: (12.5 + 7.5) / 2.
      expect(await scoreAndDefinition(tx, a.organizationId, null)).toEqual({ score: "10.00", definition: "10.00" });
    });
    const kept = await expectKeptExact();
    // The number is kept; the string only counted as a value to read from the samples.
    expect(kept.map((m) => [m.samples, m.response_time_sum, m.other_values]).sort()).toEqual([
      ["0", "0", "1"],
      ["1", "7.5", "0"],
    ]);

    // A string that is no number fails the score as it fails the average over the samples.
    await insertSamples(tdb.db, [
      { org: a.organizationId, resource: r1, at: `${minute20} + interval '5 seconds'`, metrics: { response_time_ms: "fast" } },
      { org: a.organizationId, resource: r1, at: `${minute20} + interval '6 seconds'`, metrics: { response_time_ms: 2.75 } },
    ]);
    expect(await sqlState(tdb.db.transaction((tx) => tx.execute(sql`select get_infrastructure_health_score(${a.organizationId}::uuid)`)))).toBe("22P02");
    expect(
      await sqlState(tdb.db.execute(sql`select avg((metrics ->> 'response_time_ms')::numeric) from infrastructure_monitoring where monitoring_timestamp > now() - interval '1 hour'`)),
    ).toBe("22P02");
    // Its minute's number deleted: the row keeps the string's count, with no samples and a zero sum.
    await tdb.db.execute(sql`delete from infrastructure_monitoring where metrics -> 'response_time_ms' = '2.75'::jsonb`);
    const after = await expectKeptExact();
    expect(after.filter((m) => m.samples === "0" && m.other_values === "1")).toHaveLength(2);
  });

  it("follows a resource moved to another provider", async () => {
    await clear();
    await insertSamples(tdb.db, [
      { org: a.organizationId, resource: r1, at: "now() - interval '3 minutes'", metrics: { response_time_ms: 8 } },
      { org: a.organizationId, resource: r2, at: "now() - interval '3 minutes'", metrics: { response_time_ms: 2 } },
    ]);
    await tdb.db.execute(sql`update cloud_resources set provider_id = ${a2}::uuid, region_id = ${a2Region}::uuid where id = ${r1}::uuid`);
    try {
      await expectKeptExact();
      await tdb.db.transaction(async (tx) => {
        expect(await scoreAndDefinition(tx, a.organizationId, [a2])).toEqual({ score: "5.00", definition: "5.00" });
        expect(await scoreAndDefinition(tx, a.organizationId, [a.providerId])).toEqual({ score: null, definition: null });
      });
    } finally {
      await tdb.db.execute(sql`update cloud_resources set provider_id = ${a.providerId}::uuid, region_id = ${a.regionId}::uuid where id = ${r1}::uuid`);
    }
    await expectKeptExact();
  });

  it("counts a bulk COPY (triggers on), and a load with triggers off after rebuild_response_time_minutes", async () => {
    await clear();
    const client = postgres(tdb.url, { max: 1, onnotice: () => {} });
    try {
      // 600 samples over the last 90 minutes, 2 decimals; every third on the second provider.
      const lines: string[] = [];
      let expectedSum = 0;
      let expectedCount = 0;
      const [clock] = await client<{ now: Date }[]>`select now() as now`;
      const now = clock!.now;
      for (let i = 0; i < 600; i++) {
        const at = new Date(now.getTime() - 90 * 60_000 + i * 9_000);
        const value = (i % 97) + 0.01 * (i % 13);
        lines.push(`${a.organizationId}\t${i % 3 === 0 ? r2 : r1}\t${at.toISOString()}\tperformance\t{"response_time_ms": ${value.toFixed(2)}}\n`);
        expectedSum += value;
        expectedCount++;
      }
      const copy = await client`copy infrastructure_monitoring (organization_id, resource_id, monitoring_timestamp, monitoring_type, metrics) from stdin`.writable();
      await new Promise<void>((resolve, reject) => {
        copy.on("error", reject);
        copy.on("finish", resolve);
        for (const line of lines) copy.write(line);
        copy.end();
      });
      const kept = await expectKeptExact();
      expect(kept.reduce((n, m) => n + Number(m.samples), 0)).toBe(expectedCount);
      expect(kept.reduce((n, m) => n + Number(m.response_time_sum), 0)).toBeCloseTo(expectedSum, 6);
      for (const providers of [null, [a.providerId], [a2]]) {
        await tdb.db.transaction(async (tx) => {
          const r = await scoreAndDefinition(tx, a.organizationId, providers);
          expect(r.score).not.toBeNull();
          expect(r.score).toBe(r.definition);
        });
      }

      // The bench's way: triggers off (session_replication_role = replica), then a rebuild.
      await client.begin(async (tx) => {
        await tx`set local session_replication_role = replica`;
        await tx`insert into infrastructure_monitoring (organization_id, resource_id, monitoring_timestamp, monitoring_type, metrics)
                 select ${a.organizationId}::uuid, ${r1}::uuid, now() - make_interval(secs => g * 7), 'performance', jsonb_build_object('response_time_ms', g)
                   from generate_series(1, 400) g`;
      });
      const stale = await keptAndCounted();
      expect(stale.kept).not.toEqual(stale.counted);
      const [rebuilt] = await client<{ n: string }[]>`select rebuild_response_time_minutes(${a.organizationId}::uuid, now() - interval '3 hours', now())::text as n`;
      expect(Number(rebuilt!.n)).toBeGreaterThan(0);
      await expectKeptExact();
      await tdb.db.transaction(async (tx) => {
        const r = await scoreAndDefinition(tx, a.organizationId, null);
        expect(r.score).toBe(r.definition);
      });
      // In a repeatable-read transaction the rebuild could miss samples: it refuses.
      const refused = client.begin("isolation level repeatable read", (tx) => tx`select rebuild_response_time_minutes(${a.organizationId}::uuid)`);
      expect(await sqlState(refused)).toBe("25000");
    } finally {
      await client.end();
    }
  });

  it("follows a partition truncated by name and months dropped by retention", async () => {
    await clear();
    await tdb.db.execute(sql`select ensure_monitoring_partitions('2024-03-01'::date, 0)`);
    await insertSamples(tdb.db, [
      { org: a.organizationId, resource: r1, at: "'2024-03-10T10:00:30Z'::timestamptz", metrics: { response_time_ms: 5 } },
      { org: a.organizationId, resource: r1, at: "now() - interval '2 minutes'", metrics: { response_time_ms: 6 } },
      // Far in the future: the default partition.
      { org: a.organizationId, resource: r1, at: "'2199-01-01T00:00:00Z'::timestamptz", metrics: { response_time_ms: 7 } },
    ]);
    expect((await expectKeptExact()).length).toBe(3);
    await tdb.db.execute(sql`truncate infrastructure_monitoring_p202403`);
    expect((await expectKeptExact()).length).toBe(2);
    await tdb.db.execute(sql`truncate infrastructure_monitoring_default`);
    expect((await expectKeptExact()).map((m) => m.response_time_sum)).toEqual(["6"]);

    await insertSamples(tdb.db, [{ org: a.organizationId, resource: r1, at: "'2024-03-10T10:00:30Z'::timestamptz", metrics: { response_time_ms: 5 } }]);
    await tdb.db.execute(sql`select drop_monitoring_partitions('1 year'::interval, true)`);
    expect((await queryRows(tdb.db, sql`select 1 from response_time_minutes where minute < '2024-04-01'`)).length).toBe(0);
    // The detached month is no longer the table's: truncating it changes nothing.
    await tdb.db.execute(sql`truncate infrastructure_monitoring_p202403`);
    await tdb.db.execute(sql`delete from infrastructure_monitoring`);
    expect((await keptAndCounted()).kept).toEqual([]);
    await tdb.db.execute(sql`drop table infrastructure_monitoring_p202403`);
  });
});

describe("response_time_minutes under row-level security", () => {
  beforeAll(async () => {
    await clear();
    await insertSamples(tdb.db, [
      { org: a.organizationId, resource: r1, at: "now() - interval '4 minutes'", metrics: { response_time_ms: 11 } },
      { org: b.organizationId, resource: r3, at: "now() - interval '4 minutes'", metrics: { response_time_ms: 33 } },
    ]);
  });

  it("a tenant reads its own minutes and writes none", async () => {
    await withOrganization(tdb.db, b.organizationId, async (tx) => {
      const rows = await queryRows<{ organization_id: string }>(tx, sql`select organization_id from response_time_minutes`);
      expect(rows).toEqual([{ organization_id: b.organizationId }]);
      const score = await queryRows<{ avg: string }>(tx, sql`select get_infrastructure_health_score(${b.organizationId}::uuid) ->> 'avg_response_time_ms' as avg`);
      expect(score).toEqual([{ avg: "33.00" }]);
    });
    for (const statement of [
      sql`insert into response_time_minutes (organization_id, minute, provider_id, samples, response_time_sum, max_scale, samples_at_max_scale, other_values)
          values (${b.organizationId}::uuid, date_bin('1 minute', now(), timestamptz '2000-01-01 00:00:00+00'), ${b.providerId}::uuid, 1000, 1000000, 0, 1000, 0)`,
      sql`update response_time_minutes set samples = samples + 1`,
      sql`delete from response_time_minutes`,
      sql`select rebuild_response_time_minutes(${a.organizationId}::uuid)`,
      sql`select recount_response_time_minutes(null, null, null)`,
    ]) {
      expect(await sqlState(withOrganization(tdb.db, b.organizationId, (tx) => tx.execute(statement)))).toBe("42501");
    }
  });

  it("another tenant's samples never reach a's minutes or score, and a's score is refused to b", async () => {
    // b may write samples of its own organization only; they count for b.
    await withOrganization(tdb.db, b.organizationId, (tx) =>
      insertSamples(tx, [{ org: b.organizationId, resource: r3, at: "now() - interval '3 minutes'", metrics: { response_time_ms: 35 } }]),
    );
    expect(
      await sqlState(
        withOrganization(tdb.db, b.organizationId, (tx) =>
          insertSamples(tx, [{ org: a.organizationId, resource: r1, at: "now() - interval '3 minutes'", metrics: { response_time_ms: 100000 } }]),
        ),
      ),
    ).toBe("42501");
    await withOrganization(tdb.db, a.organizationId, async (tx) => {
      const rows = await queryRows<{ organization_id: string; samples: string }>(tx, sql`select organization_id, samples::text from response_time_minutes`);
      expect(rows).toEqual([{ organization_id: a.organizationId, samples: "1" }]);
      expect(await queryRows(tx, sql`select get_infrastructure_health_score(${a.organizationId}::uuid) ->> 'avg_response_time_ms' as avg`)).toEqual([{ avg: "11.00" }]);
    });
    expect(
      await sqlState(withOrganization(tdb.db, b.organizationId, (tx) => tx.execute(sql`select get_infrastructure_health_score(${a.organizationId}::uuid)`))),
    ).toBe("42501");
    await expectKeptExact();
  });

  it("the worker reads every organization's minutes, may rebuild them, and writes none directly", async () => {
    const seen = await tdb.db.transaction(async (tx) => {
      await tx.execute(sql`set local role cloudsync_worker`);
      const rows = await queryRows<{ organization_id: string }>(tx, sql`select distinct organization_id from response_time_minutes order by 1`);
      const written = await rebuildResponseTimeMinutes(tx, { organizationId: a.organizationId, from: new Date(Date.now() - 3_600_000), to: new Date() });
      expect(written).toBe(1);
      return rows.length;
    });
    expect(seen).toBe(2);
    await expectKeptExact();
    expect(
      await sqlState(
        tdb.db.transaction(async (tx) => {
          await tx.execute(sql`set local role cloudsync_worker`);
          await tx.execute(sql`delete from response_time_minutes`);
        }),
      ),
    ).toBe("42501");
  });
});
