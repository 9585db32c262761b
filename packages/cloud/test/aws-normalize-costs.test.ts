import type { Group, ResultByTime } from "@aws-sdk/client-cost-explorer";
import { describe, expect, it } from "vitest";
import {
  addDays,
  costCategoryOf,
  costItemId,
  costWindowSegments,
  defaultCostCategory,
  isIsoDate,
  normalizeCostGroup,
  normalizeCostResult,
  resourceLevelDays,
} from "../src/aws/normalize-costs.ts";
import { costCategories } from "../src/types.ts";

const byService = { account: "111111111111", groupBy: ["SERVICE"] as const, source: "GetCostAndUsage" as const };
const byResource = { account: "111111111111", groupBy: ["SERVICE", "RESOURCE_ID"] as const, source: "GetCostAndUsageWithResources" as const };

function group(keys: string[], amount: string | undefined, unit: string | null = "USD", usage?: { Amount?: string; Unit?: string }): Group {
  return {
    Keys: keys,
    Metrics: {
      UnblendedCost: { ...(amount === undefined ? {} : { Amount: amount }), ...(unit === null ? {} : { Unit: unit }) },
      ...(usage ? { UsageQuantity: usage } : {}),
    },
  };
}

describe("AWS cost categories", () => {
  it.each([
    ["Amazon Elastic Compute Cloud - Compute", null, "compute"],
    ["EC2 - Other", null, "compute"],
    ["EC2 - Other", "vol-0123456789abcdef0", "storage"],
    ["EC2 - Other", "snap-0123456789abcdef0", "storage"],
    ["EC2 - Other", "nat-0123456789abcdef0", "network"],
    ["EC2 - Other", "eipalloc-0123", "network"],
    ["EC2 - Other", "i-0123456789abcdef0", "compute"],
    ["Amazon Simple Storage Service", "my-bucket", "storage"],
    ["Amazon Elastic Block Store", null, "storage"],
    ["Amazon Relational Database Service", "arn:aws:rds:us-east-1:111111111111:db:x", "database"],
    ["Amazon DynamoDB", null, "database"],
    ["Amazon Virtual Private Cloud", null, "network"],
    ["AWS Data Transfer", null, "network"],
    ["Elastic Load Balancing", null, "network"],
    ["Amazon CloudFront", null, "network"],
    ["AmazonCloudWatch", null, "monitoring"],
    ["AWS CloudTrail", null, "monitoring"],
    ["AWS Support (Business)", null, "support"],
    ["AWS Support (Developer)", null, "support"],
    ["AWS Support (Enterprise)", null, "support"],
    ["AWS Support (Enterprise On-Ramp)", null, "support"],
    ["Tax", null, "tax"],
    // Families by pattern, for names the exact table does not list.
    ["Amazon Aurora DSQL", null, "database"],
    ["Amazon S3 Express One Zone", null, "storage"],
    ["AWS Transit Gateway", null, "network"],
    ["Amazon Managed Service for Prometheus", null, "monitoring"],
    // Unknown services take the documented default.
    ["AWS Key Management Service", null, defaultCostCategory],
    ["Amazon Bedrock", null, defaultCostCategory],
    ["", null, defaultCostCategory],
  ])("%s (%s) → %s", (service, resourceId, category) => {
    expect(costCategoryOf(service, resourceId)).toBe(category);
  });

  it("always lands on one of the seed's categories", () => {
    expect(costCategories).toContain(defaultCostCategory);
    for (const s of ["x", "Tax", "AWS Support (Business)", "toString", "__proto__"]) expect(costCategories).toContain(costCategoryOf(s));
  });
});

describe("AWS cost window", () => {
  it.each([
    // No resource-level data wanted: one service-level stretch, cut at today.
    ["2026-10-01", "2026-10-31", "2026-11-10", false, [["2026-10-01", "2026-10-31", false]]],
    ["2026-11-01", "2026-11-30", "2026-11-10", false, [["2026-11-01", "2026-11-10", false]]],
    // Older than the resource-level reach: service level only.
    ["2026-09-01", "2026-09-30", "2026-11-10", true, [["2026-09-01", "2026-09-30", false]]],
    // Straddling it: split at today - 13 days.
    [
      "2026-10-01",
      "2026-10-31",
      "2026-11-10",
      true,
      [
        ["2026-10-01", "2026-10-27", false],
        ["2026-10-28", "2026-10-31", true],
      ],
    ],
    // Entirely recent: resource level only.
    ["2026-11-01", "2026-11-09", "2026-11-10", true, [["2026-11-01", "2026-11-09", true]]],
    ["2026-10-28", "2026-10-28", "2026-11-10", true, [["2026-10-28", "2026-10-28", true]]],
    // Entirely in the future: nothing to ask.
    ["2026-12-01", "2026-12-31", "2026-11-10", true, []],
  ] as const)("%s..%s on %s, byResource %s", (start, end, today, wanted, segments) => {
    expect(costWindowSegments(start, end, today, wanted)).toEqual(segments.map(([s, e, b]) => ({ start: s, end: e, byResource: b })));
  });

  it("keeps one day in hand from AWS's 14-day limit", () => {
    expect(resourceLevelDays).toBe(13);
    expect(addDays("2026-11-10", -resourceLevelDays)).toBe("2026-10-28");
  });

  it.each([
    ["2026-10-01", true],
    ["2026-02-29", false],
    ["2028-02-29", true],
    ["2026-1-01", false],
    ["2026-10-01T00:00:00Z", false],
    [20261001, false],
  ])("isIsoDate(%s) = %s", (text, ok) => {
    expect(isIsoDate(text)).toBe(ok);
  });

  it("adds days across month and year ends", () => {
    expect(addDays("2026-10-31", 1)).toBe("2026-11-01");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
  });
});

describe("AWS cost amounts", () => {
  it.each([
    ["12.3456789012", "12.3456789012"],
    ["2.4960000000", "2.496"],
    ["0.0000000001", "0.0000000001"],
    ["-1.2500000000", "-1.25"],
    ["-0.0000000000", "0"],
    ["29", "29"],
    ["000123.4500", "123.45"],
    ["1234567890123456789.0123456789", "1234567890123456789.0123456789"],
  ])("%s → %s (exact, never through a float)", (raw, amount) => {
    const line = normalizeCostGroup(group(["Amazon Simple Storage Service"], raw), "2026-10-05", false, byService);
    expect(line).toMatchObject({ amount, currency: "USD", periodStart: "2026-10-05", periodEnd: "2026-10-05" });
  });

  it("maps a service-level line whole", () => {
    const line = normalizeCostGroup(
      group(["Amazon Elastic Compute Cloud - Compute"], "76.0438711284", "USD", { Amount: "432", Unit: "Hrs" }),
      "2026-10-01",
      true,
      byService,
    );
    expect(line).toEqual({
      cloud: "aws",
      account: "111111111111",
      periodStart: "2026-10-01",
      periodEnd: "2026-10-01",
      amount: "76.0438711284",
      currency: "USD",
      category: "compute",
      service: "Amazon Elastic Compute Cloud - Compute",
      resourceId: null,
      billingDetails: { source: "GetCostAndUsage", metric: "UnblendedCost", granularity: "DAILY", linkedAccount: "111111111111", estimated: true },
      usage: { quantity: "432", unit: "Hrs" },
      tags: {},
    });
  });

  it.each([
    [["EC2 - Other", "vol-0abc"], "vol-0abc", "storage"],
    [["Amazon Elastic Compute Cloud - Compute", "i-0abc"], "i-0abc", "compute"],
    [["Tax", "NoResourceId"], null, "tax"],
    [["AWS Data Transfer", "NoResourceId"], null, "network"],
  ])("resource-level keys %j → resourceId %s, %s", (keys, resourceId, category) => {
    const line = normalizeCostGroup(group(keys, "1.5"), "2026-11-01", false, byResource);
    expect(line).toMatchObject({ resourceId, category, billingDetails: { source: "GetCostAndUsageWithResources" } });
  });

  it.each([
    [{ Amount: "24", Unit: "Hrs" }, { quantity: "24", unit: "Hrs" }],
    [{ Amount: "763.2903225800", Unit: "GB-Mo" }, { quantity: "763.29032258", unit: "GB-Mo" }],
    [{ Amount: "120", Unit: "N/A" }, { quantity: "120" }],
    [{ Amount: "lots", Unit: "Hrs" }, {}],
    [undefined, {}],
  ])("usage %j → %j", (usage, expected) => {
    const line = normalizeCostGroup(group(["AmazonCloudWatch"], "1", "USD", usage), "2026-10-01", false, byService);
    expect(line).toMatchObject({ usage: expected });
  });
});

describe("AWS malformed cost rows", () => {
  it.each([
    ["no amount", group(["AmazonCloudWatch"], undefined), /UnblendedCost has no decimal amount/],
    ["a non-decimal amount", group(["AmazonCloudWatch"], "12,50"), /UnblendedCost has no decimal amount/],
    ["an amount with a thousands separator", group(["AmazonCloudWatch"], "1 200.00"), /no decimal amount/],
    ["no unit", group(["AmazonCloudWatch"], "1.00", null), /ISO 4217/],
    ["a unit that is no currency code", group(["AmazonCloudWatch"], "1.00", "usd"), /ISO 4217/],
    ["no service key", group([""], "1.00"), /SERVICE/],
    ["the wrong number of keys", group(["AmazonCloudWatch", "extra"], "1.00"), /expected 1 group keys, got 2/],
    ["no metrics at all", { Keys: ["AmazonCloudWatch"] } as Group, /UnblendedCost/],
  ])("skips a row with %s, naming it", (_label, raw, reason) => {
    const out = normalizeCostGroup(raw, "2026-10-05", false, byService);
    expect(out).toMatchObject({ reason: expect.stringMatching(reason) });
    expect("itemId" in out && out.itemId).toBe(costItemId("2026-10-05", raw.Keys));
  });

  it("keeps the rest of a day when one row is broken", () => {
    const result: ResultByTime = {
      TimePeriod: { Start: "2026-10-05", End: "2026-10-06" },
      Groups: [group(["AmazonCloudWatch"], "1.1"), group(["Tax"], "oops"), group(["AWS Data Transfer"], "-3.5")],
      Estimated: false,
    };
    const out = normalizeCostResult(result, byService);
    expect(out.lines.map((l) => [l.service, l.amount])).toEqual([
      ["AmazonCloudWatch", "1.1"],
      ["AWS Data Transfer", "-3.5"],
    ]);
    expect(out.skipped).toEqual([{ itemId: "2026-10-05/Tax", reason: expect.stringMatching(/UnblendedCost/) }]);
  });

  it.each([
    [{ Start: "2026-10-05", End: "2026-10-07" }],
    [{ Start: "2026-10-05" }],
    [{ Start: "yesterday", End: "2026-10-06" }],
    [undefined],
  ])("skips every row of a day whose period %j is not one day", (period) => {
    const out = normalizeCostResult(
      { ...(period ? { TimePeriod: period } : {}), Groups: [group(["Tax"], "1"), group(["AmazonCloudWatch"], "2")] } as ResultByTime,
      byService,
    );
    expect(out.lines).toEqual([]);
    expect(out.skipped).toHaveLength(2);
    expect(out.skipped[0]?.reason).toMatch(/unreadable daily period/);
  });

  it.each([
    ["2026-10-05", ["Tax"], "2026-10-05/Tax"],
    ["2026-10-05", ["EC2 - Other", "vol-1"], "2026-10-05/EC2 - Other/vol-1"],
    [undefined, ["Tax"], "?/Tax"],
    [undefined, undefined, null],
  ])("item id of %s %j is %s", (date, keys, id) => {
    expect(costItemId(date, keys)).toBe(id);
  });
});
