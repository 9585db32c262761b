import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type AwsEmulator, startAwsEmulator } from "@cloudsync/cloud-emulators";
import { type AwsAdapterConfig, createAwsAdapter } from "../src/aws/index.ts";
import { CredentialsRejectedError, ThrottledError } from "../src/errors.ts";
import { bytesToMbps, evaluateHealth } from "../src/metrics/health.ts";
import { type MetricEvent, type MetricSample, type MetricTarget, scopeKey } from "../src/types.ts";

const accounts: AwsAdapterConfig["accounts"] = [
  { accountId: "111111111111" },
  { accountId: "222222222222", roleArn: "arn:aws:iam::222222222222:role/cloudsync-reader" },
  { accountId: "333333333333", roleArn: "arn:aws:iam::333333333333:role/cloudsync-reader", externalId: "cloudsync-ext-333" },
];
const START = new Date("2026-11-01T00:00:00Z");
const END = new Date("2026-11-01T01:00:00Z");

async function collect(stream: AsyncIterable<MetricEvent>): Promise<MetricEvent[]> {
  const events: MetricEvent[] = [];
  for await (const e of stream) events.push(e);
  return events;
}
const samplesOf = (events: MetricEvent[]): MetricSample[] => events.flatMap((e) => (e.type === "metric_page" ? e.samples : []));
const failures = (events: MetricEvent[]) => events.flatMap((e) => (e.type === "scope_failed" ? [e] : []));
const completions = (events: MetricEvent[]) => events.flatMap((e) => (e.type === "scope_completed" ? [e] : []));

/** Every resource of the inventory, as the worker would pass it (non-instances included). */
function targetsOf(emu: AwsEmulator, filter: (t: MetricTarget) => boolean = () => true): MetricTarget[] {
  return [...emu.expected()]
    .map((x) => ({ account: x.account, regionCode: x.region, kind: x.kind, resourceId: x.resourceId }))
    .filter(filter);
}

function expectedFor(emu: AwsEmulator, targets: MetricTarget[], start: Date, end: Date, periodSeconds = 300) {
  const groups = new Map<string, MetricTarget[]>();
  for (const t of targets) groups.set(`${t.account}|${t.regionCode}`, [...(groups.get(`${t.account}|${t.regionCode}`) ?? []), t]);
  return [...groups.values()].flatMap((ts) => [
    ...emu.expectedMetrics({
      account: ts[0]?.account as string,
      region: ts[0]?.regionCode as string,
      resourceIds: ts.map((t) => t.resourceId),
      start,
      end,
      periodSeconds,
    }),
  ]);
}

describe("AWS metrics from CloudWatch", () => {
  let emu: AwsEmulator;
  const adapterFor = (overrides: Partial<AwsAdapterConfig> = {}) =>
    createAwsAdapter({
      credentials: emu.baseCredentials,
      accounts,
      endpoint: emu.endpoint,
      requestsPerSecond: 1000,
      maxAttempts: 4,
      // Datapoints per GetMetricData page: small, so series split across pages.
      pageSize: 40,
      ...overrides,
    });

  beforeAll(async () => {
    emu = await startAwsEmulator({ seed: 31, size: 300 });
  });
  afterEach(() => emu.faults.clear());
  afterAll(() => emu.close());

  it("reads one sample per instance and period, converted from the emulator's raw numbers, with absent keys absent", async () => {
    // Instances among resources of kinds without metrics (ignored); the other kinds are read below.
    const targets = targetsOf(emu, (t) => ["ec2_instance", "vpc", "subnet", "security_group"].includes(t.kind));
    const before = emu.requests.get("monitoring:GetMetricData") ?? 0;
    const events = await collect(adapterFor().streamMetrics({ targets, start: START, end: END }));
    expect(failures(events)).toEqual([]);
    expect(events.some((e) => e.type === "item_skipped")).toBe(false);
    const samples = samplesOf(events);
    const expected = expectedFor(emu, targets.filter((t) => t.kind === "ec2_instance"), START, END);
    expect(expected.length).toBeGreaterThan(100);
    expect(samples).toHaveLength(expected.length);
    // Several pages per scope: series were split and put back together.
    expect((emu.requests.get("monitoring:GetMetricData") ?? 0) - before).toBeGreaterThan(completions(events).length);

    const keyOf = (s: { resourceId: string; timestamp: string }) => `${s.resourceId}@${s.timestamp}`;
    const byKey = new Map(samples.map((s) => [keyOf(s), s]));
    expect(byKey.size).toBe(samples.length);
    for (const want of expected) {
      const got = byKey.get(keyOf(want));
      expect(got, keyOf(want)).toBeDefined();
      expect(got?.account).toBe(want.account);
      expect(Object.keys(got?.metrics ?? {}).sort()).toEqual(Object.keys(want.metrics).sort());
      // Percentages as CloudWatch gave them; bytes per period → Mbit/s.
      expect(got?.metrics.cpu_utilization).toBe(want.raw.CPUUtilization);
      expect(got?.metrics.network_in_mbps).toBe(bytesToMbps(want.raw.NetworkIn as number, 300));
      expect(got?.metrics.network_out_mbps).toBe(bytesToMbps(want.raw.NetworkOut as number, 300));
      expect(got?.metrics.network_in_mbps).toBeCloseTo(want.metrics.network_in_mbps as number, 9);
      expect(got?.metrics.network_out_mbps).toBeCloseTo(want.metrics.network_out_mbps as number, 9);
      expect(got?.metrics.memory_utilization).toBe(want.raw.mem_used_percent);
      expect(got?.metrics.disk_utilization).toBe(want.raw.disk_used_percent);
    }
    // Only some instances run the CloudWatch agent; the others have no memory or disk key at all.
    expect(samples.some((s) => "memory_utilization" in s.metrics)).toBe(true);
    expect(samples.some((s) => !("memory_utilization" in s.metrics) && !("disk_utilization" in s.metrics))).toBe(true);
    expect(samples.every((s) => s.metrics.response_time_ms === undefined && s.metrics.error_rate === undefined)).toBe(true);
    // Some run hot enough to be judged critical.
    expect(samples.some((s) => evaluateHealth(s.metrics).status === "critical")).toBe(true);
    expect(samples.some((s) => evaluateHealth(s.metrics).status === "healthy")).toBe(true);

    // A scope per account × region holding instances, each completed once after its pages.
    const done = completions(events);
    expect(new Set(done.map((c) => scopeKey(c.scope))).size).toBe(done.length);
    const instanceScopes = new Set(targets.filter((t) => t.kind === "ec2_instance").map((t) => `aws:${t.account}:${t.regionCode}:metrics`));
    expect(new Set(done.map((c) => scopeKey(c.scope)))).toEqual(instanceScopes);
    for (const c of done) {
      const at = events.indexOf(c);
      const pages = events.filter((e) => e.type === "metric_page" && scopeKey(e.scope) === scopeKey(c.scope));
      expect(pages.every((p) => events.indexOf(p) < at)).toBe(true);
      expect(c.resourceCount).toBe(samplesOf(pages).length);
    }
    // Only running instances publish: no sample for a stopped one.
    const stopped = new Set([...emu.expected()].filter((x) => x.kind === "ec2_instance" && x.rawState !== "running").map((x) => x.resourceId));
    expect(stopped.size).toBeGreaterThan(0);
    expect(samples.some((s) => stopped.has(s.resourceId))).toBe(false);
  });

  it("converts network bytes over a one-minute period too", async () => {
    const targets = targetsOf(emu, (t) => t.kind === "ec2_instance" && t.account === "222222222222");
    const end = new Date("2026-11-01T00:05:00Z");
    const samples = samplesOf(await collect(adapterFor().streamMetrics({ targets, start: START, end, periodSeconds: 60 })));
    const expected = expectedFor(emu, targets, START, end, 60);
    expect(samples).toHaveLength(expected.length);
    const byKey = new Map(samples.map((s) => [`${s.resourceId}@${s.timestamp}`, s]));
    for (const want of expected) {
      const got = byKey.get(`${want.resourceId}@${want.timestamp}`);
      expect(got?.metrics.network_in_mbps).toBe(bytesToMbps(want.raw.NetworkIn as number, 60));
      expect(got?.metrics.network_in_mbps).toBeCloseTo(((want.raw.NetworkIn as number) * 8) / 1e6 / 60, 9);
    }
  });

  it("retries Throttling and yields the same samples", async () => {
    const targets = targetsOf(emu, (t) => t.kind === "ec2_instance" && t.account === "111111111111" && t.regionCode === "us-east-1");
    const baseline = emu.requests.get("monitoring:GetMetricData") ?? 0;
    await collect(adapterFor().streamMetrics({ targets, start: START, end: END }));
    const calls = (emu.requests.get("monitoring:GetMetricData") ?? 0) - baseline;
    emu.faults.set({ throttle: 1, match: "monitoring:GetMetricData 111111111111/us-east-1" });
    const before = emu.requests.get("monitoring:GetMetricData") ?? 0;
    const events = await collect(adapterFor().streamMetrics({ targets, start: START, end: END }));
    expect(failures(events)).toEqual([]);
    expect(emu.faults.plan.throttle).toBe(0);
    // The throttled call was made again.
    expect((emu.requests.get("monitoring:GetMetricData") ?? 0) - before).toBe(calls + 1);
    expect(samplesOf(events)).toHaveLength(expectedFor(emu, targets, START, END).length);
  });

  it("fails only the throttled scope with ThrottledError once maxAttempts are spent", async () => {
    const targets = targetsOf(emu, (t) => t.kind === "ec2_instance");
    emu.faults.set({ throttle: 1_000, match: "monitoring:GetMetricData 222222222222/us-west-2" });
    const events = await collect(adapterFor({ maxAttempts: 2 }).streamMetrics({ targets, start: START, end: END }));
    const failed = failures(events);
    expect(failed.map((f) => f.scope)).toEqual([{ cloud: "aws", account: "222222222222", region: "us-west-2", kind: "metrics" }]);
    expect(failed[0]?.error).toBeInstanceOf(ThrottledError);
    expect(failed[0]?.error.message).toMatch(/GetMetricData in us-west-2/);
    expect(completions(events).length).toBeGreaterThan(3);
  });

  it("reports rejected credentials as CredentialsRejectedError for that account's scopes", async () => {
    const targets = targetsOf(emu, (t) => t.kind === "ec2_instance");
    emu.faults.set({ rejectCredentials: true, match: "monitoring:GetMetricData 111111111111" });
    const events = await collect(adapterFor().streamMetrics({ targets, start: START, end: END }));
    const failed = failures(events);
    expect(failed.length).toBeGreaterThan(0);
    for (const f of failed) {
      expect(f.scope.account).toBe("111111111111");
      expect(f.error).toBeInstanceOf(CredentialsRejectedError);
      expect(f.error.message).toMatch(/InvalidClientTokenId/);
      expect(f.error.message).not.toContain(emu.baseCredentials.secretAccessKey);
    }
    expect(completions(events).every((c) => c.scope.account !== "111111111111")).toBe(true);
    expect(completions(events).length).toBeGreaterThan(0);
  });

  it("skips an instance whose series is malformed, reporting it, and keeps its neighbours", async () => {
    const targets = targetsOf(emu, (t) => t.kind === "ec2_instance" && t.account === "111111111111" && t.regionCode === "us-east-1");
    const expected = expectedFor(emu, targets, START, END);
    const victim = expected[0]?.resourceId as string;
    emu.faults.set({ malformedItemIds: [victim] });
    const events = await collect(adapterFor().streamMetrics({ targets, start: START, end: END }));
    const skipped = events.filter((e) => e.type === "item_skipped");
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({ itemId: victim, scope: { account: "111111111111", region: "us-east-1", kind: "metrics" } });
    expect(skipped[0]?.type === "item_skipped" && skipped[0].reason).toMatch(/CPUUtilization: \d+ timestamps but \d+ values/);
    const samples = samplesOf(events);
    expect(samples.some((s) => s.resourceId === victim)).toBe(false);
    expect(samples).toHaveLength(expected.filter((x) => x.resourceId !== victim).length);
    expect(completions(events)).toHaveLength(1);
  });

  it("ignores targets of kinds without metrics and fails targets of accounts it is not configured for", async () => {
    const others = targetsOf(emu, (t) => ["vpc", "subnet", "security_group", "nat_gateway", "elastic_ip"].includes(t.kind));
    expect(others.length).toBeGreaterThan(0);
    expect(await collect(adapterFor().streamMetrics({ targets: others, start: START, end: END }))).toEqual([]);
    const stranger: MetricTarget = { account: "444444444444", regionCode: "us-east-1", kind: "ec2_instance", resourceId: "i-0123" };
    const events = await collect(adapterFor().streamMetrics({ targets: [stranger], start: START, end: END }));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "scope_failed", scope: { account: "444444444444", kind: "metrics" } });
  });

  it("rejects a period CloudWatch does not accept, and an empty window", async () => {
    await expect(collect(adapterFor().streamMetrics({ targets: [], start: START, end: END, periodSeconds: 45 }))).rejects.toThrow(RangeError);
    await expect(collect(adapterFor().streamMetrics({ targets: [], start: END, end: START }))).rejects.toThrow(/before end/);
  });
});

describe("AWS metrics of every kind CloudWatch has series for", () => {
  let emu: AwsEmulator;
  beforeAll(async () => {
    emu = await startAwsEmulator({ seed: 47, size: 400, regions: ["us-east-1", "eu-west-1"] });
  });
  afterAll(() => emu.close());
  const adapter = () =>
    createAwsAdapter({ credentials: emu.baseCredentials, accounts: [{ accountId: "111111111111" }], endpoint: emu.endpoint, requestsPerSecond: 1000, pageSize: 200 });
  const round = (s: MetricSample) => ({ ...s, metrics: Object.fromEntries(Object.entries(s.metrics).map(([k, v]) => [k, Number((v as number).toPrecision(10))])) });
  const key = (s: { resourceId: string; timestamp: string }) => `${s.resourceId}@${s.timestamp}`;

  it.each([
    ["ebs_volume", ["disk_read_iops", "disk_write_iops", "disk_read_mbps", "disk_write_mbps"]],
    ["rds", ["cpu_utilization", "connections", "read_latency_ms", "write_latency_ms", "disk_read_iops", "disk_write_iops", "network_in_mbps", "network_out_mbps"]],
    ["elb_load_balancer", ["requests_per_second", "response_time_ms", "error_rate", "connections"]],
    ["lambda_function", ["invocations_per_second", "duration_ms", "error_rate"]],
    ["dynamodb_table", ["read_latency_ms", "write_latency_ms"]],
    ["cloudfront_distribution", ["requests_per_second", "error_rate", "network_out_mbps"]],
    ["eks_cluster", ["cpu_utilization", "memory_utilization", "disk_utilization"]],
    ["ecs_cluster", ["cpu_utilization", "memory_utilization"]],
    ["ecs_service", ["cpu_utilization", "memory_utilization"]],
    ["autoscaling_group", ["cpu_utilization", "network_in_mbps", "network_out_mbps"]],
    ["elasticache_cluster", ["cpu_utilization", "memory_utilization", "connections", "evictions_per_second"]],
    ["efs_file_system", ["io_limit_utilization", "burst_credit_bytes", "storage_bytes"]],
    ["redshift_cluster", ["cpu_utilization", "disk_utilization", "connections", "read_latency_ms", "write_latency_ms"]],
  ])("%s: the emulator's raw numbers, converted, for every resource that publishes", async (kind, keys) => {
    const targets = targetsOf(emu, (t) => t.account === "111111111111" && (kind === "rds" ? t.kind.startsWith("rds_") : t.kind === kind));
    expect(targets.length).toBeGreaterThan(0);
    const events = await collect(adapter().streamMetrics({ targets, start: START, end: END }));
    expect(failures(events)).toEqual([]);
    // Gateway load balancers are skipped (see below); no other resource is.
    for (const e of events) if (e.type === "item_skipped") expect([kind, e.reason]).toEqual(["elb_load_balancer", expect.stringMatching(/gwy/)]);
    const expected = kind === "cloudfront_distribution"
      ? [...emu.expectedMetrics({ account: "111111111111", region: "us-east-1", resourceIds: targets.map((t) => t.resourceId), start: START, end: END })]
      : expectedFor(emu, targets, START, END);
    expect(expected.length).toBeGreaterThan(0);
    const got = samplesOf(events).sort((a, b) => key(a).localeCompare(key(b)));
    expect(got.map(round)).toEqual(
      expected.sort((a, b) => key(a).localeCompare(key(b))).map((x) => round({ cloud: "aws", account: x.account, resourceId: x.resourceId, timestamp: x.timestamp, metrics: x.metrics } as MetricSample)),
    );
    const seen = new Set(got.flatMap((s) => Object.keys(s.metrics)));
    for (const k of seen) expect(keys).toContain(k);
  });

  it("reports ALB error rates as 5xx over requests, and skips gateway load balancers with a reason", async () => {
    const targets = targetsOf(emu, (t) => t.kind === "elb_load_balancer");
    const events = await collect(adapter().streamMetrics({ targets: targets.filter((t) => t.account === "111111111111"), start: START, end: END }));
    const rates = samplesOf(events).flatMap((s) => (s.metrics.error_rate === undefined ? [] : [s.metrics.error_rate]));
    expect(rates.length).toBeGreaterThan(0);
    for (const r of rates) expect(r).toBeGreaterThanOrEqual(0);
    for (const e of events) if (e.type === "item_skipped") expect(e.reason).toMatch(/gwy load balancers publish no request metrics/);
  });

  it("reads S3's daily storage metrics over the last two days, whatever the window", async () => {
    const targets = targetsOf(emu, (t) => t.kind === "s3_bucket" && t.account === "111111111111");
    expect(targets.length).toBeGreaterThan(0);
    const end = new Date("2026-11-03T00:15:00Z");
    const events = await collect(adapter().streamMetrics({ targets, start: new Date("2026-11-03T00:00:00Z"), end }));
    expect(failures(events)).toEqual([]);
    const expected = expectedFor(emu, targets, new Date("2026-11-01T00:00:00Z"), end, 86_400);
    // Two midnights (1 and 2 November) and the one at 3 November that starts the window's day.
    expect(new Set(expected.map((x) => x.timestamp))).toEqual(new Set(["2026-11-01T00:00:00.000Z", "2026-11-02T00:00:00.000Z", "2026-11-03T00:00:00.000Z"]));
    const got = samplesOf(events).sort((a, b) => key(a).localeCompare(key(b)));
    expect(got.map(round)).toEqual(
      expected.sort((a, b) => key(a).localeCompare(key(b))).map((x) => round({ cloud: "aws", account: x.account, resourceId: x.resourceId, timestamp: x.timestamp, metrics: x.metrics } as MetricSample)),
    );
    expect(Object.keys(got[0]?.metrics ?? {}).sort()).toEqual(["object_count", "storage_bytes"]);
  });
});

describe("AWS metrics for many instances", () => {
  it("batches 500 queries per call and reads every instance of a large scope", async () => {
    const emu = await startAwsEmulator({ seed: 8, size: 2_000, regions: ["us-east-1"] });
    try {
      const targets = targetsOf(emu, (t) => t.kind === "ec2_instance" && t.account === "111111111111");
      expect(targets.length).toBeGreaterThan(200);
      const end = new Date("2026-11-01T00:15:00Z");
      const adapter = createAwsAdapter({ credentials: emu.baseCredentials, accounts: [{ accountId: "111111111111" }], endpoint: emu.endpoint, requestsPerSecond: 1000 });
      const events = await collect(adapter.streamMetrics({ targets, start: START, end }));
      expect(failures(events)).toEqual([]);
      expect(emu.requests.get("monitoring:GetMetricData")).toBe(Math.ceil(targets.length / 100));
      const expected = expectedFor(emu, targets, START, end);
      expect(samplesOf(events)).toHaveLength(expected.length);
    } finally {
      await emu.close();
    }
  });
});
