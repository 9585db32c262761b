import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type GcpEmulator, startGcpEmulator } from "@cloudsync/cloud-emulators";
import { sumDecimals } from "../src/common/decimal.ts";
import { CloudError, CredentialsRejectedError, ThrottledError } from "../src/errors.ts";
import { createGcpAdapter, type GcpAdapter, type GcpAdapterConfig } from "../src/gcp/index.ts";
import type { CostEvent, NormalizedCostLine, ScopeRef } from "../src/types.ts";

const OCTOBER = { start: "2026-10-01", end: "2026-10-31" };

type Failed = Extract<CostEvent, { type: "scope_failed" }>;
const linesOf = (events: CostEvent[], account?: string): NormalizedCostLine[] =>
  events.flatMap((e) => (e.type === "cost_page" && (!account || e.scope.account === account) ? e.lines : []));
const failures = (events: CostEvent[]) => events.filter((e): e is Failed => e.type === "scope_failed");
const completed = (events: CostEvent[]) => events.filter((e) => e.type === "scope_completed").map((e) => e.scope.account);
const ends = (events: CostEvent[]) => events.filter((e) => e.type === "scope_completed" || e.type === "scope_failed");
/** Identifies a line: day, SKU and resource name are unique per row of the emulator's export. */
const lineKey = (day: string, sku: unknown, resourceName: unknown) => `${day}|${String(sku)}|${String(resourceName ?? "")}`;

function adapterFor(emu: GcpEmulator, overrides: Partial<GcpAdapterConfig> = {}): GcpAdapter {
  return createGcpAdapter({
    credentials: { serviceAccountKey: emu.serviceAccountKey },
    projects: emu.projects,
    endpoint: emu.url,
    billingExportTable: emu.billingExportTable,
    costPageSize: 97,
    maxAttempts: 3,
    retryDelayMs: 1,
    timeoutMs: 5_000,
    requestsPerSecond: 10_000,
    concurrency: 3,
    ...overrides,
  });
}

async function collect(adapter: GcpAdapter, query = OCTOBER): Promise<CostEvent[]> {
  const events: CostEvent[] = [];
  for await (const event of adapter.streamCosts(query)) events.push(event);
  return events;
}

describe("GCP costs from the BigQuery billing export", () => {
  let emu: GcpEmulator;
  const adapters: GcpAdapter[] = [];
  const make = (overrides: Partial<GcpAdapterConfig> = {}) => {
    const adapter = adapterFor(emu, overrides);
    adapters.push(adapter);
    return adapter;
  };

  beforeAll(async () => {
    emu = await startGcpEmulator({ seed: 11, size: 60 });
  });
  afterEach(async () => {
    emu.faults.clear();
    await Promise.all(adapters.splice(0).map((a) => a.close()));
  });
  afterAll(async () => {
    await emu.close();
  });

  it("reads a month of daily lines per project whose sum equals the export's total exactly, over several pages", async () => {
    const events = await collect(make());
    expect(failures(events)).toEqual([]);
    expect(completed(events).sort()).toEqual([...emu.projects].sort());
    for (const project of emu.projects) {
      const lines = linesOf(events, project);
      const expected = Array.from(emu.expectedCosts(project, OCTOBER.start, OCTOBER.end));
      // Exact, as strings: no float ever touched the money.
      expect(sumDecimals(lines.map((l) => l.amount))).toBe(emu.expectedCostTotal(project, OCTOBER.start, OCTOBER.end));
      expect(lines).toHaveLength(expected.length);
      const pages = events.filter((e) => e.type === "cost_page" && e.scope.account === project);
      expect(pages.length).toBeGreaterThan(3);
      for (const page of pages) if (page.type === "cost_page") expect(page.lines.length).toBeLessThanOrEqual(97);

      // Line by line, as the emulator says each row should come out (one comparison, so it stays fast).
      const got = lines.map((l) =>
        [lineKey(l.periodStart, l.billingDetails.skuDescription, l.billingDetails.resourceName), l.periodEnd, l.amount, l.currency, l.category, l.service, l.resourceId, l.cloud, l.account].join(" "),
      );
      const want = expected.map((e) => [lineKey(e.day, e.sku, e.resourceName), e.day, e.amount, e.currency, e.category, e.service, e.resourceId, "gcp", project].join(" "));
      expect(new Set(got).size).toBe(got.length);
      expect(got.sort()).toEqual(want.sort());
      const end = ends(events).find((x) => x.scope.account === project);
      expect(end).toMatchObject({ type: "scope_completed", resourceCount: lines.length, scope: { cloud: "gcp", region: "global", kind: "costs" } });
      expect(events.indexOf(end as CostEvent)).toBeGreaterThan(events.findLastIndex((x) => x.type === "cost_page" && x.scope.account === project));
    }
    const all = linesOf(events);
    // The odd lines are there: credits and adjustments (negative), nano-precision amounts, tax and support.
    expect(all.some((l) => l.amount.startsWith("-"))).toBe(true);
    expect(all.some((l) => /\.\d{9}$/.test(l.amount))).toBe(true);
    for (const project of emu.projects) {
      expect(linesOf(events, project).filter((l) => l.category === "tax" && l.periodStart === "2026-10-01")).toHaveLength(1);
      expect(linesOf(events, project).filter((l) => l.category === "support" && l.periodStart === "2026-10-01")).toHaveLength(1);
    }
    expect(new Set(all.map((l) => l.category))).toEqual(new Set(["compute", "storage", "network", "database", "monitoring", "support", "tax"]));
    const credited = all.find((l) => l.billingDetails.credits !== undefined && l.billingDetails.credits !== "0");
    expect(credited?.amount).toBe(sumDecimals([credited?.billingDetails.grossCost as string, credited?.billingDetails.credits as string]));
    const core = all.find((l) => String(l.billingDetails.skuDescription).includes("Instance Core") && l.usage.quantity !== "0");
    expect(core?.usage).toMatchObject({ unit: "hour" });
    expect(core?.billingDetails.resourceGlobalName).toMatch(/^\/\/compute\.googleapis\.com\/projects\/.+\/instances\/\d+$/);
  });

  it("links VM and disk lines to the inventory's resource ids, and nothing else", async () => {
    const adapter = make();
    const project = emu.projects[0] as string;
    const inventory = new Set<string>();
    for await (const event of adapter.streamResources({ kinds: ["gce_instance", "gce_disk"] })) {
      if (event.type === "page" && event.scope.account === project) for (const r of event.resources) inventory.add(r.resourceId);
    }
    const lines = linesOf(await collect(adapter, { start: "2026-10-03", end: "2026-10-03" }), project);
    const linked = lines.filter((l) => l.resourceId !== null);
    expect(new Set(linked.map((l) => l.resourceId))).toEqual(inventory);
    for (const l of lines.filter((x) => x.resourceId === null)) expect(l.billingDetails.resourceGlobalName ?? "").not.toMatch(/\/(instances|disks)\/\d+$/);
    const labelled = linked.find((l) => Object.keys(l.tags).length > 0);
    expect(labelled?.tags).toHaveProperty("env");
  });

  it("asks the rate limiter before every page call, keyed by project", async () => {
    const keys: string[] = [];
    const rateLimiter = { acquire: async (k: string) => void keys.push(k) };
    const project = emu.projects[1] as string;
    const before = emu.requestCount(`@${project}`);
    // Small pages, so the query is followed over several of them whatever the estate's mix of kinds.
    const events = await collect(make({ rateLimiter, projects: [project], costPageSize: 20 }), { start: "2026-10-01", end: "2026-10-05" });
    expect(failures(events)).toEqual([]);
    const requests = emu.requestCount(`@${project}`) - before;
    expect(requests).toBeGreaterThan(1);
    expect(keys.filter((k) => k === `${project}/bigquery/queries`)).toHaveLength(requests);
  });

  it("runs the query jobs in billingQueryProject when given, else in the export table's project", async () => {
    const [tableProject, jobProject] = emu.projects as [string, string];
    const day = { start: "2026-10-09", end: "2026-10-09" };
    const before = emu.requestCount(`${jobProject}/bigquery/queries`);
    expect(failures(await collect(make({ billingQueryProject: jobProject }), day))).toEqual([]);
    expect(emu.requestCount(`${jobProject}/bigquery/queries`) - before).toBe(emu.projects.length);
    const beforeDefault = emu.requestCount(`${tableProject}/bigquery/queries`);
    expect(failures(await collect(make(), day))).toEqual([]);
    expect(emu.requestCount(`${tableProject}/bigquery/queries`) - beforeDefault).toBe(emu.projects.length);
  });

  it("retries throttling and 5xx with the SDK's retryer and still sums exactly", async () => {
    const project = emu.projects[0] as string;
    const before = emu.requestCount(`@${project}`);
    emu.faults.set({ throttle: 2, serverErrors: 1, match: `@${project}` });
    const week = { start: "2026-10-05", end: "2026-10-11" };
    const events = await collect(make({ maxAttempts: 4, projects: [project] }), week);
    expect(failures(events)).toEqual([]);
    expect(sumDecimals(linesOf(events, project).map((l) => l.amount))).toBe(emu.expectedCostTotal(project, week.start, week.end));
    const pages = events.filter((e) => e.type === "cost_page" && e.scope.account === project).length;
    expect(emu.requestCount(`@${project}`) - before).toBe(pages + 3);
  });

  it("fails only the throttled project with ThrottledError once maxAttempts are spent", async () => {
    const [throttled, ...others] = emu.projects as [string, ...string[]];
    emu.faults.set({ throttle: 1_000, match: `@${throttled}` });
    const before = emu.requestCount(`@${throttled}`);
    const events = await collect(make({ maxAttempts: 3 }), { start: "2026-10-05", end: "2026-10-06" });
    const failed = failures(events);
    expect(failed.map((f) => f.scope)).toEqual([{ cloud: "gcp", account: throttled, region: "global", kind: "costs" } satisfies ScopeRef]);
    expect(failed[0]?.error).toBeInstanceOf(ThrottledError);
    expect(failed[0]?.error.message).toContain(throttled);
    expect(emu.requestCount(`@${throttled}`) - before).toBe(3);
    expect(completed(events).sort()).toEqual([...others].sort());
    expect(linesOf(events, throttled)).toEqual([]);
  });

  it("rejects refused credentials with CredentialsRejectedError, without the key", async () => {
    emu.faults.set({ rejectCredentials: true });
    const failed = failures(await collect(make()));
    expect(failed).toHaveLength(emu.projects.length);
    for (const f of failed) {
      expect(f.error).toBeInstanceOf(CredentialsRejectedError);
      expect(f.error.message).toMatch(/invalid_grant/);
      assertNoSecret(f.error, emu);
    }
  });

  it("fails with CredentialsRejectedError, without retrying, when BigQuery refuses an issued token", async () => {
    const adapter = make({ maxAttempts: 4 });
    expect(failures(await collect(adapter, { start: "2026-10-02", end: "2026-10-02" }))).toEqual([]);
    emu.faults.set({ rejectCredentials: true });
    const before = emu.requestCount("bigquery");
    const failed = failures(await collect(adapter, { start: "2026-10-02", end: "2026-10-02" }));
    expect(failed).toHaveLength(emu.projects.length);
    for (const f of failed) {
      expect(f.error).toBeInstanceOf(CredentialsRejectedError);
      expect(f.error.message).toMatch(/BigQuery API answered 401/);
      assertNoSecret(f.error, emu);
    }
    expect(emu.requestCount("bigquery") - before).toBe(emu.projects.length);
  });

  it("skips a malformed row and reports it while the rest of its page arrives", async () => {
    const project = emu.projects[0] as string;
    const day = "2026-10-07";
    const expected = Array.from(emu.expectedCosts(project, day, day));
    const broken = expected.find((e) => e.resourceId !== null && e.rowKey === `${e.resourceId}@${day}`);
    expect(broken).toBeDefined();
    emu.faults.set({ malformedItemIds: [broken?.rowKey as string] });
    const events = await collect(make({ costPageSize: 10_000 }), { start: day, end: day });
    const skipped = events.filter((e) => e.type === "item_skipped");
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({ itemId: broken?.resourceId, scope: { account: project, kind: "costs" } });
    expect(skipped[0]?.type === "item_skipped" && skipped[0].reason).toMatch(/usage day/);
    const lines = linesOf(events, project);
    expect(lines).toHaveLength(expected.length - 1);
    // Everything else of that single page arrived: the total lacks exactly the broken row.
    expect(sumDecimals([...lines.map((l) => l.amount), broken?.amount as string])).toBe(emu.expectedCostTotal(project, day, day));
    expect(failures(events)).toEqual([]);
  });

  it("polls a query job that is not complete yet", async () => {
    emu.setQueryPendingPolls(2);
    const project = emu.projects[2] as string;
    const events = await collect(make({ projects: [project] }), { start: "2026-10-10", end: "2026-10-12" });
    expect(failures(events)).toEqual([]);
    expect(sumDecimals(linesOf(events).map((l) => l.amount))).toBe(emu.expectedCostTotal(project, "2026-10-10", "2026-10-12"));
  });

  it("fails a scope whose query answers slower than its deadline, and completes the others", async () => {
    const slow = emu.projects[1] as string;
    emu.faults.set({ delayMs: 400, match: `@${slow}` });
    const events = await collect(make({ timeoutMs: 100, maxAttempts: 1 }), { start: "2026-10-01", end: "2026-10-01" });
    const failed = failures(events);
    expect(failed.map((f) => f.scope.account)).toEqual([slow]);
    expect(failed[0]?.error).toBeInstanceOf(CloudError);
    expect(failed[0]?.error.message).toMatch(/did not answer within 100 ms/);
    expect(completed(events)).toHaveLength(emu.projects.length - 1);
  });

  it("fails every cost scope clearly when no export table is configured, or when the table does not exist", async () => {
    const missing = failures(await collect(make({ billingExportTable: undefined })));
    expect(missing).toHaveLength(emu.projects.length);
    for (const f of missing) expect(f.error.message).toMatch(/set billingExportTable/);
    const wrong = failures(await collect(make({ billingExportTable: `${emu.projects[0]}.billing_export.gcp_billing_export_resource_v1_FFFFFF_FFFFFF_FFFFFF` })));
    expect(wrong).toHaveLength(emu.projects.length);
    for (const f of wrong) expect(f.error.message).toMatch(/was not found/);
  });

  it("stops when aborted, ending every scope once and the unfinished ones as failed", async () => {
    const controller = new AbortController();
    const events: CostEvent[] = [];
    for await (const event of make({ concurrency: 1 }).streamCosts({ ...OCTOBER, signal: controller.signal })) {
      events.push(event);
      if (event.type === "cost_page") controller.abort(new Error("sync cancelled"));
    }
    expect(ends(events).map((e) => e.scope.account).sort()).toEqual([...emu.projects].sort());
    expect(failures(events)).toHaveLength(emu.projects.length);
    for (const f of failures(events)) expect(f.error.message).toMatch(/aborted/);
  });

  it("refuses a billingExportTable that is not three plain identifiers, and a malformed window", async () => {
    for (const table of ["billing.export", "p-123456.ds.t; DROP TABLE x", "p-123456.ds.`t`", "p-123456.ds.t--", "p-123456.d s.t", "P-UPPER.ds.t"]) {
      expect(() => adapterFor(emu, { billingExportTable: table }), table).toThrow(/billingExportTable must be "project\.dataset\.table"/);
    }
    expect(() => adapterFor(emu, { billingQueryProject: "../../other" })).toThrow(/billingQueryProject must be a GCP project id/);
    const adapter = make();
    await expect(collect(adapter, { start: "2026-10-31", end: "2026-10-01" })).rejects.toThrow(RangeError);
    await expect(collect(adapter, { start: "2026-1-1", end: "2026-10-01" })).rejects.toThrow(/YYYY-MM-DD/);
  });
});

describe("GCP costs from a standard (service-level) billing export", () => {
  it("falls back to the query without resource columns, says so, and still sums exactly", async () => {
    const emu = await startGcpEmulator({ seed: 12, size: 30, billingExport: "standard" });
    const warnings: string[] = [];
    const adapter = adapterFor(emu, { logger: { debug: () => undefined, warn: (_o, msg) => void warnings.push(msg ?? "") } });
    try {
      const events = await collect(adapter, { start: "2026-10-01", end: "2026-10-03" });
      expect(failures(events)).toEqual([]);
      for (const project of emu.projects) {
        const lines = linesOf(events, project);
        expect(sumDecimals(lines.map((l) => l.amount))).toBe(emu.expectedCostTotal(project, "2026-10-01", "2026-10-03"));
        for (const l of lines) expect(l.resourceId).toBeNull();
      }
      expect(warnings.some((w) => /standard export/.test(w))).toBe(true);
    } finally {
      await adapter.close();
      await emu.close();
    }
  });
});

function assertNoSecret(error: Error, source: { serviceAccountKey: { private_key: string; private_key_id: string } }) {
  const body = source.serviceAccountKey.private_key.split("\n")[1] as string;
  const text = `${error.message} ${error.stack ?? ""} ${JSON.stringify(error)} ${String((error as { cause?: unknown }).cause ?? "")}`;
  expect(text).not.toContain(body);
  expect(text).not.toContain(source.serviceAccountKey.private_key_id);
  expect(text).not.toMatch(/eyJhbGciOi/);
  expect(text).not.toMatch(/ya29\./);
}
