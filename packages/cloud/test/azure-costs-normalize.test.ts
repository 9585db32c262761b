import { createHttpHeaders, createPipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { costManagementRetryAfterPolicy, costQueryBody } from "../src/azure/cost-query-client.ts";
import { monthChunks, parseCostRange } from "../src/azure/costs.ts";
import { type ExactJson, JsonNumber, parseExactJson } from "../src/azure/exact-json.ts";
import {
  amountOf,
  type CostColumnLayout,
  costCategoryOf,
  costColumnLayout,
  createResourceIdResolver,
  normalizeCostRow,
  usageDateOf,
} from "../src/azure/normalize-costs.ts";
import { sumDecimals } from "../src/common/decimal.ts";

/** Pure rules of the Azure cost path: exact JSON, categories, columns, rows, ranges, throttling headers. */

describe("parseExactJson", () => {
  it.each([
    ["12.3456789012", "12.3456789012"],
    ["123456789.123456789012345678", "123456789.123456789012345678"],
    ["0.1", "0.1"],
    ["-0.000000000000000001", "-0.000000000000000001"],
    ["4.25E-07", "4.25E-07"],
    ["1e2", "1e2"],
    ["20261001", "20261001"],
  ])("keeps the number %s as written", (text, kept) => {
    const parsed = parseExactJson(`[${text}]`) as ExactJson[];
    expect(parsed[0]).toBeInstanceOf(JsonNumber);
    expect((parsed[0] as JsonNumber).text).toBe(kept);
  });

  it("is exact where JSON.parse is not", () => {
    const text = '{"rows":[[0.1000000000000000055511,1],[12345678901234567.89,2]]}';
    const rows = (parseExactJson(text) as { rows: JsonNumber[][] }).rows;
    expect(rows.map((r) => (r[0] as JsonNumber).text)).toEqual(["0.1000000000000000055511", "12345678901234567.89"]);
    expect(String((JSON.parse(text) as { rows: number[][] }).rows[1]?.[0])).not.toBe("12345678901234567.89");
  });

  it("parses strings, escapes, literals and nesting", () => {
    expect(parseExactJson(' { "a" : [ true , false , null , "x\\"y\\u00e9\\n" ] , "b" : { } } ')).toEqual({
      a: [true, false, null, 'x"yé\n'],
      b: {},
    });
    const obj = parseExactJson('{"__proto__": 1}') as Record<string, unknown>;
    expect(Object.keys(obj)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(obj)).toBe(Object.prototype);
  });

  it.each(["", "[1,]", "{'a':1}", "[01]", "[1.]", "[.5]", '"abc', "[1] x", "[NaN]", "[-]", '"\\x"', "{\"a\" 1}", "tru"])(
    "rejects %j",
    (text) => {
      expect(() => parseExactJson(text)).toThrow(SyntaxError);
    },
  );
});

describe("costCategoryOf", () => {
  it.each([
    ["Virtual Machines", "compute"],
    ["virtual machines", "compute"],
    ["Azure App Service", "compute"],
    ["Azure Kubernetes Service", "compute"],
    ["Storage", "storage"],
    ["Backup", "storage"],
    ["SQL Database", "database"],
    ["Azure Database for PostgreSQL", "database"],
    ["Azure Cosmos DB", "database"],
    ["Azure Synapse Analytics", "database"],
    ["Bandwidth", "network"],
    ["Virtual Network", "network"],
    ["Load Balancer", "network"],
    ["Content Delivery Network", "network"],
    ["Application Gateway", "network"],
    ["Azure Monitor", "monitoring"],
    ["Log Analytics", "monitoring"],
    ["Azure Support", "support"],
    ["Support", "support"],
    ["Tax", "tax"],
    ["Taxes", "tax"],
    ["  Virtual   Machines ", "compute"],
    // Unknown meter categories default to compute (documented).
    ["Microsoft Defender for Cloud", "compute"],
    ["", "compute"],
  ])("%j → %s", (meterCategory, category) => {
    expect(costCategoryOf(meterCategory)).toBe(category);
  });
});

const columns = (...names: string[]) => names.map((name) => ({ name, type: name === "UsageDate" || name === "Cost" ? "Number" : "String" }));
const layoutOf = (cols: ExactJson) => {
  const layout = costColumnLayout(cols);
  if ("error" in layout) throw new Error(layout.error);
  return layout;
};

describe("costColumnLayout", () => {
  it("finds the columns by name, in any order", () => {
    expect(layoutOf(columns("Cost", "UsageDate", "ResourceId", "MeterCategory", "Currency"))).toEqual({
      cost: 0,
      usageDate: 1,
      resourceId: 2,
      meterCategory: 3,
      currency: 4,
      width: 5,
    });
    expect(layoutOf(columns("Currency", "MeterCategory", "ResourceId", "UsageDate", "PreTaxCost"))).toMatchObject({
      cost: 4,
      usageDate: 3,
      currency: 0,
    });
    expect(layoutOf(columns("USAGEDATE", "resourceid", "MeterCategory", "costUSD", "Currency", "Extra"))).toMatchObject({ cost: 3, width: 5 });
  });

  it.each([
    [undefined, /no columns/],
    [columns("UsageDate", "ResourceId", "MeterCategory", "Currency"), /lacks the cost column/],
    [columns("Cost", "ResourceId", "MeterCategory"), /lacks the usageDate, currency column/],
  ])("refuses %j", (cols, message) => {
    const layout = costColumnLayout(cols as ExactJson);
    expect("error" in layout && layout.error).toMatch(message);
  });
});

describe("cell readers", () => {
  it.each([
    [new JsonNumber("20261001"), "2026-10-01"],
    ["20261031", "2026-10-31"],
    ["2026-10-05T00:00:00", "2026-10-05"],
    [new JsonNumber("20260230"), null],
    [new JsonNumber("2026101"), null],
    [null, null],
    [true, null],
  ])("usage date %j → %s", (cell, day) => {
    expect(usageDateOf(cell as ExactJson)).toBe(day);
  });

  it.each([
    [new JsonNumber("12.3456789012345678901"), "12.3456789012345678901"],
    [new JsonNumber("12.50"), "12.5"],
    [new JsonNumber("-0.25"), "-0.25"],
    [new JsonNumber("4.25E-07"), "0.000000425"],
    [new JsonNumber("0"), "0"],
    ["7.10", "7.1"],
    ["abc", null],
    ["", null],
    [null, null],
    [false, null],
  ])("amount %j → %s", (cell, amount) => {
    expect(amountOf(cell as ExactJson)).toBe(amount);
  });
});

describe("normalizeCostRow", () => {
  const account = "00000000-0000-4000-8000-000000000001";
  const armId = `/subscriptions/${account}/resourceGroups/RG-Web/providers/Microsoft.Compute/virtualMachines/vm-A`;
  const resolveResourceId = createResourceIdResolver([armId]);
  const layout: CostColumnLayout = layoutOf(columns("Cost", "UsageDate", "ResourceId", "MeterCategory", "Currency"));
  const row = (text: string) => parseExactJson(text);
  const normalize = (text: string) => normalizeCostRow(row(text), layout, { account, resolveResourceId });

  it("maps a resource line, giving the lower-cased id its ARM casing back", () => {
    const result = normalize(`[12.3456789012345678, 20261007, "${armId.toLowerCase()}", "Virtual Machines", "usd"]`);
    expect(result).toEqual({
      ok: true,
      line: {
        cloud: "azure",
        account,
        periodStart: "2026-10-07",
        periodEnd: "2026-10-07",
        amount: "12.3456789012345678",
        currency: "USD",
        category: "compute",
        service: "Virtual Machines",
        resourceId: armId,
        billingDetails: { meterCategory: "Virtual Machines", costType: "ActualCost", billedResourceId: armId.toLowerCase() },
        usage: {},
        tags: {},
      },
    });
  });

  it.each([
    [`[-1.25, 20261001, "", "Tax", "EUR"]`, { amount: "-1.25", resourceId: null, category: "tax", currency: "EUR" }],
    [`[29.99, 20261001, "", "Azure Support", "USD"]`, { resourceId: null, category: "support" }],
    [
      `[0.5, 20261002, "/subscriptions/x/resourcegroups/rg/providers/microsoft.operationalinsights/workspaces/log-1", "Log Analytics", "USD"]`,
      { resourceId: "/subscriptions/x/resourcegroups/rg/providers/microsoft.operationalinsights/workspaces/log-1", category: "monitoring" },
    ],
    [`[3, 20261002, null, "Bandwidth", "USD"]`, { resourceId: null, category: "network", amount: "3" }],
  ])("maps %s", (text, expected) => {
    const result = normalize(text);
    expect(result.ok && result.line).toMatchObject(expected);
  });

  it.each([
    [`{"a":1}`, null, /not an array/],
    [`[1, 20261001, "${armId}"]`, armId, /has 3 cells/],
    [`[null, 20261001, "${armId.toLowerCase()}", "Virtual Machines", "USD"]`, armId, /cost null on 2026-10-01 is not a decimal/],
    [`["n/a", 20261001, "", "Tax", "USD"]`, null, /cost "n\/a"/],
    [`[1, 20261341, "", "Tax", "USD"]`, null, /UsageDate 20261341 is not a day/],
    [`[1, 20261001, "", 7, "USD"]`, null, /MeterCategory 7/],
    [`[1, 20261001, "", "Tax", "US Dollar"]`, null, /currency "US Dollar"/],
    [`[1, 20261001, "", "Tax", null]`, null, /currency null/],
    [`[1, 20261001, 42, "Tax", "USD"]`, null, /ResourceId 42/],
  ])("skips %s with a reason", (text, itemId, reason) => {
    const result = normalize(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.itemId).toBe(itemId);
      expect(result.reason).toMatch(reason);
    }
  });

  it("sums exactly what the rows said", () => {
    const rows = ["0.1", "0.2", "12345678901234567.000000000000000001", "-0.3"].map((amount) => normalize(`[${amount}, 20261001, "", "Tax", "USD"]`));
    expect(sumDecimals(rows.map((r) => (r.ok ? r.line.amount : "0")))).toBe("12345678901234567.000000000000000001");
  });
});

describe("cost ranges", () => {
  it("cuts a range at calendar months", () => {
    expect(monthChunks({ start: "2026-10-15", end: "2026-12-02" })).toEqual([
      { from: "2026-10-15", to: "2026-10-31" },
      { from: "2026-11-01", to: "2026-11-30" },
      { from: "2026-12-01", to: "2026-12-02" },
    ]);
    expect(monthChunks({ start: "2028-02-01", end: "2028-02-29" })).toEqual([{ from: "2028-02-01", to: "2028-02-29" }]);
    expect(monthChunks({ start: "2026-10-31", end: "2026-10-31" })).toEqual([{ from: "2026-10-31", to: "2026-10-31" }]);
  });

  it.each([
    [{ start: "2026-10-01", end: "2026-09-30" }, /after end/],
    [{ start: "2026-02-30", end: "2026-03-01" }, /CostQuery.start/],
    [{ start: "2026-10-01", end: "20261031" }, /CostQuery.end/],
  ])("refuses %j", (query, message) => {
    expect(() => parseCostRange(query)).toThrow(message);
  });

  it("asks for one custom daily period grouped by resource and meter category", () => {
    expect(costQueryBody("2026-10-01", "2026-10-31")).toEqual({
      type: "ActualCost",
      timeframe: "Custom",
      timePeriod: { from: "2026-10-01T00:00:00Z", to: "2026-10-31T23:59:59Z" },
      dataset: {
        granularity: "Daily",
        aggregation: { totalCost: { name: "Cost", function: "Sum" } },
        grouping: [
          { type: "Dimension", name: "ResourceId" },
          { type: "Dimension", name: "MeterCategory" },
        ],
      },
    });
  });
});

describe("costManagementRetryAfterPolicy", () => {
  const request = createPipelineRequest({ url: "https://127.0.0.1/" });
  const answer = (status: number, headers: Record<string, string>) => async (): Promise<PipelineResponse> => ({
    request,
    status,
    headers: createHttpHeaders(headers),
  });

  it.each([
    [429, { "x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after": "12", "x-ms-ratelimit-microsoft.costmanagement-entity-retry-after": "40", "x-ms-ratelimit-microsoft.costmanagement-tenant-retry-after": "3" }, "retry-after", "40"],
    [429, { "x-ms-ratelimit-microsoft.costmanagement-client-retry-after": "0" }, "retry-after", "0"],
    [429, {}, "retry-after-ms", "250"],
    [429, { "Retry-After": "7", "x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after": "60" }, "retry-after", "7"],
    [200, { "x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after": "60" }, "retry-after", undefined],
  ])("HTTP %i with %j → %s: %s", async (status, headers, name, value) => {
    const response = await costManagementRetryAfterPolicy(250).sendRequest(request, answer(status, headers));
    expect(response.headers.get(name)).toBe(value);
  });
});
