import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { addDays, createAwsCostBook, eachDay, groupLines } from "../src/aws/costs.ts";
import { createAwsEstate } from "../src/aws/estate.ts";
import { type AwsEmulator, awsCostServices, startAwsEmulator } from "../src/aws/index.ts";
import { formatFixed, formatPlain, scaled } from "../src/aws/money.ts";

function auth(accessKeyId: string, region: string, service: string): string {
  return `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20261101/${region}/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=${"0".repeat(64)}`;
}

async function call(
  emu: AwsEmulator,
  service: "ce" | "monitoring",
  operation: string,
  body: unknown,
  opts: { key?: string; region?: string; token?: string } = {},
) {
  const ce = service === "ce";
  const headers: Record<string, string> = {
    "content-type": ce ? "application/x-amz-json-1.1" : "application/x-amz-json-1.0",
    "x-amz-target": `${ce ? "AWSInsightsIndexService" : "GraniteServiceVersion20100801"}.${operation}`,
    authorization: auth(opts.key ?? emu.baseCredentials.accessKeyId, opts.region ?? "us-east-1", service),
  };
  if (opts.token) headers["x-amz-security-token"] = opts.token;
  const res = await fetch(`${emu.url}/`, { method: "POST", headers, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: JSON.parse(text) as Record<string, unknown>, text };
}

interface CeGroup {
  Keys: string[];
  Metrics: Record<string, { Amount?: string; Unit: string }>;
}
interface CeResult {
  TimePeriod: { Start: string; End: string };
  Groups: CeGroup[];
  Total: Record<string, { Amount: string; Unit: string }>;
  Estimated: boolean;
}

const costRequest = (account: string, start: string, end: string, extra: Record<string, unknown> = {}) => ({
  TimePeriod: { Start: start, End: end },
  Granularity: "DAILY",
  Metrics: ["UnblendedCost", "UsageQuantity"],
  GroupBy: [{ Type: "DIMENSION", Key: "SERVICE" }],
  Filter: { Dimensions: { Key: "LINKED_ACCOUNT", Values: [account] } },
  ...extra,
});

/** Exact sum of decimal strings with at most 10 places, through the emulator's own integers. */
const sum = (amounts: string[]) => formatPlain(amounts.reduce((acc, a) => acc + scaled(a), 0n));

describe("AWS emulator money", () => {
  it.each([
    ["0.0104", 104_000_000n, "0.0104000000", "0.0104"],
    ["-1.25", -12_500_000_000n, "-1.2500000000", "-1.25"],
    ["29", 290_000_000_000n, "29.0000000000", "29"],
    ["0.0000000001", 1n, "0.0000000001", "0.0000000001"],
    ["0", 0n, "0.0000000000", "0"],
  ])("%s ↔ %d ↔ %s / %s", (text, units, fixed, plain) => {
    expect(scaled(text)).toBe(units);
    expect(formatFixed(units)).toBe(fixed);
    expect(formatPlain(units)).toBe(plain);
  });
});

describe("AWS emulator: Cost Explorer", () => {
  let emu: AwsEmulator;
  beforeAll(async () => {
    emu = await startAwsEmulator({ seed: 4, size: 200, today: "2026-11-10", costPageSize: 30 });
  });
  afterEach(() => emu.faults.clear());
  afterAll(() => emu.close());

  async function allPages(operation: string, body: Record<string, unknown>, opts: { key?: string; token?: string } = {}) {
    const results: CeResult[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const res = await call(emu, "ce", operation, { ...body, ...(token ? { NextPageToken: token } : {}) }, opts);
      expect(res.status, res.text).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/x-amz-json-1.1");
      results.push(...(res.json.ResultsByTime as CeResult[]));
      token = res.json.NextPageToken as string | undefined;
      pages += 1;
    } while (token);
    return { results, pages };
  }

  it("pages a month of daily service groups whose amounts add up to expectedCostTotal exactly", async () => {
    const { results, pages } = await allPages("GetCostAndUsage", costRequest("111111111111", "2026-10-01", "2026-11-01"));
    expect(pages).toBeGreaterThan(3);
    const groups = results.flatMap((r) => r.Groups);
    const amounts = groups.map((g) => g.Metrics.UnblendedCost?.Amount as string);
    expect(sum(amounts)).toBe(emu.expectedCostTotal("111111111111", "2026-10-01", "2026-10-31"));
    // Usage lines print ten decimals; tax and support print like an invoice.
    expect(amounts.some((a) => /^-?\d+\.\d{10}$/.test(a))).toBe(true);
    const tax = groups.filter((g) => g.Keys[0] === awsCostServices.tax);
    expect(tax).toHaveLength(1);
    expect(tax[0]?.Metrics.UnblendedCost?.Amount).toMatch(/^\d+(\.\d{1,2})?$/);
    expect(groups.filter((g) => g.Keys[0] === awsCostServices.supportBusiness)).toHaveLength(1);
    expect(amounts.some((a) => a.startsWith("-"))).toBe(true);
    expect(new Set(results.map((r) => r.TimePeriod.Start)).size).toBe(31);
    expect(results.every((r) => r.Estimated === false && addDays(r.TimePeriod.Start, 1) === r.TimePeriod.End)).toBe(true);
  });

  it("is deterministic, and resource-level groups add up to the same bill", async () => {
    const again = await startAwsEmulator({ seed: 4, size: 200, today: "2026-11-10" });
    try {
      expect(again.expectedCostTotal("222222222222", "2026-10-01", "2026-10-31")).toBe(emu.expectedCostTotal("222222222222", "2026-10-01", "2026-10-31"));
    } finally {
      await again.close();
    }
    const byService = [...emu.expectedCosts("222222222222", "2026-10-28", "2026-11-09")];
    const byResource = [...emu.expectedCosts("222222222222", "2026-10-28", "2026-11-09", { byResource: true })];
    expect(byResource.length).toBeGreaterThan(byService.length);
    expect(sum(byResource.map((x) => x.amount))).toBe(sum(byService.map((x) => x.amount)));
    expect(sum(byService.map((x) => x.amount))).toBe(emu.expectedCostTotal("222222222222", "2026-10-28", "2026-11-09"));

    const { results } = await allPages(
      "GetCostAndUsageWithResources",
      costRequest("222222222222", "2026-10-28", "2026-11-10", { GroupBy: [{ Type: "DIMENSION", Key: "SERVICE" }, { Type: "DIMENSION", Key: "RESOURCE_ID" }] }),
    );
    const groups = results.flatMap((r) => r.Groups);
    expect(groups).toHaveLength(byResource.length);
    expect(groups.some((g) => g.Keys[1] === "NoResourceId")).toBe(true);
    const inventory = new Set([...emu.expected()].map((x) => x.resourceId));
    expect(groups.filter((g) => g.Keys[1] !== "NoResourceId").every((g) => inventory.has(g.Keys[1] as string))).toBe(true);
    // The current month is estimated; days from today on have no costs yet.
    expect(results.find((r) => r.TimePeriod.Start === "2026-11-09")?.Estimated).toBe(true);
    expect(emu.expectedCostTotal("222222222222", "2026-11-10", "2026-11-30")).toBe("0");
  });

  it("lets the management account read its members and a member only itself", async () => {
    // Account 222's own credentials, through AssumeRole.
    const form = new URLSearchParams({ Action: "AssumeRole", Version: "2011-06-15", RoleArn: "arn:aws:iam::222222222222:role/r", RoleSessionName: "t" });
    const sts = await fetch(`${emu.url}/`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: auth(emu.baseCredentials.accessKeyId, "us-east-1", "sts") },
      body: form.toString(),
    });
    const xml = await sts.text();
    const key = /<AccessKeyId>([^<]+)</.exec(xml)?.[1] as string;
    const token = /<SessionToken>([^<]+)</.exec(xml)?.[1] as string;
    const own = await call(emu, "ce", "GetCostAndUsage", costRequest("222222222222", "2026-10-01", "2026-10-02"), { key, token });
    const other = await call(emu, "ce", "GetCostAndUsage", costRequest("333333333333", "2026-10-01", "2026-10-02"), { key, token });
    const viaManagement = await call(emu, "ce", "GetCostAndUsage", costRequest("333333333333", "2026-10-01", "2026-10-02"));
    const groupsOf = (r: { json: Record<string, unknown> }) => (r.json.ResultsByTime as CeResult[]).flatMap((x) => x.Groups);
    expect(groupsOf(own).length).toBeGreaterThan(0);
    expect(groupsOf(other)).toEqual([]);
    expect(sum(groupsOf(viaManagement).map((g) => g.Metrics.UnblendedCost?.Amount as string))).toBe(emu.expectedCostTotal("333333333333", "2026-10-01", "2026-10-01"));
  });

  it.each([
    ["an end before the start", "GetCostAndUsage", costRequest("111111111111", "2026-10-05", "2026-10-01"), 400, "ValidationException"],
    ["MONTHLY granularity", "GetCostAndUsage", costRequest("111111111111", "2026-10-01", "2026-11-01", { Granularity: "MONTHLY" }), 400, "ValidationException"],
    [
      "RESOURCE_ID without resources",
      "GetCostAndUsage",
      costRequest("111111111111", "2026-10-01", "2026-10-02", { GroupBy: [{ Type: "DIMENSION", Key: "RESOURCE_ID" }] }),
      400,
      "ValidationException",
    ],
    [
      "resource-level data older than 14 days",
      "GetCostAndUsageWithResources",
      costRequest("111111111111", "2026-10-26", "2026-10-28", { GroupBy: [{ Type: "DIMENSION", Key: "RESOURCE_ID" }] }),
      400,
      "ValidationException",
    ],
    ["a token it never issued", "GetCostAndUsage", costRequest("111111111111", "2026-10-01", "2026-10-02", { NextPageToken: "bm9wZQ" }), 400, "InvalidNextTokenException"],
  ])("refuses %s", async (_label, operation, body, status, type) => {
    const res = await call(emu, "ce", operation, body);
    expect(res.status).toBe(status);
    expect(res.json.__type).toBe(type);
    expect(typeof res.json.message).toBe("string");
  });

  it("answers DataUnavailableException where resource-level data is not enabled", async () => {
    const off = await startAwsEmulator({ seed: 4, size: 50, today: "2026-11-10", resourceLevelCosts: false });
    try {
      const res = await call(off, "ce", "GetCostAndUsageWithResources", costRequest("111111111111", "2026-11-01", "2026-11-02", { GroupBy: [{ Type: "DIMENSION", Key: "RESOURCE_ID" }] }));
      expect(res.status).toBe(400);
      expect(res.json.__type).toBe("DataUnavailableException");
    } finally {
      await off.close();
    }
  });

  it("throttles with LimitExceededException, refuses bad keys with UnrecognizedClientException, and faults one linked account", async () => {
    emu.faults.set({ throttle: 1, match: "linked:333333333333" });
    expect((await call(emu, "ce", "GetCostAndUsage", costRequest("111111111111", "2026-10-01", "2026-10-02"))).status).toBe(200);
    const throttled = await call(emu, "ce", "GetCostAndUsage", costRequest("333333333333", "2026-10-01", "2026-10-02"));
    expect(throttled.status).toBe(400);
    expect(throttled.json).toEqual({ __type: "LimitExceededException", message: "Rate exceeded" });
    const unknown = await call(emu, "ce", "GetCostAndUsage", costRequest("111111111111", "2026-10-01", "2026-10-02"), { key: "AKIAUNKNOWN000000000" });
    expect(unknown.json.__type).toBe("UnrecognizedClientException");
  });

  it("serves a malformed row without its amount", async () => {
    emu.faults.set({ malformedItemIds: ["2026-10-03/AmazonCloudWatch"] });
    const res = await call(emu, "ce", "GetCostAndUsage", costRequest("111111111111", "2026-10-03", "2026-10-04"));
    const groups = (res.json.ResultsByTime as CeResult[]).flatMap((r) => r.Groups);
    expect(groups.find((g) => g.Keys[0] === "AmazonCloudWatch")?.Metrics.UnblendedCost).toEqual({ Unit: "USD" });
    expect(groups.filter((g) => g.Keys[0] !== "AmazonCloudWatch").every((g) => g.Metrics.UnblendedCost?.Amount !== undefined)).toBe(true);
  });

  it("computes a day's lines from the estate lazily, and groups them exactly", () => {
    const estate = createAwsEstate({ seed: 4, size: 200, accounts: ["111111111111"], regions: ["us-east-1"] });
    const book = createAwsCostBook({ seedHash: 4, estate, accounts: ["111111111111"], today: () => "2026-11-10" });
    let total = 0n;
    for (const date of eachDay("2026-10-01", "2026-10-31")) {
      const lines = book.linesOf("111111111111", date);
      const grouped = groupLines(lines, ["SERVICE"]);
      expect(grouped.reduce((a, g) => a + g.amount, 0n)).toBe(lines.reduce((a, l) => a + l.amount, 0n));
      total += lines.reduce((a, l) => a + l.amount, 0n);
    }
    expect(formatPlain(total)).toBe(book.total("111111111111", "2026-10-01", "2026-10-31"));
  });
});

describe("AWS emulator: CloudWatch GetMetricData", () => {
  let emu: AwsEmulator;
  beforeAll(async () => {
    emu = await startAwsEmulator({ seed: 6, size: 200 });
  });
  afterEach(() => emu.faults.clear());
  afterAll(() => emu.close());

  const running = () => [...emu.expected()].filter((x) => x.kind === "ec2_instance" && x.rawState === "running" && x.account === "111111111111");
  const query = (id: string, instance: string, namespace: string, metric: string, stat = "Average") => ({
    Id: id,
    MetricStat: { Metric: { Namespace: namespace, MetricName: metric, Dimensions: [{ Name: "InstanceId", Value: instance }] }, Period: 300, Stat: stat },
  });
  const start = Date.UTC(2026, 10, 1) / 1000;

  it("serves series in JSON 1.0, paged by MaxDatapoints with PartialData then Complete", async () => {
    const inst = running()[0];
    expect(inst).toBeDefined();
    const body = {
      MetricDataQueries: [query("c", inst?.resourceId as string, "AWS/EC2", "CPUUtilization"), query("n", inst?.resourceId as string, "AWS/EC2", "NetworkIn", "Sum")],
      StartTime: start,
      EndTime: start + 3600,
      ScanBy: "TimestampAscending",
      MaxDatapoints: 10,
    };
    const first = await call(emu, "monitoring", "GetMetricData", body, { region: inst?.region as string });
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe("application/x-amz-json-1.0");
    const results = first.json.MetricDataResults as { Id: string; Timestamps: number[]; Values: number[]; StatusCode: string }[];
    expect(results.map((r) => [r.Id, r.Timestamps.length, r.StatusCode])).toEqual([
      ["c", 10, "PartialData"],
      ["n", 0, "PartialData"],
    ]);
    expect(results[0]?.Timestamps.slice(0, 2)).toEqual([start, start + 300]);
    const second = await call(emu, "monitoring", "GetMetricData", { ...body, NextToken: first.json.NextToken }, { region: inst?.region as string });
    const r2 = second.json.MetricDataResults as { Id: string; Timestamps: number[]; Values: number[]; StatusCode: string }[];
    expect(r2.map((r) => [r.Id, r.Timestamps.length, r.StatusCode])).toEqual([
      ["c", 2, "Complete"],
      ["n", 8, "PartialData"],
    ]);
    const expected = [...emu.expectedMetrics({ account: "111111111111", region: inst?.region as string, resourceIds: [inst?.resourceId as string], start: new Date(start * 1000), end: new Date((start + 3600) * 1000) })];
    expect(expected).toHaveLength(12);
    expect([...(results[0]?.Values ?? []), ...(r2[0]?.Values ?? [])]).toEqual(expected.map((x) => x.raw.CPUUtilization));
  });

  it("has agent series only for instances running the CloudWatch agent, and nothing for other accounts or stopped instances", async () => {
    const instances = running();
    const window = { StartTime: start, EndTime: start + 600 };
    let withAgent = 0;
    let without = 0;
    for (const inst of instances) {
      const res = await call(emu, "monitoring", "GetMetricData", { MetricDataQueries: [query("m", inst.resourceId, "CWAgent", "mem_used_percent")], ...window }, { region: inst.region });
      const points = (res.json.MetricDataResults as { Timestamps: number[] }[])[0]?.Timestamps.length;
      if (points === 2) withAgent += 1;
      else if (points === 0) without += 1;
    }
    expect(withAgent).toBeGreaterThan(0);
    expect(without).toBeGreaterThan(0);
    expect(withAgent + without).toBe(instances.length);

    const stopped = [...emu.expected()].find((x) => x.kind === "ec2_instance" && x.rawState === "stopped");
    const inst = instances[0];
    for (const [target, region] of [
      [stopped?.resourceId, stopped?.region],
      [inst?.resourceId, "eu-west-1"],
    ]) {
      const res = await call(emu, "monitoring", "GetMetricData", { MetricDataQueries: [query("c", target as string, "AWS/EC2", "CPUUtilization")], ...window }, { region: region as string });
      expect((res.json.MetricDataResults as { Timestamps: number[]; StatusCode: string }[])[0]).toMatchObject({ Timestamps: [], StatusCode: "Complete" });
    }
  });

  it("throttles in the query-compatible shape, and validates like CloudWatch", async () => {
    emu.faults.set({ throttle: 1, match: "monitoring:GetMetricData" });
    const body = { MetricDataQueries: [query("c", "i-0", "AWS/EC2", "CPUUtilization")], StartTime: start, EndTime: start + 600 };
    const throttled = await call(emu, "monitoring", "GetMetricData", body);
    expect(throttled.status).toBe(400);
    expect(throttled.headers.get("x-amzn-query-error")).toBe("Throttling;Sender");
    expect(throttled.json).toEqual({ __type: "com.amazon.coral.availability#ThrottlingException", message: "Rate exceeded" });

    const tooMany = { ...body, MetricDataQueries: Array.from({ length: 501 }, (_, i) => query(`q${i}`, "i-0", "AWS/EC2", "CPUUtilization")) };
    for (const bad of [
      tooMany,
      { ...body, MetricDataQueries: [{ ...query("C", "i-0", "AWS/EC2", "CPUUtilization") }] },
      { ...body, MetricDataQueries: [{ ...query("c", "i-0", "AWS/EC2", "CPUUtilization"), MetricStat: { ...query("c", "i-0", "AWS/EC2", "CPUUtilization").MetricStat, Period: 45 } }] },
      { ...body, EndTime: start },
      { ...body, NextToken: "bm9wZQ" },
    ]) {
      const res = await call(emu, "monitoring", "GetMetricData", bad);
      expect(res.status).toBe(400);
      expect(res.headers.get("x-amzn-query-error")).toMatch(/^(InvalidParameterValue|InvalidNextToken);Sender$/);
    }
    const denied = await call(emu, "monitoring", "GetMetricData", body, { key: "AKIAUNKNOWN000000000" });
    expect(denied.status).toBe(403);
    expect(denied.headers.get("x-amzn-query-error")).toBe("InvalidClientTokenId;Sender");
  });
});
