import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type AwsEmulator, startAwsEmulator } from "@cloudsync/cloud-emulators";
import { type AwsAdapterConfig, createAwsAdapter } from "../src/aws/index.ts";
import { CloudError, CredentialsRejectedError, ThrottledError } from "../src/errors.ts";
import type { InventoryEvent, NormalizedResource } from "../src/types.ts";

const roleAccounts: AwsAdapterConfig["accounts"] = [
  { accountId: "111111111111" },
  { accountId: "222222222222", roleArn: "arn:aws:iam::222222222222:role/cloudsync-reader" },
  { accountId: "333333333333", roleArn: "arn:aws:iam::333333333333:role/cloudsync-reader", externalId: "cloudsync-ext-333" },
];

async function collect(stream: AsyncIterable<InventoryEvent>): Promise<InventoryEvent[]> {
  const events: InventoryEvent[] = [];
  for await (const e of stream) events.push(e);
  return events;
}

const failures = (events: InventoryEvent[]) =>
  events.flatMap((e) => (e.type === "scope_failed" ? [e] : []));
const completions = (events: InventoryEvent[]) => events.filter((e) => e.type === "scope_completed");
const resourcesOf = (events: InventoryEvent[]): NormalizedResource[] => events.flatMap((e) => (e.type === "page" ? e.resources : []));

describe("AWS adapter under faults", () => {
  let emu: AwsEmulator;
  const adapterFor = (overrides: Partial<AwsAdapterConfig> = {}) =>
    createAwsAdapter({
      credentials: emu.baseCredentials,
      accounts: roleAccounts,
      endpoint: emu.endpoint,
      // Fixed regions keep the fault counts about the list calls, not DescribeRegions.
      regions: ["us-east-1", "us-west-2"],
      pageSize: 10,
      requestsPerSecond: 1000,
      maxAttempts: 4,
      ...overrides,
    });

  beforeAll(async () => {
    emu = await startAwsEmulator({ seed: 11, size: 240 });
  });
  afterEach(() => emu.faults.clear());
  afterAll(() => emu.close());

  it("retries EC2 RequestLimitExceeded with backoff and completes the stream", async () => {
    emu.faults.set({ throttle: 2, match: "ec2:DescribeVpcs 111111111111/us-east-1" });
    const before = emu.requests.get("ec2:DescribeVpcs") ?? 0;
    const events = await collect(adapterFor().streamResources({ kinds: ["vpc"] }));
    expect(failures(events)).toEqual([]);
    expect(completions(events).length).toBe(6);
    // 6 scopes, one of which needed two extra attempts.
    expect((emu.requests.get("ec2:DescribeVpcs") ?? 0) - before).toBeGreaterThanOrEqual(6 + 2);
    expect(emu.faults.plan.throttle).toBe(0);
  });

  it("retries ELB/RDS Throttling and S3 SlowDown the same way", async () => {
    emu.faults.set({ throttle: 1, match: "rds:DescribeDBInstances 222222222222" });
    let events = await collect(adapterFor().streamResources({ kinds: ["rds_instance"] }));
    expect(failures(events)).toEqual([]);
    emu.faults.set({ throttle: 1, match: "s3:ListBuckets 333333333333" });
    events = await collect(adapterFor().streamResources({ kinds: ["s3_bucket"] }));
    expect(failures(events)).toEqual([]);
    expect(resourcesOf(events).length).toBe([...emu.expected()].filter((x) => x.scopeKind === "s3_bucket").length);
  });

  it("retries 5xx answers and completes the stream", async () => {
    emu.faults.set({ serverErrors: 3, match: "DescribeVolumes" });
    const events = await collect(adapterFor().streamResources({ kinds: ["ebs_volume"] }));
    expect(failures(events)).toEqual([]);
    expect(resourcesOf(events).length).toBe(
      [...emu.expected()].filter((x) => x.scopeKind === "ebs_volume" && ["us-east-1", "us-west-2"].includes(x.scopeRegion)).length,
    );
    expect(emu.faults.plan.serverErrors).toBe(0);
  });

  it("fails only the throttled scope with ThrottledError once maxAttempts are spent", async () => {
    emu.faults.set({ throttle: 1_000, match: "ec2:DescribeInstances 222222222222/us-west-2" });
    const events = await collect(adapterFor({ maxAttempts: 2 }).streamResources({ kinds: ["ec2_instance", "vpc"] }));
    const failed = failures(events);
    expect(failed.map((f) => f.scope)).toEqual([{ cloud: "aws", account: "222222222222", region: "us-west-2", kind: "ec2_instance" }]);
    const error = failed[0]?.error;
    expect(error).toBeInstanceOf(ThrottledError);
    expect(error?.message).toMatch(/222222222222/);
    expect(error?.message).toMatch(/DescribeInstances/);
    expect(error?.message).toMatch(/after 2 attempts/);
    expect(completions(events).length).toBe(11);
  });

  it("reports rejected credentials promptly as CredentialsRejectedError naming the account, without the secret", async () => {
    emu.faults.set({ rejectCredentials: true, match: "111111111111" });
    const callsTo111 = () =>
      [...emu.faults.requests].filter(([op]) => op.includes("111111111111/")).reduce((n, [, count]) => n + count, 0);
    const before = callsTo111();
    const events = await collect(adapterFor().streamResources({ kinds: ["ec2_instance", "ebs_volume"] }));
    const failed = failures(events);
    expect(failed.length).toBe(4);
    for (const f of failed) {
      expect(f.scope.account).toBe("111111111111");
      expect(f.error).toBeInstanceOf(CredentialsRejectedError);
      expect(f.error.message).toMatch(/aws rejected the credentials for account 111111111111/);
      expect(f.error.message).toMatch(/AuthFailure/);
      expect(f.error.message).not.toContain(emu.baseCredentials.secretAccessKey);
      expect(JSON.stringify({ ...f.error, message: f.error.message })).not.toContain(emu.baseCredentials.secretAccessKey);
    }
    // The other accounts are read in full.
    expect(completions(events).length).toBe(8);
    // No retry loop: each of account 111's four scopes costs one request at most (a refusal is remembered).
    const served = callsTo111() - before;
    expect(served).toBeGreaterThanOrEqual(1);
    expect(served).toBeLessThanOrEqual(4);
  });

  it("fails an account's scopes when AssumeRole is refused, and reads the other accounts", async () => {
    const adapter = adapterFor({
      accounts: [roleAccounts[0] as AwsAdapterConfig["accounts"][number], { ...(roleAccounts[2] as AwsAdapterConfig["accounts"][number]), externalId: "wrong" }],
    });
    const events = await collect(adapter.streamResources({ kinds: ["vpc", "s3_bucket"] }));
    const failed = failures(events);
    expect(failed.length).toBe(3);
    for (const f of failed) {
      expect(f.scope.account).toBe("333333333333");
      expect(f.error).toBeInstanceOf(CredentialsRejectedError);
      expect(f.error.message).toMatch(/AssumeRole/);
      expect(f.error.message).toMatch(/AccessDenied/);
    }
    expect(completions(events).every((e) => e.scope.account === "111111111111")).toBe(true);
    expect(completions(events).length).toBe(3);
  });

  it("reports unknown base credentials for every account, and region discovery failures as the account's `*` scope", async () => {
    const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    const adapter = createAwsAdapter({
      credentials: { accessKeyId: "AKIAUNKNOWNKEY000000", secretAccessKey: secret },
      accounts: roleAccounts,
      endpoint: emu.endpoint,
      requestsPerSecond: 1000,
    });
    const events = await collect(adapter.streamResources());
    const failed = failures(events);
    expect(failed.map((f) => `${f.scope.account}/${f.scope.region}/${f.scope.kind}`).sort()).toEqual([
      "111111111111/*/*",
      "222222222222/*/*",
      "333333333333/*/*",
    ]);
    for (const f of failed) {
      expect(f.error).toBeInstanceOf(CredentialsRejectedError);
      expect(f.error.message).not.toContain(secret);
    }
    await expect(adapter.listRegions()).rejects.toBeInstanceOf(CredentialsRejectedError);
  });

  it("skips a malformed item, reporting it, while its neighbours arrive", async () => {
    const victims = [...emu.expected()].filter((x) => x.scopeKind === "ec2_instance" && x.account === "111111111111" && x.scopeRegion === "us-east-1");
    const bad = victims[3]?.resourceId as string;
    emu.faults.set({ malformedItemIds: [bad] });
    const events = await collect(adapterFor({ regions: ["us-east-1"], accounts: [{ accountId: "111111111111" }] }).streamResources({ kinds: ["ec2_instance"] }));
    const skipped = events.filter((e) => e.type === "item_skipped");
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({ type: "item_skipped", itemId: bad, scope: { account: "111111111111", region: "us-east-1", kind: "ec2_instance" } });
    expect(skipped[0]?.type === "item_skipped" && skipped[0].reason).toMatch(/state/);
    const ids = resourcesOf(events).map((r) => r.resourceId).sort();
    expect(ids).toEqual(victims.filter((v) => v.resourceId !== bad).map((v) => v.resourceId).sort());
    expect(completions(events)).toHaveLength(1);
  });

  it("fails a scope whose API answers slower than timeoutMs, and completes the others", async () => {
    emu.faults.set({ delayMs: 4_000, match: "rds:DescribeDBInstances 111111111111/us-east-1" });
    const events = await collect(adapterFor({ timeoutMs: 700, maxAttempts: 2 }).streamResources({ kinds: ["rds_instance"] }));
    const failed = failures(events);
    expect(failed.map((f) => f.scope)).toEqual([{ cloud: "aws", account: "111111111111", region: "us-east-1", kind: "rds_instance" }]);
    expect(failed[0]?.error).toBeInstanceOf(CloudError);
    expect(failed[0]?.error.message).toMatch(/no answer within 700 ms/);
    expect(completions(events)).toHaveLength(5);
  });

  it("ends with the scopes in flight reported as failed when the signal aborts", async () => {
    emu.faults.set({ delayMs: 2_000, match: "DescribeSubnets" });
    const controller = new AbortController();
    const stream = adapterFor({ concurrency: 2 }).streamResources({ kinds: ["subnet"], signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    const events = await collect(stream);
    expect(failures(events).length).toBeGreaterThan(0);
    expect(completions(events).length + failures(events).length).toBe(6);
  });
});

describe("S3 buckets without BucketRegion in ListBuckets", () => {
  it("asks GetBucketLocation, reading an empty constraint as us-east-1", async () => {
    const emu = await startAwsEmulator({ seed: 3, size: 120, s3LegacyListBuckets: true, accounts: [{ accountId: "123456789012" }] });
    try {
      const adapter = createAwsAdapter({
        credentials: emu.baseCredentials,
        accounts: [{ accountId: "123456789012" }],
        endpoint: emu.endpoint,
        pageSize: 4,
        requestsPerSecond: 1000,
      });
      const events = await collect(adapter.streamResources({ kinds: ["s3_bucket"] }));
      const buckets = resourcesOf(events);
      const expected = [...emu.expected()].filter((x) => x.scopeKind === "s3_bucket");
      expect(buckets.map((b) => [b.resourceId, b.regionCode]).sort()).toEqual(expected.map((x) => [x.resourceId, x.region]).sort());
      expect(expected.some((x) => x.region === "us-east-1")).toBe(true);
      expect(emu.requests.get("s3:GetBucketLocation")).toBe(expected.length);
    } finally {
      await emu.close();
    }
  });
});
