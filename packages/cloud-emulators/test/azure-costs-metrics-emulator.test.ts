import { request } from "node:https";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type AzureEmulator, startAzureEmulator } from "../src/azure/index.ts";
import { billLines, daysBetween, decodeBillCursor, encodeBillCursor } from "../src/azure/billing.ts";
import { exactSum } from "../src/azure/decimal.ts";
import { AzureEstate } from "../src/azure/estate.ts";

/**
 * The emulator's Cost Management query and Azure Monitor metrics endpoints on the wire, with a
 * plain HTTPS client: shapes, paging, exact amounts in the raw text, errors and faults.
 */

// biome-ignore lint/suspicious/noExplicitAny: the tests read wire JSON field by field
type Json = any;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: Json;
}

function call(emu: AzureEmulator, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, emu.url), { method: init.method ?? "GET", headers: init.headers, ca: emu.caCertificate }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: text ? JSON.parse(text) : null });
      });
    });
    req.on("error", reject);
    req.end(init.body);
  });
}

let emu: AzureEmulator;
let auth: Record<string, string>;

beforeAll(async () => {
  emu = await startAzureEmulator({ seed: 11, size: 60, subscriptions: 3, costPageSize: 25 });
  const form = new URLSearchParams({ grant_type: "client_credentials", client_id: emu.clientId, client_secret: emu.clientSecret, scope: `${emu.url}/.default` });
  const token = await call(emu, `/${emu.tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form.toString(),
  });
  auth = { authorization: `Bearer ${token.body.access_token}`, "content-type": "application/json" };
});
afterAll(async () => {
  await emu?.close();
});
afterEach(() => {
  emu.faults.clear();
});

const queryBody = (from: string, to: string, grouping = ["ResourceId", "MeterCategory"]) =>
  JSON.stringify({
    type: "ActualCost",
    timeframe: "Custom",
    timePeriod: { from: `${from}T00:00:00Z`, to: `${to}T23:59:59Z` },
    dataset: {
      granularity: "Daily",
      aggregation: { totalCost: { name: "Cost", function: "Sum" } },
      grouping: grouping.map((name) => ({ type: "Dimension", name })),
    },
  });

const queryPath = (sub: string) => `/subscriptions/${sub}/providers/Microsoft.CostManagement/query?api-version=2023-11-01`;

/** Cost cells as the raw text writes them (JSON.parse would round them). */
function rawCosts(text: string): string[] {
  const rows = text.slice(text.indexOf('"rows":[') + 8);
  return [...rows.matchAll(/\[(-?[\d.eE+-]+|null),\d{8},/g)].map((m) => m[1] as string);
}

async function queryAll(sub: string, from: string, to: string): Promise<{ pages: Answer[]; costs: string[] }> {
  const pages: Answer[] = [];
  const costs: string[] = [];
  let url: string | null = queryPath(sub);
  while (url) {
    const answer: Answer = await call(emu, url, { method: "POST", headers: auth, body: queryBody(from, to) });
    expect(answer.status).toBe(200);
    pages.push(answer);
    costs.push(...rawCosts(answer.text));
    url = answer.body.properties.nextLink;
  }
  return { pages, costs };
}

describe("azure emulator: Cost Management query", () => {
  it("answers the documented shape, with the columns naming the row order", async () => {
    const sub = emu.subscriptions[0] as string;
    const answer = await call(emu, queryPath(sub), { method: "POST", headers: auth, body: queryBody("2026-10-01", "2026-10-31") });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ type: "Microsoft.CostManagement/query", properties: { columns: expect.any(Array), rows: expect.any(Array) } });
    expect(answer.body.properties.columns).toEqual([
      { name: "Cost", type: "Number" },
      { name: "UsageDate", type: "Number" },
      { name: "ResourceId", type: "String" },
      { name: "MeterCategory", type: "String" },
      { name: "Currency", type: "String" },
    ]);
    expect(answer.body.properties.rows).toHaveLength(25);
    const [cost, date, id, meter, currency] = answer.body.properties.rows[0];
    expect(typeof cost).toBe("number");
    expect(date).toBeGreaterThanOrEqual(20261001);
    expect(id).toBe(id.toLowerCase());
    expect(typeof meter).toBe("string");
    expect(currency).toBe("USD");
    expect(answer.body.properties.nextLink).toMatch(new RegExp(`^${emu.url}/subscriptions/${sub}/providers/Microsoft.CostManagement/query\\?api-version=2023-11-01&%24skiptoken=`));
    expect(answer.headers["x-ms-ratelimit-microsoft.costmanagement-qpu-remaining"]).toBeDefined();
  });

  it("pages through the whole bill; the raw amounts sum exactly to expectedCostTotal", async () => {
    for (const sub of emu.subscriptions) {
      const { pages, costs } = await queryAll(sub, "2026-10-01", "2026-10-31");
      const expected = [...emu.expectedCosts(sub, "2026-10-01", "2026-10-31")];
      expect(pages.length).toBe(Math.ceil(expected.length / 25));
      expect(costs).toEqual(expected.map((l) => l.amount));
      expect(exactSum(costs)).toBe(emu.expectedCostTotal(sub, "2026-10-01", "2026-10-31"));
      expect(pages.at(-1)?.body.properties.nextLink).toBeNull();
    }
  });

  it("writes amounts that floats cannot hold, refunds, exponents, tax and support lines", () => {
    const lines = emu.subscriptions.flatMap((s) => [...emu.expectedCosts(s, "2026-10-01", "2026-10-31")]);
    expect(lines.some((l) => (l.amount.split(".")[1] ?? "").length >= 16 && String(Number(l.amount)) !== l.amount)).toBe(true);
    expect(lines.some((l) => l.amount.startsWith("-"))).toBe(true);
    expect(lines.some((l) => /E-0\d$/.test(l.amount))).toBe(true);
    for (const sub of emu.subscriptions) {
      const mine = lines.filter((l) => l.currency && l.billedResourceId === "" && l.date === "2026-10-01");
      expect(mine.map((l) => l.meterCategory).sort()).toEqual(expect.arrayContaining(["Azure Support", "Tax"]));
      expect(lines.filter((l) => l.meterCategory === "Tax" && l.date === "2026-10-01").length).toBe(emu.subscriptions.length);
      expect(sub).toBeTruthy();
    }
    expect(new Set(emu.subscriptions.map((s) => [...emu.expectedCosts(s, "2026-10-01", "2026-10-01")][0]?.currency))).toEqual(new Set(["USD", "EUR"]));
  });

  it("is the same for the same seed, and amounts depend on the day only, not the query range", async () => {
    const twin = await startAzureEmulator({ seed: 11, size: 60, subscriptions: 3 });
    try {
      const sub = emu.subscriptions[1] as string;
      expect(twin.expectedCostTotal(sub, "2026-10-01", "2026-10-31")).toBe(emu.expectedCostTotal(sub, "2026-10-01", "2026-10-31"));
      const whole = emu.expectedCostTotal(sub, "2026-10-01", "2026-11-30");
      expect(exactSum([emu.expectedCostTotal(sub, "2026-10-01", "2026-10-31"), emu.expectedCostTotal(sub, "2026-11-01", "2026-11-30")])).toBe(whole);
    } finally {
      await twin.close();
    }
  });

  it("serves a bill page deep inside a million-resource estate without building it", () => {
    const estate = new AzureEstate({ seed: 5, size: 1_000_000, subscriptions: ["s-1", "s-2"] });
    const cursor = decodeBillCursor(encodeBillCursor({ p: 400_000, d: 3, m: 0 }));
    expect(cursor).toEqual({ p: 400_000, d: 3, m: 0 });
    const lines = [];
    for (const { line } of billLines(estate, "s-2", daysBetween("2026-10-01", "2026-10-31"), cursor ?? undefined)) {
      lines.push(line);
      if (lines.length === 50) break;
    }
    expect(lines).toHaveLength(50);
    expect(lines[0]?.date).toMatch(/^2026-10-/);
  });

  it("refuses what it does not serve", async () => {
    const sub = emu.subscriptions[0] as string;
    const cases: [string, string, string, number, RegExp][] = [
      ["POST", queryPath(sub), queryBody("2026-10-01", "2026-10-31", ["ResourceGroup"]), 400, /grouping/],
      ["POST", queryPath(sub), queryBody("2026-10-31", "2026-10-01"), 400, /after/],
      ["POST", queryPath(sub), "not json", 400, /not JSON/],
      ["POST", queryPath(sub).replace("2023-11-01", "1999-01-01"), queryBody("2026-10-01", "2026-10-31"), 400, /api-version/],
      ["POST", `${queryPath(sub)}&$skiptoken=bogus`, queryBody("2026-10-01", "2026-10-31"), 400, /skiptoken/],
      ["GET", queryPath(sub), "", 405, /takes POST/],
      ["POST", queryPath("99999999-9999-4999-8999-999999999999"), queryBody("2026-10-01", "2026-10-31"), 404, /could not be found/],
    ];
    for (const [method, path, body, status, message] of cases) {
      const answer = await call(emu, path, { method, headers: auth, body });
      expect(answer.status).toBe(status);
      expect(answer.body.error.message).toMatch(message);
    }
    const unauthenticated = await call(emu, queryPath(sub), { method: "POST", body: queryBody("2026-10-01", "2026-10-31") });
    expect(unauthenticated.status).toBe(401);
  });

  it("throttles with Cost Management's own retry-after headers, then recovers", async () => {
    const sub = emu.subscriptions[0] as string;
    emu.faults.set({ throttle: 1, match: "costManagement.query" });
    const throttled = await call(emu, queryPath(sub), { method: "POST", headers: auth, body: queryBody("2026-10-01", "2026-10-01") });
    expect(throttled.status).toBe(429);
    expect(throttled.headers["x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after"]).toBe("0");
    expect(throttled.headers["x-ms-ratelimit-microsoft.costmanagement-entity-retry-after"]).toBe("0");
    expect(throttled.headers["retry-after"]).toBeUndefined();
    const ok = await call(emu, queryPath(sub), { method: "POST", headers: auth, body: queryBody("2026-10-01", "2026-10-01") });
    expect(ok.status).toBe(200);
  });

  it("serves a malformed resource's rows with a null cost", async () => {
    const sub = emu.subscriptions[0] as string;
    const victim = [...emu.expectedCosts(sub, "2026-10-01", "2026-10-01")][0]?.resourceId as string;
    emu.faults.set({ malformedItemIds: [victim] });
    const answer = await call(emu, queryPath(sub), { method: "POST", headers: auth, body: queryBody("2026-10-01", "2026-10-01") });
    const rows = answer.body.properties.rows as Json[][];
    const broken = rows.filter((r) => r[2] === victim.toLowerCase());
    expect(broken.length).toBeGreaterThan(0);
    for (const r of broken) expect(r[0]).toBeNull();
    expect(rows.filter((r) => r[0] === null)).toHaveLength(broken.length);
  });
});

describe("azure emulator: Azure Monitor metrics", () => {
  const timespan = "2026-10-01T00:00:00Z/2026-10-01T00:20:00Z";
  const names = "Percentage CPU,Network In Total,Network Out Total,OS Disk Bandwidth Consumed Percentage,Available Memory Bytes";
  const metricsPath = (id: string, params: Record<string, string> = {}) => {
    const q = new URLSearchParams({ "api-version": "2018-01-01", timespan, interval: "PT5M", metricnames: names, aggregation: "Average,Total", ...params });
    return `${id}/providers/Microsoft.Insights/metrics?${q}`;
  };
  const vms = () => [...emu.expected()].filter((r) => r.kind === "azure_vm");
  const window = [new Date("2026-10-01T00:00:00Z"), new Date("2026-10-01T00:20:00Z")] as const;

  it("answers Azure Monitor's Response shape with the raw numbers of expectedMetrics", async () => {
    const vm = vms().find((v) => (emu.expectedMetrics(v.resourceId, ...window)?.points.length ?? 0) > 0);
    if (!vm) throw new Error("no running VM");
    const answer = await call(emu, metricsPath(vm.resourceId), { headers: auth });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ timespan, interval: "PT5M", namespace: "Microsoft.Compute/virtualMachines", cost: 20 });
    expect(answer.body.value.map((m: Json) => [m.name.value, m.unit])).toEqual([
      ["Percentage CPU", "Percent"],
      ["Network In Total", "Bytes"],
      ["Network Out Total", "Bytes"],
      ["OS Disk Bandwidth Consumed Percentage", "Percent"],
      ["Available Memory Bytes", "Bytes"],
    ]);
    const expected = emu.expectedMetrics(vm.resourceId, ...window);
    const [cpu, netIn, , disk, memory] = answer.body.value.map((m: Json) => m.timeseries[0].data);
    expect(cpu.map((d: Json) => d.timeStamp)).toEqual(["2026-10-01T00:00:00Z", "2026-10-01T00:05:00Z", "2026-10-01T00:10:00Z", "2026-10-01T00:15:00Z"]);
    expected?.points.forEach((p, i) => {
      expect(cpu[i].average).toBe(p.percentageCpu);
      expect(netIn[i].total).toBe(p.networkInTotalBytes);
      expect(netIn[i].average).toBe(p.networkInTotalBytes / 5);
      expect(disk[i].average).toBe(p.osDiskBandwidthConsumedPercentage);
      expect(memory[i].average).toBe(p.availableMemoryBytes);
    });
  });

  it("serves timestamps without values for a VM that is not running", async () => {
    const vm = vms().find((v) => v.status === "stopped");
    if (!vm) throw new Error("no stopped VM");
    const answer = await call(emu, metricsPath(vm.resourceId), { headers: auth });
    expect(answer.status).toBe(200);
    for (const m of answer.body.value) for (const d of m.timeseries[0].data) expect(Object.keys(d)).toEqual(["timeStamp"]);
    expect(emu.expectedMetrics(vm.resourceId, ...window)?.points).toEqual([]);
  });

  it("has VMs above the warning and the critical CPU lines", async () => {
    const larger = await startAzureEmulator({ seed: 11, size: 400, subscriptions: 2 });
    try {
      const running = [...larger.expected()].filter((r) => r.kind === "azure_vm" && r.status === "running");
      const cpus = running.flatMap((v) => larger.expectedMetrics(v.resourceId, ...window)?.points.map((p) => p.percentageCpu) ?? []);
      expect(cpus).toHaveLength(running.length * 4);
      expect(cpus.some((c) => c >= 95)).toBe(true);
      expect(cpus.some((c) => c >= 80 && c < 95)).toBe(true);
      expect(cpus.some((c) => c < 80)).toBe(true);
    } finally {
      await larger.close();
    }
  });

  it("refuses what Azure Monitor refuses", async () => {
    const vm = vms()[0]?.resourceId as string;
    const other = [...emu.expected()].find((r) => r.kind === "azure_disk")?.resourceId as string;
    const cases: [string, number, string, RegExp][] = [
      [metricsPath(vm, { metricnames: "Percentage CPU,Bogus Metric" }), 400, "BadRequest", /metric: Bogus Metric/],
      [metricsPath(vm, { interval: "PT7M" }), 400, "BadRequest", /Invalid interval/],
      [metricsPath(vm, { timespan: "yesterday" }), 400, "BadRequest", /Invalid timespan/],
      [metricsPath(vm, { aggregation: "Median" }), 400, "BadRequest", /Invalid aggregation/],
      [metricsPath(other), 400, "BadRequest", /provider: Microsoft.Compute, resource Type: disks/],
    ];
    for (const [path, status, code, message] of cases) {
      const answer = await call(emu, path, { headers: auth });
      expect(answer.status).toBe(status);
      expect(answer.body.code).toBe(code);
      expect(answer.body.message).toMatch(message);
    }
    const missing = await call(emu, metricsPath(vm.replace(/-[0-9a-z]+$/, "-zzzzzz")), { headers: auth });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("ResourceNotFound");
  });

  it("applies throttle and malformed faults to metrics", async () => {
    const vm = vms().find((v) => (emu.expectedMetrics(v.resourceId, ...window)?.points.length ?? 0) > 0)?.resourceId as string;
    emu.faults.set({ throttle: 1, match: "metrics.list" });
    const throttled = await call(emu, metricsPath(vm), { headers: auth });
    expect(throttled.status).toBe(429);
    expect(throttled.headers["retry-after"]).toBe("0");
    emu.faults.set({ malformedItemIds: [vm.toUpperCase()] });
    const broken = await call(emu, metricsPath(vm), { headers: auth });
    expect(broken.status).toBe(200);
    for (const m of broken.body.value) expect(m.name).toBeUndefined();
    expect(emu.requestCount("metrics.list")).toBeGreaterThanOrEqual(2);
  });
});
