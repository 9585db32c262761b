/**
 * Scenario 8 of docs/reliability.md: an AWS organization of 50 accounts under throttling.
 * Discovery is throttled, then a storm falls on the members' role assumptions and lists; one
 * member refuses its role. The run reads every other member exactly once, the refusing one's
 * scopes fail alone, Organizations is never called faster than its documented pace, and
 * nothing is terminated on the strength of a failed read or a failed discovery; a member that
 * left is terminated only once a discovery succeeds without it.
 */
import { type AwsEmulator, startAwsEmulator } from "@cloudsync/cloud-emulators";
import { type ScopeOutcome, discoveredAccounts, syncRuns } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { syncResources } from "../../src/jobs/sync-resources.ts";
import { generateKey, parseKeyring } from "../../src/secrets/keyring.ts";
import { type ExpectedResource, addEmulatedProvider, createTenant, expectEstate, liveOf } from "./fixtures/estate.ts";
import { syncDeps } from "./fixtures/worker.ts";

const keyring = parseKeyring(`faults:${generateKey()}`);
const accounts = Array.from({ length: 50 }, (_, i) => String(100_000_000_000 + i));
const management = accounts[0]!;
const refusing = accounts[7]!;
const departing = accounts[23]!;
const suspendedMembers = ["999999999901", "999999999902"];
const kinds = ["vpc", "subnet", "s3_bucket", "ec2_instance"];
let tdb: TestDatabase;
let em: AwsEmulator;
let providerId: string;
/** When each Organizations request arrived, throttled or not. */
const organizationsCalls: number[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_faults_org" });
  em = await startAwsEmulator({
    seed: "org-storm",
    size: 500,
    regions: ["us-east-1"],
    accounts: accounts.map((accountId) => (accountId === refusing ? { accountId, refuseRoles: true } : { accountId })),
    organization: {
      members: [...accounts.map((accountId) => ({ accountId })), ...suspendedMembers.map((accountId) => ({ accountId, status: "SUSPENDED" as const }))],
    },
  });
  const decide = em.faults.decide.bind(em.faults);
  em.faults.decide = (operation) => {
    if (operation.startsWith("organizations:")) organizationsCalls.push(performance.now());
    return decide(operation);
  };
  const tenant = await createTenant(tdb.db, "org-storm-co");
  providerId = await addEmulatedProvider(tdb.db, keyring, tenant, {
    cloud: "aws",
    accessKeyId: em.baseCredentials.accessKeyId,
    secretAccessKey: em.baseCredentials.secretAccessKey,
    accounts: [{ accountId: management }],
    organization: { roleName: "OrganizationAccountAccessRole" },
    endpoint: em.endpoint,
  });
  // One region, so the plan needs no DescribeRegions per member.
  await tdb.db.execute(`update cloud_providers set regions = '["us-east-1"]' where id = '${providerId}'`);
});

afterAll(async () => {
  await em?.close();
  await tdb?.drop();
});

type Emulated = ExpectedResource & { account: string; kind: string };
/** The resources of the asked kinds (terminated instances too: they are listed and stored) outside the given accounts. */
const estateWithout = (skip: readonly string[]) => ([...em.expected()] as Emulated[]).filter((e) => kinds.includes(e.kind) && !skip.includes(e.account));

/** The most requests in any one second. */
function busiestSecond(times: readonly number[]): number {
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= 1000) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

it("discovers 50 accounts through a throttled ListAccounts, rides out a storm on the members, and reads each scope once", async () => {
  // The documented limits pace each API: the provider sets no requestsPerSecond of its own.
  const deps = syncDeps(tdb.db, keyring, { pageSize: 20, maxAttempts: 10, concurrency: 16 });
  const adapterFor = deps.adapterFor;
  deps.adapterFor = async (provider, settings) => {
    const adapter = await adapterFor(provider, settings);
    const discover = adapter.discoverAccounts!.bind(adapter);
    // Discovery is throttled first; once it is through, a storm falls on the members' reads.
    em.faults.set({ throttle: 3, match: "organizations:ListAccounts" });
    adapter.discoverAccounts = (options) => discover(options).finally(() => em.faults.set({ throttle: 40 }));
    return adapter;
  };
  const summary = await syncResources(deps, { providerId, kinds });

  expect(em.faults.plan.throttle, "the whole storm was served").toBe(0);
  expect(summary.status).toBe("partial");
  const [run] = await tdb.db.select().from(syncRuns).where(eq(syncRuns.id, summary.runId));
  const scopes = run!.scopes as ScopeOutcome[];
  const keys = scopes.map((s) => s.scope);
  expect(new Set(keys).size, "no scope read twice").toBe(keys.length);
  // 49 readable members × 4 kinds, the refusing member's 4 failed, the discovery's own scope.
  const failed = scopes.filter((s) => s.status === "failed").map((s) => s.scope.split(":")[1]);
  expect(new Set(failed)).toEqual(new Set([refusing]));
  expect(scopes.filter((s) => s.status === "completed")).toHaveLength(49 * kinds.length + 1);
  expect(scopes.some((s) => suspendedMembers.some((m) => s.scope.includes(m))), "suspended members are not read").toBe(false);

  const rows = await tdb.db.select().from(discoveredAccounts).where(eq(discoveredAccounts.providerId, providerId));
  expect(rows.filter((r) => r.state === "active")).toHaveLength(50);
  expect(rows.filter((r) => r.state === "suspended").map((r) => r.accountId).sort()).toEqual(suspendedMembers);

  await expectEstate(tdb.db, providerId, { expected: estateWithout([refusing]) });
  // Three pages of ListAccounts, three of them throttled and retried, never more than the
  // documented pace allows (a bucket of 5, refilled 5 per second: at most 10 in one second).
  expect(organizationsCalls.length).toBe(3 + 3);
  expect(busiestSecond(organizationsCalls)).toBeLessThanOrEqual(10);
});

it("a failed discovery and failed scopes terminate nothing; the member that left is terminated once a discovery succeeds without it", async () => {
  // Removed from one readable member's lists, and a member leaves the organization.
  const lists = liveOf(estateWithout([refusing, departing]).filter((e) => e.account === accounts[3]));
  const removed = lists.slice(0, 2).map((e) => e.resourceId);
  for (const id of removed) em.mutate.remove(id);
  em.mutate.leaveOrganization(departing);
  // Its live resources are terminated; those it had already terminated stay as stored.
  const ofDeparting = estateWithout([]).filter((e) => e.account === departing);
  const departed = liveOf(ofDeparting).map((e) => e.resourceId);
  const alreadyTerminated = ofDeparting.filter((e) => e.status === "terminated");
  expect(departed.length).toBeGreaterThan(0);

  em.faults.set({ throttle: 1_000, match: "organizations:ListAccounts" });
  const failedDiscovery = await syncResources(syncDeps(tdb.db, keyring, { pageSize: 20, maxAttempts: 2, concurrency: 16 }), { providerId, kinds });
  em.faults.clear();
  expect(failedDiscovery.status).toBe("partial");
  expect(failedDiscovery.terminated, "a failed discovery terminates nothing").toBe(0);
  const [left] = await tdb.db
    .select()
    .from(discoveredAccounts)
    .where(and(eq(discoveredAccounts.providerId, providerId), eq(discoveredAccounts.accountId, departing)));
  expect(left!.state).toBe("active");

  const healed = await syncResources(syncDeps(tdb.db, keyring, { pageSize: 20, maxAttempts: 5, concurrency: 16 }), { providerId, kinds });
  expect(healed.terminated).toBe(departed.length + removed.length);
  await expectEstate(tdb.db, providerId, { expected: [...estateWithout([refusing, departing]), ...alreadyTerminated], removed: [...removed, ...departed] });
});
