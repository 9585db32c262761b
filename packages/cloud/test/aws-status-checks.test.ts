import type { InstanceStatus } from "@aws-sdk/client-ec2";
import { type AwsEmulator, startAwsEmulator } from "@cloudsync/cloud-emulators";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type AwsAdapterConfig, createAwsAdapter } from "../src/aws/index.ts";
import { type AutoScalingGroupCapacity, normalizeAutoScalingGroupCheck, normalizeInstanceStatus } from "../src/aws/normalize-status.ts";
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

describe("normalizeAutoScalingGroupCheck: instances InService and Healthy against DesiredCapacity", () => {
  const inService = { LifecycleState: "InService", HealthStatus: "Healthy" };
  const pending = { LifecycleState: "Pending", HealthStatus: "Healthy" };
  const unhealthy = { LifecycleState: "InService", HealthStatus: "Unhealthy" };
  const group = (desired: number | undefined, instances: AutoScalingGroupCapacity["Instances"], status?: string): AutoScalingGroupCapacity => ({
    AutoScalingGroupARN: "arn:aws:autoscaling:us-east-1:111111111111:autoScalingGroup:x:autoScalingGroupName/web",
    ...(desired === undefined ? {} : { DesiredCapacity: desired }),
    Instances: instances,
    ...(status ? { Status: status } : {}),
  });
  it.each([
    ["3 of 3 serving", group(3, [inService, inService, inService]), "ok", "3 of 3 desired in service"],
    ["more than desired while scaling in: 4 serving of 3", group(3, [inService, inService, inService, inService]), "ok", "4 of 3 desired in service"],
    ["2 of 3 serving, 1 launching → short of desired", group(3, [inService, inService, pending]), "degraded", "2 of 3 desired in service, 1 pending"],
    ["2 of 3 serving, 1 marked Unhealthy (being replaced)", group(3, [inService, inService, unhealthy]), "degraded", "2 of 3 desired in service, 1 unhealthy"],
    ["1 of 4 listed at all", group(4, [inService]), "degraded", "1 of 4 desired in service"],
    ["0 of 2 serving: every instance still Pending", group(2, [pending, pending]), "impaired", "0 of 2 desired in service, 2 pending"],
    ["0 of 2: no instance at all", group(2, []), "impaired", "0 of 2 desired in service"],
    ["desired 0: asked to serve nothing", group(0, []), "no_data", "desired capacity 0"],
    ["no desired capacity", group(undefined, [inService]), "no_data", "desired capacity 0"],
    ["being deleted", group(2, [], "Delete in progress"), "no_data", "Delete in progress"],
  ] as const)("%s → %s", (_name, raw, state, detail) => {
    expect(normalizeAutoScalingGroupCheck(raw)).toEqual({ source: "asg_in_service", state, detail });
  });
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
    const events = await collect(adapterFor().streamStatusChecks!({ targets: targetsOf().filter((t) => t.kind === "ec2_instance") }));
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
    const others = targetsOf().filter((t) => t.kind !== "ec2_instance" && t.kind !== "autoscaling_group").slice(0, 5);
    const got = statusesOf(await collect(adapterFor().streamStatusChecks!({ targets: [...some, ...others] })));
    expect(new Set(got.map((s) => s.resourceId)).size).toBeLessThanOrEqual(5);
    for (const s of got) expect(some.map((t) => t.resourceId)).toContain(s.resourceId);
  });

  it("reports each Auto Scaling group's capacity in service, as DescribeAutoScalingGroups lists its instances", async () => {
    const groups = targetsOf().filter((t) => t.kind === "autoscaling_group");
    const events = await collect(adapterFor().streamStatusChecks!({ targets: groups }));
    expect(events.filter((e) => e.type === "scope_failed")).toEqual([]);
    const scopes = events.flatMap((e) => (e.type === "scope_completed" ? [e.scope.kind] : []));
    expect(new Set(scopes)).toEqual(new Set(["autoscaling_group_status_checks"]));
    const got = new Map(statusesOf(events).map((s) => [s.resourceId, s.checks]));
    const wanted = new Set(groups.map((g) => g.resourceId));
    const expected = [...emu.expectedGroupCapacity()].filter((g) => wanted.has(g.groupArn));
    expect(expected.length).toBeGreaterThan(5);
    // The rule, in the emulator's terms: desired 0 says nothing; all serving ok; none impaired; else degraded.
    const stateOf = (g: { desired: number; serving: number }) => (g.desired === 0 ? "no_data" : g.serving >= g.desired ? "ok" : g.serving === 0 ? "impaired" : "degraded");
    for (const g of expected) {
      const checks = got.get(g.groupArn);
      expect(checks?.map((c) => c.source), g.groupArn).toEqual(["asg_in_service"]);
      // A group being deleted carries Status and says nothing, whatever its capacity.
      if (checks?.[0]?.detail === "Delete in progress") expect(checks[0].state).toBe("no_data");
      else expect(checks?.[0]?.state, `${g.groupArn}: ${g.serving} of ${g.desired}`).toBe(stateOf(g));
    }
    expect(new Set(expected.map(stateOf)).size, "the estate shows more than one state").toBeGreaterThan(1);
  });

  it("fails one scope when EC2 throttles it past the retries, and completes the others", async () => {
    emu.faults.set({ throttle: 1_000, match: "ec2:DescribeInstanceStatus 111111111111/us-east-1" });
    const events = await collect(adapterFor({ maxAttempts: 2 }).streamStatusChecks!({ targets: targetsOf() }));
    const failed = events.flatMap((e) => (e.type === "scope_failed" ? [e.scope] : []));
    expect(failed).toEqual([{ cloud: "aws", account: "111111111111", region: "us-east-1", kind: "status_checks" }]);
    expect(events.some((e) => e.type === "scope_completed")).toBe(true);
  });
});
