import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AwsEmulator, startAwsEmulator } from "@cloudsync/cloud-emulators";
import { type AwsAdapterConfig, createAwsAdapter } from "../src/aws/index.ts";
import { CredentialsRejectedError, ThrottledError } from "../src/errors.ts";
import { type InventoryEvent, scopeKey } from "../src/types.ts";

/**
 * Whole-organization discovery through the real Organizations and STS SDKs against the
 * emulator: a management account, three members reached through a role (one refuses it, one
 * demands an ExternalId), one suspended member, two OUs.
 */
const management = "111111111111";
const refusing = "333333333333";
const sandboxed = "444444444444";
const suspended = "555555555555";

async function collect(stream: AsyncIterable<InventoryEvent>): Promise<InventoryEvent[]> {
  const events: InventoryEvent[] = [];
  for await (const e of stream) events.push(e);
  return events;
}

describe("AWS organization discovery against the emulator", () => {
  let emu: AwsEmulator;
  beforeAll(async () => {
    emu = await startAwsEmulator({
      seed: 7,
      size: 160,
      regions: ["us-east-1", "eu-west-1"],
      accounts: [
        { accountId: management },
        { accountId: "222222222222", externalId: "cloudsync-222222222222" },
        { accountId: refusing, refuseRoles: true },
        { accountId: sandboxed },
      ],
      organization: {
        units: [
          { id: "ou-emu1-prod0001", name: "prod", parentId: "r-emu1" },
          { id: "ou-emu1-sand0001", name: "sandbox", parentId: "r-emu1" },
          { id: "ou-emu1-team0001", name: "team", parentId: "ou-emu1-prod0001" },
        ],
        members: [
          { accountId: management, name: "management" },
          { accountId: "222222222222", name: "prod-a", parentId: "ou-emu1-team0001" },
          { accountId: refusing, name: "prod-b", parentId: "ou-emu1-prod0001" },
          { accountId: sandboxed, name: "sandbox", parentId: "ou-emu1-sand0001" },
          { accountId: suspended, name: "closed", status: "SUSPENDED" },
        ],
      },
    });
  });
  afterAll(() => emu.close());

  const adapterFor = (overrides: Partial<AwsAdapterConfig> = {}) =>
    createAwsAdapter({
      credentials: emu.baseCredentials,
      // The management account is read with the base key itself; members through the role.
      accounts: [{ accountId: management }],
      organization: { roleName: "OrganizationAccountAccessRole", externalId: "cloudsync-{accountId}" },
      endpoint: emu.endpoint,
      regions: ["us-east-1", "eu-west-1"],
      requestsPerSecond: 1000,
      maxAttempts: 2,
      ...overrides,
    });

  it("lists every member with its state; suspended ones are not read", async () => {
    const adapter = adapterFor();
    const found = await adapter.discoverAccounts?.();
    expect(found?.root).toBe("o-emulator01");
    expect(found?.accounts.map((a) => [a.account, a.name, a.state])).toEqual([
      [management, "management", "active"],
      ["222222222222", "prod-a", "active"],
      [refusing, "prod-b", "active"],
      [sandboxed, "sandbox", "active"],
      [suspended, "closed", "suspended"],
    ]);
    expect(found?.accounts.find((a) => a.account === suspended)?.reason).toMatch(/SUSPENDED/);
    expect(adapter.accounts).toEqual([management, "222222222222", refusing, sandboxed]);
  });

  it("reads each active member through its role; the member that refuses it fails only its own scopes", async () => {
    const adapter = adapterFor();
    await adapter.discoverAccounts?.();
    const events = await collect(adapter.streamResources({ kinds: ["vpc", "s3_bucket"] }));
    const failed = events.filter((e) => e.type === "scope_failed");
    const completed = events.filter((e) => e.type === "scope_completed");
    // The refusing member: two regions of vpc and one global s3 scope, all refused at AssumeRole.
    expect(failed.map((e) => e.scope.account)).toEqual([refusing, refusing, refusing]);
    for (const e of failed) expect(e.type === "scope_failed" && e.error).toBeInstanceOf(CredentialsRejectedError);
    expect(new Set(completed.map((e) => e.scope.account))).toEqual(new Set([management, "222222222222", sandboxed]));
    expect(events.some((e) => "scope" in e && e.scope.account === suspended)).toBe(false);

    const got = events.flatMap((e) => (e.type === "page" ? e.resources.map((r) => r.resourceId) : [])).sort();
    const want = [...emu.expected()]
      .filter((r) => ["vpc", "s3_bucket"].includes(r.kind) && r.account !== refusing)
      .map((r) => r.resourceId)
      .sort();
    expect(got).toEqual(want);
    // No scope was read twice.
    const keys = completed.map((e) => scopeKey(e.scope));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("follows OUs up to the root for include/exclude rules, asking for each OU's parent once", async () => {
    const before = emu.requests.get("organizations:ListParents") ?? 0;
    const adapter = adapterFor({
      organization: {
        roleName: "OrganizationAccountAccessRole",
        externalId: "cloudsync-{accountId}",
        include: { organizationalUnits: ["ou-emu1-prod0001"], accounts: [management] },
        exclude: { accounts: [refusing] },
      },
    });
    const found = await adapter.discoverAccounts?.();
    const states = Object.fromEntries(found?.accounts.map((a) => [a.account, [a.state, a.parentPath]]) ?? []);
    expect(states).toEqual({
      [management]: ["active", "r-emu1"],
      "222222222222": ["active", "r-emu1/ou-emu1-prod0001/ou-emu1-team0001"],
      [refusing]: ["excluded", "r-emu1/ou-emu1-prod0001"],
      [sandboxed]: ["excluded", "r-emu1/ou-emu1-sand0001"],
      [suspended]: ["suspended", "r-emu1"],
    });
    // Five accounts, then prod (team's parent) and team's and sandbox's parents were asked once each.
    expect((emu.requests.get("organizations:ListParents") ?? 0) - before).toBe(5 + 3);
    expect(adapter.accounts).toEqual([management, "222222222222"]);
  });

  it("retries a throttled ListAccounts; when throttling outlasts the retries, discovery fails and only configured accounts are read", async () => {
    emu.faults.set({ throttle: 1, match: "organizations:ListAccounts" });
    const retried = adapterFor();
    expect((await retried.discoverAccounts?.())?.accounts).toHaveLength(5);

    emu.faults.set({ throttle: 10, match: "organizations:ListAccounts" });
    const adapter = adapterFor();
    await expect(adapter.discoverAccounts?.()).rejects.toBeInstanceOf(ThrottledError);
    emu.faults.clear();
    expect(adapter.accounts).toEqual([management]);
    const events = await collect(adapter.streamResources({ kinds: ["vpc"] }));
    expect(new Set(events.flatMap((e) => ("scope" in e ? [e.scope.account] : [])))).toEqual(new Set([management]));
  });

  it("a stream whose discovery was not asked for discovers by itself", async () => {
    const events = await collect(adapterFor().streamResources({ kinds: ["s3_bucket"] }));
    expect(new Set(events.flatMap((e) => (e.type === "scope_completed" ? [e.scope.account] : [])))).toEqual(
      new Set([management, "222222222222", sandboxed]),
    );
  });

  it("pages ListAccounts 20 at a time and forgets a member that left", async () => {
    const members = Array.from({ length: 45 }, (_, i) => ({ accountId: String(100000000000 + i) }));
    const big = await startAwsEmulator({ seed: 3, size: 10, accounts: [{ accountId: management }], organization: { members } });
    try {
      const adapter = createAwsAdapter({
        credentials: big.baseCredentials,
        accounts: [],
        organization: { roleName: "reader" },
        endpoint: big.endpoint,
        requestsPerSecond: 1000,
      });
      expect((await adapter.discoverAccounts?.())?.accounts).toHaveLength(45);
      expect(big.requests.get("organizations:ListAccounts")).toBe(3);
      big.mutate.leaveOrganization("100000000007");
      const again = await adapter.discoverAccounts?.();
      expect(again?.accounts.map((a) => a.account)).not.toContain("100000000007");
      expect(adapter.accounts).toHaveLength(44);
    } finally {
      await big.close();
    }
  });

  it("refuses an organization without a usable role name, and accepts no accounts when one is named", () => {
    expect(() => adapterFor({ accounts: [], organization: { roleName: "" } })).toThrow(/roleName/);
    expect(() => createAwsAdapter({ credentials: emu.baseCredentials, accounts: [] })).toThrow(/name an organization/);
  });
  it("reads only the accounts it is handed, without discovering again (one shard of a fanned-out sync)", async () => {
    const adapter = adapterFor();
    const before = emu.requests.get("organizations:ListAccounts") ?? 0;
    const events = await collect(adapter.streamResources({ kinds: ["vpc", "s3_bucket"], accounts: ["222222222222", sandboxed] }));
    const read = new Set(events.filter((e) => e.type === "scope_completed" || e.type === "scope_failed").map((e) => e.scope.account));
    expect(read).toEqual(new Set(["222222222222", sandboxed]));
    // vpc in two regions + s3_bucket once (global), for each of the two accounts, all completed.
    expect(events.filter((e) => e.type === "scope_completed")).toHaveLength(2 * (2 + 1));
    expect(emu.requests.get("organizations:ListAccounts") ?? 0, "the caller discovered; the shard does not").toBe(before);
  });
});
