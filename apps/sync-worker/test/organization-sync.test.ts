import { type AwsEmulator, type AzureEmulator, type GcpEmulator, startAwsEmulator, startAzureEmulator, startGcpEmulator } from "@cloudsync/cloud-emulators";
import { cloudResources, discoveredAccounts, organizations, resourceChanges, syncRuns, userProfiles } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeDiscovered } from "../src/cli/provider-accounts.ts";
import { type SyncDeps, syncResources } from "../src/jobs/sync-resources.ts";
import { silentLogger } from "../src/logger.ts";
import { createAdapter } from "../src/providers/adapters.ts";
import { parseProviderCredentials } from "../src/providers/credentials.ts";
import { addProvider, loadProviderForSync } from "../src/providers/registry.ts";
import { generateKey, parseKeyring } from "../src/secrets/keyring.ts";
import { discoveredAccountCounts } from "../src/write/discovered-accounts.ts";

/**
 * A whole AWS organization synced into the tables: the management account and one member
 * listed by hand, two members found by discovery (one refuses its role), one suspended.
 */
const management = "111111111111";
const listed = "222222222222";
const refusing = "333333333333";
const member = "444444444444";
const suspended = "555555555555";

let tdb: TestDatabase;
let deps: SyncDeps;
let emu: AwsEmulator;
let providerId: string;
const keyring = parseKeyring(`test:${generateKey()}`);

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_orgs" });
  const [org] = await tdb.db.insert(organizations).values({ name: "Org Co", slug: "org-co" }).returning();
  const [user] = await tdb.db.insert(userProfiles).values({ organizationId: org!.id, email: "ops@org.example" }).returning();
  emu = await startAwsEmulator({
    seed: 11,
    size: 120,
    regions: ["us-east-1", "eu-west-1"],
    accounts: [{ accountId: management }, { accountId: listed }, { accountId: refusing, refuseRoles: true }, { accountId: member }],
    organization: {
      members: [
        { accountId: management, name: "management" },
        { accountId: listed, name: "listed" },
        { accountId: refusing, name: "refusing" },
        { accountId: member, name: "member" },
        { accountId: suspended, name: "closed", status: "SUSPENDED" },
      ],
    },
  });
  deps = {
    db: tdb.db,
    loadProvider: (id) => loadProviderForSync(tdb.db, keyring, id),
    adapterFor: (provider, settings) => createAdapter(provider.credentials, { ...settings, pageSize: 50, maxAttempts: 2, timeoutMs: 5_000, requestsPerSecond: 500 }),
    clock: () => new Date(),
    logger: silentLogger(),
  };
  const credentials = {
    cloud: "aws",
    accessKeyId: emu.baseCredentials.accessKeyId,
    secretAccessKey: emu.baseCredentials.secretAccessKey,
    accounts: [{ accountId: management }, { accountId: listed, roleArn: `arn:aws:iam::${listed}:role/OrganizationAccountAccessRole` }],
    organization: { roleName: "OrganizationAccountAccessRole" },
    endpoint: emu.endpoint,
  };
  providerId = (await addProvider(tdb.db, keyring, { organizationId: org!.id, createdBy: user!.id, credentials })).id;
});
afterAll(async () => {
  await emu?.close();
  await tdb?.drop();
});

const liveIdsOf = async (account: string) =>
  (
    await tdb.db
      .select({ id: cloudResources.resourceId })
      .from(cloudResources)
      .where(and(eq(cloudResources.providerId, providerId), eq(cloudResources.cloudAccountId, account), sql`${cloudResources.resourceStatus} <> 'terminated'`))
  )
    .map((r) => r.id)
    .sort();
const expectedIdsOf = (account: string) =>
  [...emu.expected()]
    .filter((r) => r.account === account && r.status !== "terminated")
    .map((r) => r.resourceId)
    .sort();
const rowsByAccount = async () =>
  Object.fromEntries(
    (await tdb.db.select().from(discoveredAccounts).where(eq(discoveredAccounts.providerId, providerId))).map((r) => [r.accountId, r]),
  );

describe("AWS organization: discovery in the resource sync", () => {
  it("reads every active member, records each with its state, and fails only the refusing member's scopes", async () => {
    const summary = await syncResources(deps, { providerId });
    expect(summary.status).toBe("partial");
    const [run] = await tdb.db.select().from(syncRuns).where(eq(syncRuns.id, summary.runId));
    const failedAccounts = new Set(run!.scopes.filter((s) => s.status === "failed").map((s) => s.scope.split(":")[1]));
    expect(failedAccounts).toEqual(new Set([refusing]));
    expect(run!.scopes).toContainEqual({ scope: "aws:o-emulator01:global:accounts", status: "completed", resources: 5 });
    for (const account of [management, listed, member]) expect(await liveIdsOf(account)).toEqual(expectedIdsOf(account));
    expect(await liveIdsOf(refusing)).toEqual([]);

    const rows = await rowsByAccount();
    expect(Object.fromEntries(Object.entries(rows).map(([id, r]) => [id, [r.state, r.accountName, r.leftAt]]))).toEqual({
      [management]: ["active", "management", null],
      [listed]: ["active", "listed", null],
      [refusing]: ["active", "refusing", null],
      [member]: ["active", "member", null],
      [suspended]: ["suspended", "closed", null],
    });
    expect(rows[suspended]!.stateReason).toMatch(/SUSPENDED/);
  });

  it("a failed discovery is a failed scope of its own, reads the listed accounts and terminates nothing", async () => {
    const before = await rowsByAccount();
    emu.faults.set({ throttle: 1000, match: "organizations:ListAccounts" });
    try {
      const summary = await syncResources(deps, { providerId });
      expect(summary.status).toBe("partial");
      expect(summary.terminated).toBe(0);
      expect(summary.errors.some((e) => e.startsWith("aws:organization:global:accounts:") && /throttled/.test(e))).toBe(true);
    } finally {
      emu.faults.clear();
    }
    // The members it could not see are untouched, in the tables and in the discovered list.
    expect(await liveIdsOf(member)).toEqual(expectedIdsOf(member));
    const after = await rowsByAccount();
    expect(after[member]).toEqual(before[member]);
  });

  it("a member gone from a successful discovery has its resources terminated and recorded; a member also listed by hand keeps them", async () => {
    const memberIds = expectedIdsOf(member);
    expect(memberIds.length).toBeGreaterThan(0);
    emu.mutate.leaveOrganization(member);
    emu.mutate.leaveOrganization(listed);
    const summary = await syncResources(deps, { providerId });
    expect(summary.terminated).toBe(memberIds.length);
    expect(await liveIdsOf(member)).toEqual([]);
    expect(await liveIdsOf(listed)).toEqual(expectedIdsOf(listed));
    const changes = await tdb.db
      .select({ newValues: resourceChanges.newValues })
      .from(resourceChanges)
      .where(and(eq(resourceChanges.syncRunId, summary.runId), eq(resourceChanges.changeType, "terminated")));
    expect(changes).toHaveLength(memberIds.length);
    expect(changes[0]!.newValues).toMatchObject({ resource_status: "terminated", reason: "account left the organization" });

    const rows = await rowsByAccount();
    expect([rows[member]!.state, rows[listed]!.state, rows[management]!.state]).toEqual(["left", "left", "active"]);
    expect(rows[member]!.leftAt).toBeInstanceOf(Date);
    expect(rows[member]!.stateReason).toBe("no longer listed by o-emulator01");

    // `provider list` counts them by state.
    const counts = await discoveredAccountCounts(tdb.db);
    expect(describeDiscovered(counts.get(providerId))).toBe("o-emulator01: 2 active, 1 suspended, 2 left");

    // A further sync terminates nothing more.
    const again = await syncResources(deps, { providerId });
    expect(again.terminated).toBe(0);
  });
});

describe("GCP organization: discovery in the resource sync", () => {
  const parent = "organizations/100000000077";
  let gcp: GcpEmulator;
  let gcpProviderId: string;
  beforeAll(async () => {
    gcp = await startGcpEmulator({
      seed: "org-sync",
      size: 60,
      projects: ["gorg-app", "gorg-web", "gorg-denied"],
      deniedProjects: ["gorg-denied"],
      organization: {
        id: parent,
        folders: [{ name: "folders/3001", parent }],
        projects: [
          { projectId: "gorg-app" },
          { projectId: "gorg-web", parent: "folders/3001" },
          { projectId: "gorg-denied", parent: "folders/3001" },
          { projectId: "gorg-closing", state: "DELETE_REQUESTED" },
        ],
      },
    });
    const [org] = await tdb.db.insert(organizations).values({ name: "GOrg Co", slug: "gorg-co" }).returning();
    const [user] = await tdb.db.insert(userProfiles).values({ organizationId: org!.id, email: "ops@gorg.example" }).returning();
    const credentials = {
      cloud: "gcp",
      serviceAccountKey: { ...gcp.serviceAccountKey },
      organization: { parent },
      tokenUri: gcp.tokenUri,
      endpoint: gcp.endpoint,
    };
    gcpProviderId = (await addProvider(tdb.db, keyring, { organizationId: org!.id, createdBy: user!.id, credentials })).id;
  });
  afterAll(async () => gcp?.close());

  const liveOf = async (project: string) =>
    (
      await tdb.db
        .select({ id: cloudResources.resourceId })
        .from(cloudResources)
        .where(and(eq(cloudResources.providerId, gcpProviderId), eq(cloudResources.cloudAccountId, project), sql`${cloudResources.resourceStatus} <> 'terminated'`))
    ).length;
  const expectedOf = (project: string) => [...gcp.expected()].filter((r) => r.account === project && r.status !== "terminated").length;

  it("reads the organization's projects; the denied one fails alone; a project that moves out is terminated", async () => {
    const first = await syncResources(deps, { providerId: gcpProviderId });
    expect(first.status).toBe("partial");
    expect(new Set(first.errors.map((e) => e.split(":")[1]))).toEqual(new Set(["gorg-denied"]));
    for (const project of ["gorg-app", "gorg-web"]) expect(await liveOf(project)).toBe(expectedOf(project));
    const states = Object.fromEntries(
      (await tdb.db.select().from(discoveredAccounts).where(eq(discoveredAccounts.providerId, gcpProviderId))).map((r) => [r.accountId, r.state]),
    );
    expect(states).toEqual({ "gorg-app": "active", "gorg-web": "active", "gorg-denied": "active", "gorg-closing": "suspended" });

    gcp.mutate.leaveOrganization("gorg-web");
    const second = await syncResources(deps, { providerId: gcpProviderId });
    expect(second.terminated).toBe(expectedOf("gorg-web"));
    expect(await liveOf("gorg-web")).toBe(0);
    expect(await liveOf("gorg-app")).toBe(expectedOf("gorg-app"));
  });
});

describe("Azure organization: discovery in the resource sync", () => {
  const subs = ["b1000000-0000-4000-8000-000000000001", "b1000000-0000-4000-8000-000000000002", "b1000000-0000-4000-8000-000000000003"];
  const [app, locked, leavingSub] = subs as [string, string, string];
  let azure: AzureEmulator;
  let azureProviderId: string;
  beforeAll(async () => {
    azure = await startAzureEmulator({ seed: "org-sync", size: 60, subscriptions: subs, deniedSubscriptions: [locked] });
    const [org] = await tdb.db.insert(organizations).values({ name: "AOrg Co", slug: "aorg-co" }).returning();
    const [user] = await tdb.db.insert(userProfiles).values({ organizationId: org!.id, email: "ops@aorg.example" }).returning();
    const credentials = {
      cloud: "azure",
      tenantId: azure.tenantId,
      clientId: azure.clientId,
      clientSecret: azure.clientSecret,
      organization: {},
      authorityHost: azure.authorityHost,
      endpoint: azure.endpoint,
      caCertificate: azure.caCertificate,
    };
    azureProviderId = (await addProvider(tdb.db, keyring, { organizationId: org!.id, createdBy: user!.id, credentials })).id;
  });
  afterAll(async () => azure?.close());

  const liveOf = async (subscription: string) =>
    (
      await tdb.db
        .select({ id: cloudResources.resourceId })
        .from(cloudResources)
        .where(and(eq(cloudResources.providerId, azureProviderId), eq(cloudResources.cloudAccountId, subscription), sql`${cloudResources.resourceStatus} <> 'terminated'`))
    ).length;
  const expectedOf = (subscription: string) => [...azure.expected()].filter((r) => r.account === subscription && r.status !== "terminated").length;

  it("reads every visible subscription; the one without a role fails alone; one that leaves is terminated", async () => {
    const first = await syncResources(deps, { providerId: azureProviderId });
    expect(first.status).toBe("partial");
    expect(new Set(first.errors.map((e) => e.split(":")[1]))).toEqual(new Set([locked]));
    for (const s of [app, leavingSub]) expect(await liveOf(s)).toBe(expectedOf(s));
    azure.mutate.leaveTenant(leavingSub);
    const second = await syncResources(deps, { providerId: azureProviderId });
    expect(second.terminated).toBe(expectedOf(leavingSub));
    expect(await liveOf(leavingSub)).toBe(0);
    expect(await liveOf(app)).toBe(expectedOf(app));
  });
});

describe("organization credentials", () => {
  const base = { cloud: "aws", accessKeyId: "AKIAEXAMPLEEXAMPLE01", secretAccessKey: "secret/secret/secret/secret" };
  it("accept an organization instead of accounts, and say what is wrong otherwise", () => {
    expect(parseProviderCredentials({ ...base, organization: { roleName: "OrganizationAccountAccessRole" } })).toMatchObject({ accounts: [] });
    expect(() => parseProviderCredentials(base)).toThrow(/accounts: list at least one account, or name an organization/);
    expect(() => parseProviderCredentials({ ...base, organization: { roleName: "a role" } })).toThrow(/organization.roleName: an IAM role name/);
    expect(() =>
      parseProviderCredentials({ ...base, organization: { roleName: "r", include: { organizationalUnits: ["prod"] } } }),
    ).toThrow(/organization.include.organizationalUnits.0: an OU id/);
    expect(() => parseProviderCredentials({ ...base, organization: { roleName: "r", roleArn: "x" } })).toThrow(/organization/);
    const gcpBase = { cloud: "gcp", serviceAccountKey: { client_email: "a@b.iam", private_key: "-----BEGIN PRIVATE KEY-----" } };
    expect(parseProviderCredentials({ ...gcpBase, organization: { parent: "folders/123" } })).toMatchObject({ projects: [] });
    expect(() => parseProviderCredentials(gcpBase)).toThrow(/projects: list at least one project, or name an organization/);
    expect(() => parseProviderCredentials({ ...gcpBase, organization: { parent: "org/1" } })).toThrow(/organization.parent: organizations\/<number> or folders\/<number>/);
  });
});
