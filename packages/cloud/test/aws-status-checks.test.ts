import type { InstanceStatus } from "@aws-sdk/client-ec2";
import { type AwsEmulator, startAwsEmulator } from "@cloudsync/cloud-emulators";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type AwsAdapterConfig, createAwsAdapter } from "../src/aws/index.ts";
import { normalizeInstanceStatus } from "../src/aws/normalize-status.ts";
import type { MetricTarget, ResourceStatusChecks, StatusCheckEvent } from "../src/types.ts";

describe("normalizeInstanceStatus", () => {
  const item = (system: string | undefined, instance: string | undefined, failed?: "system" | "instance"): InstanceStatus => ({
    InstanceId: "i-0abc",
    ...(system ? { SystemStatus: { Status: system as "ok", Details: [{ Name: "reachability", Status: failed === "system" ? "failed" : "passed" }] } } : {}),
    ...(instance ? { InstanceStatus: { Status: instance as "ok", Details: [{ Name: "reachability", Status: failed === "instance" ? "failed" : "passed" }] } } : {}),
  });
  it.each([
    ["both ok", item("ok", "ok"), ["ok", "ok"]],
    ["system impaired", item("impaired", "ok", "system"), ["impaired", "ok"]],
    ["instance impaired", item("ok", "impaired", "instance"), ["ok", "impaired"]],
    ["initializing says nothing yet", item("initializing", "initializing"), ["no_data", "no_data"]],
    ["insufficient data says nothing", item("insufficient-data", "insufficient-data"), ["no_data", "no_data"]],
    ["not applicable (not running)", item("not-applicable", "not-applicable"), ["no_data", "no_data"]],
    ["a status EC2 adds later is no signal, not a guess", item("degraded-someday", "ok"), ["no_data", "ok"]],
    ["summaries absent", item(undefined, undefined), ["no_data", "no_data"]],
  ] as const)("%s", (_name, raw, states) => {
    const got = normalizeInstanceStatus(raw, "111111111111");
    expect(got?.checks.map((c) => c.state)).toEqual(states);
    expect(got?.checks.map((c) => c.source)).toEqual(["ec2_system_status", "ec2_instance_status"]);
  });
  it("names the failed check of an impaired summary", () => {
    expect(normalizeInstanceStatus(item("impaired", "ok", "system"), "111111111111")?.checks[0]).toEqual({
      source: "ec2_system_status",
      state: "impaired",
      detail: "reachability failed",
    });
  });
  it("drops an item without an instance id", () => expect(normalizeInstanceStatus({}, "111111111111")).toBeUndefined());
});

describe("AWS status checks through DescribeInstanceStatus", () => {
  let emu: AwsEmulator;
  const adapterFor = (overrides: Partial<AwsAdapterConfig> = {}) =>
    createAwsAdapter({
      credentials: emu.baseCredentials,
      accounts: [
        { accountId: "111111111111" },
        { accountId: "222222222222", roleArn: "arn:aws:iam::222222222222:role/cloudsync-reader" },
        { accountId: "333333333333", roleArn: "arn:aws:iam::333333333333:role/cloudsync-reader", externalId: "cloudsync-ext-333" },
      ],
      endpoint: emu.endpoint,
      requestsPerSecond: 1000,
      maxAttempts: 4,
      ...overrides,
    });
  const targetsOf = (): MetricTarget[] => [...emu.expected()].map((x) => ({ account: x.account, regionCode: x.region, kind: x.kind, resourceId: x.resourceId }));
  async function collect(stream: AsyncIterable<StatusCheckEvent>): Promise<StatusCheckEvent[]> {
    const events: StatusCheckEvent[] = [];
    for await (const e of stream) events.push(e);
    return events;
  }
  const statusesOf = (events: StatusCheckEvent[]): ResourceStatusChecks[] => events.flatMap((e) => (e.type === "status_page" ? e.statuses : []));

  beforeAll(async () => {
    emu = await startAwsEmulator({ seed: 41, size: 400 });
  });
  afterEach(() => emu.faults.clear());
  afterAll(() => emu.close());

  it("reports both checks of every running instance it was asked about, as EC2 states them", async () => {
    const events = await collect(adapterFor().streamStatusChecks!({ targets: targetsOf() }));
    expect(events.filter((e) => e.type === "scope_failed")).toEqual([]);
    const got = new Map(statusesOf(events).map((s) => [s.resourceId, s.checks.map((c) => c.state)]));
    const map = { ok: "ok", impaired: "impaired", initializing: "no_data", "insufficient-data": "no_data", "not-applicable": "no_data" } as const;
    const expected = [...emu.expectedInstanceStatus()];
    expect(expected.length).toBeGreaterThan(20);
    expect(expected.some((e) => e.system === "impaired" || e.instance === "impaired")).toBe(true);
    expect(got.size).toBe(expected.length);
    for (const e of expected) expect(got.get(e.instanceId), e.instanceId).toEqual([map[e.system], map[e.instance]]);
  });

  it("asks only about the targets it is given, and ignores kinds without status checks", async () => {
    const instances = targetsOf().filter((t) => t.kind === "ec2_instance");
    const some = instances.slice(0, 5);
    const others = targetsOf().filter((t) => t.kind !== "ec2_instance").slice(0, 5);
    const got = statusesOf(await collect(adapterFor().streamStatusChecks!({ targets: [...some, ...others] })));
    expect(new Set(got.map((s) => s.resourceId)).size).toBeLessThanOrEqual(5);
    for (const s of got) expect(some.map((t) => t.resourceId)).toContain(s.resourceId);
  });

  it("fails one scope when EC2 throttles it past the retries, and completes the others", async () => {
    emu.faults.set({ throttle: 1_000, match: "ec2:DescribeInstanceStatus 111111111111/us-east-1" });
    const events = await collect(adapterFor({ maxAttempts: 2 }).streamStatusChecks!({ targets: targetsOf() }));
    const failed = events.flatMap((e) => (e.type === "scope_failed" ? [e.scope] : []));
    expect(failed).toEqual([{ cloud: "aws", account: "111111111111", region: "us-east-1", kind: "status_checks" }]);
    expect(events.some((e) => e.type === "scope_completed")).toBe(true);
  });
});
