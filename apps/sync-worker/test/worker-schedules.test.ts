import { randomUUID } from "node:crypto";
import { cloudProviders, organizations, userProfiles } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../src/logger.ts";
import { addProvider } from "../src/providers/registry.ts";
import { type Queues, createQueues, syncSchedules } from "../src/queues/index.ts";
import { generateKey, parseKeyring } from "../src/secrets/keyring.ts";
import { deletePrefix, redisUrl, testPrefix } from "./fixtures/redis.ts";

const logger = silentLogger();
const keyring = parseKeyring(`test:${generateKey()}`);
const prefix = testPrefix();
const minutes = (n: number) => n * 60_000;
let tdb: TestDatabase;
let queues: Queues;
let gcp: string;
let aws: string;
let azure: string;
let digitalocean: string;

// Credentials are only validated and sealed here; nothing talks to a cloud.
const credentials = {
  gcp: {
    cloud: "gcp",
    serviceAccountKey: { client_email: "reader@acme-prod-123.iam.gserviceaccount.com", private_key: "-----BEGIN PRIVATE KEY-----\nnot-a-key\n-----END PRIVATE KEY-----\n" },
    projects: ["acme-prod-123"],
  },
  digitalocean: { cloud: "digitalocean", teams: [{ teamId: randomUUID(), token: `dop_v1_${"a".repeat(64)}` }] },
  aws: { cloud: "aws", accessKeyId: "AKIAEXAMPLEEXAMPLE12", secretAccessKey: "example-secret-access-key", accounts: [{ accountId: "111111111111" }] },
  azure: { cloud: "azure", tenantId: "tenant", clientId: "client", clientSecret: "secret", subscriptions: [randomUUID()] },
};

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_worker_schedules" });
  const [org] = await tdb.db.insert(organizations).values({ name: "Schedule Co", slug: "schedule-co" }).returning();
  const [user] = await tdb.db.insert(userProfiles).values({ organizationId: org!.id, email: "ops@schedule.example" }).returning();
  const add = async (which: keyof typeof credentials, settings = {}) =>
    (await addProvider(tdb.db, keyring, { organizationId: org!.id, createdBy: user!.id, credentials: credentials[which], settings })).id;
  gcp = await add("gcp", { intervals: { resources: 30, metrics: 10 } });
  aws = await add("aws");
  azure = await add("azure");
  digitalocean = await add("digitalocean");
  await tdb.db.update(cloudProviders).set({ isActive: false }).where(eq(cloudProviders.id, azure));
  queues = await createQueues({ connection: redisUrl, prefix, logger });
});

afterAll(async () => {
  await queues?.close();
  await deletePrefix(prefix);
  await tdb?.drop();
});

/** The schedulers of each queue that has any, as `queue name → scheduler id → every (ms)`. */
async function schedulers(): Promise<Record<string, Record<string, number | undefined>>> {
  const out: Record<string, Record<string, number | undefined>> = {};
  for (const queue of queues.all()) {
    const list = await queue.getJobSchedulers(0, -1);
    if (list.length > 0) out[queue.name] = Object.fromEntries(list.map((s) => [s.key, s.every]));
  }
  return out;
}

const queueNamed = (name: string) => [...queues.all(), ...queues.retired()].find((q) => q.name === name)!;

/** Ids and providers of the jobs the schedulers have queued in one queue (`resources-gcp`). */
async function queuedJobs(name: string) {
  const jobs = await queueNamed(name).getJobs(["waiting", "delayed", "prioritized"]);
  return jobs.map((j) => ({ id: j.id, providerId: (j.data as { providerId?: string }).providerId })).sort((a, b) => String(a.id).localeCompare(String(b.id)));
}

describe("syncSchedules", () => {
  it("gives every active provider one scheduler per kind, at its own or the default interval, and is idempotent", async () => {
    const first = await syncSchedules({ db: tdb.db, queues, logger });
    const afterFirst = await schedulers();
    const jobsAfterFirst = await Promise.all(queues.all().map((q) => queuedJobs(q.name)));

    // Each provider's schedulers are in its cloud's queues; backups and deployments only for
    // the clouds whose adapters read them (DigitalOcean's reads neither).
    expect(afterFirst).toEqual({
      "resources-gcp": { [`resources-${gcp}`]: minutes(30) },
      "resources-aws": { [`resources-${aws}`]: minutes(15) },
      "resources-digitalocean": { [`resources-${digitalocean}`]: minutes(15) },
      "costs-gcp": { [`costs-${gcp}`]: minutes(1440) },
      "costs-aws": { [`costs-${aws}`]: minutes(1440) },
      "costs-digitalocean": { [`costs-${digitalocean}`]: minutes(1440) },
      "metrics-gcp": { [`metrics-${gcp}`]: minutes(10) },
      "metrics-aws": { [`metrics-${aws}`]: minutes(5) },
      "metrics-digitalocean": { [`metrics-${digitalocean}`]: minutes(5) },
      "backups-gcp": { [`backups-${gcp}`]: minutes(360) },
      "backups-aws": { [`backups-${aws}`]: minutes(360) },
      "deployments-gcp": { [`deployments-${gcp}`]: minutes(60) },
      "deployments-aws": { [`deployments-${aws}`]: minutes(60) },
      maintenance: { maintenance: minutes(60) },
    });
    expect(first.removed).toEqual([]);
    // The inactive provider has nothing scheduled.
    expect(JSON.stringify(afterFirst)).not.toContain(azure);

    const second = await syncSchedules({ db: tdb.db, queues, logger });
    expect(second.removed).toEqual([]);
    expect(second.upserted.sort()).toEqual(first.upserted.sort());
    expect(await schedulers()).toEqual(afterFirst);
    // Upserting an unchanged scheduler leaves its next job alone: no second job per scheduler.
    const jobsAfterSecond = await Promise.all(queues.all().map((q) => queuedJobs(q.name)));
    expect(jobsAfterSecond).toEqual(jobsAfterFirst);
    expect((await queuedJobs("resources-gcp")).map((j) => j.providerId)).toEqual([gcp]);
    expect((await queuedJobs("resources-aws")).map((j) => j.providerId)).toEqual([aws]);
    const scheduled = await queues.queue("resources", "gcp").getJob((await queuedJobs("resources-gcp"))[0]!.id!);
    expect(scheduled!.data).toMatchObject({ trigger: "schedule" });
    expect(scheduled!.name).toBe("resources");
  });

  it("follows a changed interval and falls back to the default for a nonsensical one", async () => {
    await tdb.db.update(cloudProviders).set({ quotaLimits: { intervals: { resources: 60, metrics: 0, costs: "daily" } } }).where(eq(cloudProviders.id, gcp));
    await syncSchedules({ db: tdb.db, queues, logger });
    const now = await schedulers();
    expect(now["resources-gcp"]![`resources-${gcp}`]).toBe(minutes(60));
    expect(now["metrics-gcp"]![`metrics-${gcp}`]).toBe(minutes(5));
    expect(now["costs-gcp"]![`costs-${gcp}`]).toBe(minutes(1440));
    expect(Object.keys(now["resources-gcp"]!)).toHaveLength(1);
  });

  it("removes the schedulers, and their queued jobs, of a provider that became inactive or was deleted", async () => {
    await tdb.db.update(cloudProviders).set({ isActive: false }).where(eq(cloudProviders.id, aws));
    const summary = await syncSchedules({ db: tdb.db, queues, logger });
    expect(summary.removed.sort()).toEqual([`backups-${aws}`, `costs-${aws}`, `deployments-${aws}`, `metrics-${aws}`, `resources-${aws}`]);
    expect(Object.keys(await schedulers()).sort()).toEqual([
      "backups-gcp",
      "costs-digitalocean",
      "costs-gcp",
      "deployments-gcp",
      "maintenance",
      "metrics-digitalocean",
      "metrics-gcp",
      "resources-digitalocean",
      "resources-gcp",
    ]);
    for (const kind of ["resources", "costs", "metrics", "backups", "deployments"] as const) {
      expect(await queuedJobs(`${kind}-aws`)).toEqual([]);
      expect((await queuedJobs(`${kind}-gcp`)).map((j) => j.providerId)).toEqual([gcp]);
    }

    // A provider row that is gone altogether (scheduler left from an earlier deployment).
    const ghost = randomUUID();
    await queues.queue("metrics", "azure").upsertJobScheduler(`metrics-${ghost}`, { every: minutes(5) }, { name: "metrics", data: { providerId: ghost } });
    expect((await syncSchedules({ db: tdb.db, queues, logger })).removed).toEqual([`metrics-${ghost}`]);
    expect((await schedulers())["metrics-azure"]).toBeUndefined();
  });

  it("removes the schedulers of kinds the deployment does not run", async () => {
    const summary = await syncSchedules({ db: tdb.db, queues, logger, kinds: ["resources", "maintenance"] });
    expect(summary.removed.sort()).toEqual([`backups-${gcp}`, `costs-${digitalocean}`, `costs-${gcp}`, `deployments-${gcp}`, `metrics-${digitalocean}`, `metrics-${gcp}`].sort());
    expect(await schedulers()).toEqual({
      "resources-gcp": { [`resources-${gcp}`]: minutes(60) },
      "resources-digitalocean": { [`resources-${digitalocean}`]: minutes(15) },
      maintenance: { maintenance: minutes(60) },
    });
    expect(await queuedJobs("costs-gcp")).toEqual([]);
  });

  it("empties the queues of before the per-cloud split, which no worker takes any more", async () => {
    const legacy = queueNamed("resources");
    await legacy.upsertJobScheduler(`resources-${gcp}`, { every: minutes(15) }, { name: "resources", data: { providerId: gcp, trigger: "schedule" } });
    expect(await queuedJobs("resources")).toHaveLength(1);
    const summary = await syncSchedules({ db: tdb.db, queues, logger, kinds: ["resources", "maintenance"] });
    expect(summary.retired).toEqual([`resources-${gcp}`]);
    expect(await legacy.getJobSchedulers(0, -1)).toEqual([]);
    expect(await queuedJobs("resources")).toEqual([]);
    // The provider's schedule lives on in its cloud's queue.
    expect((await schedulers())["resources-gcp"]).toEqual({ [`resources-${gcp}`]: minutes(60) });
  });
});
