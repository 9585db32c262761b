import { type AzureEmulator, startAzureEmulator } from "@cloudsync/cloud-emulators";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type AzureAdapterConfig, createAzureAdapter } from "../src/azure/index.ts";
import { normalizeDecimal, sumDecimals } from "../src/common/decimal.ts";
import { createRateLimiter, type RateLimiter } from "../src/common/rate-limiter.ts";
import { CredentialsRejectedError, ThrottledError } from "../src/errors.ts";
import type { CostEvent, NormalizedCostLine, ScopeRef } from "../src/types.ts";

/**
 * Daily costs through Cost Management's query API (core-rest-pipeline over real HTTPS) against
 * the emulator: exact totals, paging, ARM id casing, throttling, credentials, malformed rows.
 */

let emu: AzureEmulator;
const october = { start: "2026-10-01", end: "2026-10-31" } as const;

beforeAll(async () => {
  emu = await startAzureEmulator({ seed: "costs", size: 90, subscriptions: 3, costPageSize: 40 });
});
afterAll(async () => {
  await emu?.close();
});
afterEach(() => {
  emu.faults.clear();
});

function adapterFor(overrides: Partial<AzureAdapterConfig> = {}) {
  return createAzureAdapter({
    credentials: { tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, authorityHost: emu.authorityHost },
    subscriptions: emu.subscriptions,
    endpoint: emu.endpoint,
    caCertificate: emu.caCertificate,
    maxAttempts: 3,
    retryDelayInMs: 5,
    maxRetryDelayInMs: 20,
    timeoutMs: 10_000,
    ...overrides,
  });
}

interface Collected {
  lines: NormalizedCostLine[];
  pages: { scope: ScopeRef; size: number }[];
  skipped: Extract<CostEvent, { type: "item_skipped" }>[];
  completed: Extract<CostEvent, { type: "scope_completed" }>[];
  failed: Extract<CostEvent, { type: "scope_failed" }>[];
  order: string[];
}

async function collect(stream: AsyncIterable<CostEvent>): Promise<Collected> {
  const out: Collected = { lines: [], pages: [], skipped: [], completed: [], failed: [], order: [] };
  for await (const event of stream) {
    out.order.push(`${event.scope.account}:${event.type}`);
    if (event.type === "cost_page") {
      out.pages.push({ scope: event.scope, size: event.lines.length });
      out.lines.push(...event.lines);
    } else if (event.type === "item_skipped") out.skipped.push(event);
    else if (event.type === "scope_completed") out.completed.push(event);
    else out.failed.push(event);
  }
  return out;
}

const key = (l: { resourceId: string | null; date?: string; periodStart?: string; meterCategory?: string; service?: string; amount: string }) =>
  `${l.resourceId ?? "-"}|${l.date ?? l.periodStart}|${l.meterCategory ?? l.service}|${normalizeDecimal(l.amount)}`;

describe("azure costs against the emulator", () => {
  it("sums a month of daily lines per subscription exactly to the bill, across many pages", async () => {
    const got = await collect(adapterFor().streamCosts(october));
    expect(got.failed).toEqual([]);
    expect(got.skipped).toEqual([]);
    expect(got.completed.map((c) => c.scope).sort((a, b) => a.account.localeCompare(b.account))).toEqual(
      [...emu.subscriptions].sort().map((account) => ({ cloud: "azure", account, region: "global", kind: "costs" })),
    );
    for (const account of emu.subscriptions) {
      const mine = got.lines.filter((l) => l.account === account);
      const expected = [...emu.expectedCosts(account, october.start, october.end)];
      // String equality of exact sums: no float ever touched an amount.
      expect(sumDecimals(mine.map((l) => l.amount))).toBe(emu.expectedCostTotal(account, october.start, october.end));
      expect(mine.map(key).sort()).toEqual(expected.map(key).sort());
      expect(got.completed.find((c) => c.scope.account === account)?.resourceCount).toBe(mine.length);
      // Several API pages of at most 40 rows each, one event per page.
      const pages = got.pages.filter((p) => p.scope.account === account);
      expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(expected.length / 40));
      expect(Math.max(...pages.map((p) => p.size))).toBeLessThanOrEqual(40);
      // The scope's end comes after all its pages.
      const events = got.order.filter((e) => e.startsWith(`${account}:`));
      expect(events.at(-1)).toBe(`${account}:scope_completed`);
    }

    for (const l of got.lines) {
      expect(l.periodStart).toBe(l.periodEnd);
      expect(l.periodStart >= october.start && l.periodEnd <= october.end).toBe(true);
      expect(l.amount).toBe(normalizeDecimal(l.amount));
    }
    // The bill has what a real one has: many digits, refunds, tax and support, several categories and currencies.
    expect(got.lines.some((l) => (l.amount.split(".")[1] ?? "").length >= 16)).toBe(true);
    expect(got.lines.some((l) => l.amount.startsWith("-"))).toBe(true);
    expect(got.lines.some((l) => l.amount.startsWith("0.0000"))).toBe(true);
    const categories = new Set(got.lines.map((l) => l.category));
    for (const c of ["compute", "storage", "network", "database", "monitoring", "support", "tax"]) expect(categories).toContain(c);
    for (const l of got.lines.filter((l) => l.category === "tax" || l.category === "support")) {
      expect(l.resourceId).toBeNull();
      expect(l.periodStart).toBe("2026-10-01");
    }
    expect(new Set(got.lines.map((l) => l.currency))).toEqual(new Set(["USD", "EUR"]));
  });

  it("gives resource lines the resource adapter's ARM id, casing included", async () => {
    const [account] = emu.subscriptions as [string];
    const got = await collect(adapterFor({ subscriptions: [account] }).streamCosts({ start: "2026-10-03", end: "2026-10-04" }));
    const inventory = new Set([...emu.expected()].map((r) => r.resourceId));
    const withIds = got.lines.filter((l) => l.resourceId !== null && l.service !== "Log Analytics");
    expect(withIds.length).toBeGreaterThan(0);
    for (const l of withIds) expect(inventory.has(l.resourceId as string)).toBe(true);
    // Resource groups created in upper case keep it, though Cost Management lower-cased them.
    expect(withIds.some((l) => /\/resourceGroups\/RG-/.test(l.resourceId as string))).toBe(true);
    for (const l of withIds) expect(l.billingDetails.billedResourceId).toBe((l.resourceId as string).toLowerCase());
    // A workspace the inventory does not list keeps the id as billed.
    const workspace = got.lines.find((l) => l.service === "Log Analytics");
    expect(workspace?.resourceId).toMatch(/^\/subscriptions\/.*\/microsoft\.operationalinsights\/workspaces\//);
    expect(workspace?.category).toBe("monitoring");
  });

  it("reads a range over several months with one query per month, still exact", async () => {
    const account = emu.subscriptions[2] as string;
    const range = { start: "2026-10-20", end: "2026-12-03" };
    const before = emu.requestCount("costManagement.query");
    const got = await collect(adapterFor({ subscriptions: [account] }).streamCosts(range));
    expect(got.failed).toEqual([]);
    expect(sumDecimals(got.lines.map((l) => l.amount))).toBe(emu.expectedCostTotal(account, range.start, range.end));
    expect(new Set(got.lines.filter((l) => l.category === "tax").map((l) => l.periodStart))).toEqual(new Set(["2026-11-01", "2026-12-01"]));
    expect(emu.requestCount("costManagement.query") - before).toBe(got.pages.length);
  });

  it("retries Cost Management's throttling (its own retry-after headers) and 5xx answers, then completes", async () => {
    const account = emu.subscriptions[0] as string;
    const before = emu.requestCount("costManagement.query");
    emu.faults.set({ throttle: 2, serverErrors: 1, match: "costManagement.query" });
    const got = await collect(adapterFor({ subscriptions: [account], maxAttempts: 4 }).streamCosts(october));
    expect(got.failed).toEqual([]);
    expect(sumDecimals(got.lines.map((l) => l.amount))).toBe(emu.expectedCostTotal(account, october.start, october.end));
    expect(emu.faults.plan.throttle).toBe(0);
    expect(emu.faults.plan.serverErrors).toBe(0);
    expect(emu.requestCount("costManagement.query") - before).toBe(got.pages.length + 3);
  });

  it("fails only the throttled subscription with ThrottledError once retries are spent", async () => {
    const [throttled, ...others] = emu.subscriptions as [string, ...string[]];
    emu.faults.set({ throttle: 1000, match: `costManagement.query /subscriptions/${throttled}` });
    const got = await collect(adapterFor({ maxAttempts: 2 }).streamCosts(october));
    expect(got.failed).toHaveLength(1);
    expect(got.failed[0]?.scope).toEqual({ cloud: "azure", account: throttled, region: "global", kind: "costs" });
    expect(got.failed[0]?.error).toBeInstanceOf(ThrottledError);
    expect(got.failed[0]?.error.message).toMatch(/costManagement\.query/);
    expect(got.completed.map((c) => c.scope.account).sort()).toEqual([...others].sort());
    for (const account of others) {
      expect(sumDecimals(got.lines.filter((l) => l.account === account).map((l) => l.amount))).toBe(
        emu.expectedCostTotal(account, october.start, october.end),
      );
    }
  });

  it("reports a wrong client secret as CredentialsRejectedError for every subscription, without the secret", async () => {
    const secret = "definitely-not-the-secret-4242";
    const got = await collect(
      adapterFor({ credentials: { tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: secret, authorityHost: emu.authorityHost } }).streamCosts(october),
    );
    expect(got.completed).toEqual([]);
    expect(got.failed).toHaveLength(emu.subscriptions.length);
    for (const f of got.failed) {
      expect(f.error).toBeInstanceOf(CredentialsRejectedError);
      expect(f.error.message).not.toContain(secret);
    }
  });

  it("reports Cost Management refusing the token as CredentialsRejectedError", async () => {
    emu.faults.set({ rejectCredentials: true, match: "costManagement.query" });
    const got = await collect(adapterFor({ subscriptions: [emu.subscriptions[1] as string] }).streamCosts(october));
    expect(got.failed).toHaveLength(1);
    expect(got.failed[0]?.error).toBeInstanceOf(CredentialsRejectedError);
    expect(got.failed[0]?.error.message).toMatch(/401 InvalidAuthenticationToken to costManagement\.query/);
  });

  it("skips and reports each malformed row while the rest of its pages arrive", async () => {
    const account = emu.subscriptions[1] as string;
    const expected = [...emu.expectedCosts(account, october.start, october.end)];
    const victim = expected.find((l) => l.resourceId && l.meterCategory === "Virtual Machines")?.resourceId as string;
    const victimLines = expected.filter((l) => l.resourceId === victim);
    emu.faults.set({ malformedItemIds: [victim] });
    const got = await collect(adapterFor({ subscriptions: [account] }).streamCosts(october));
    expect(got.failed).toEqual([]);
    expect(got.completed).toHaveLength(1);
    expect(got.skipped).toHaveLength(victimLines.length);
    for (const s of got.skipped) {
      expect(s.itemId).toBe(victim);
      expect(s.reason).toMatch(/^cost null on 2026-10-\d\d is not a decimal number$/);
    }
    expect(got.lines.some((l) => l.resourceId === victim)).toBe(false);
    const rest = expected.filter((l) => l.resourceId !== victim);
    expect(sumDecimals(got.lines.map((l) => l.amount))).toBe(sumDecimals(rest.map((l) => l.amount)));
  });

  it("fails a scope whose Cost Management answer is slower than timeoutMs", async () => {
    const [slow, ...others] = emu.subscriptions as [string, ...string[]];
    emu.faults.set({ delayMs: 1000, match: `costManagement.query /subscriptions/${slow}` });
    const got = await collect(adapterFor({ timeoutMs: 250, maxAttempts: 1 }).streamCosts(october));
    expect(got.failed.map((f) => f.scope.account)).toEqual([slow]);
    expect(got.failed[0]?.error.message).toMatch(/no answer within 250 ms/);
    expect(got.completed.map((c) => c.scope.account).sort()).toEqual([...others].sort());
  });

  it("takes a rate-limiter token per attempt, under its own costmanagement key", async () => {
    const account = emu.subscriptions[2] as string;
    const inner = createRateLimiter({ requestsPerSecond: 1000 });
    const keys: string[] = [];
    const rateLimiter: RateLimiter = {
      acquire(k, signal) {
        keys.push(k);
        return inner.acquire(k, signal);
      },
    };
    const before = emu.requestCount("costManagement.query");
    emu.faults.set({ throttle: 1, match: "costManagement.query" });
    const got = await collect(adapterFor({ subscriptions: [account], rateLimiter }).streamCosts({ start: "2026-10-01", end: "2026-10-02" }));
    expect(got.failed).toEqual([]);
    const served = emu.requestCount("costManagement.query") - before;
    expect(keys.filter((k) => k === `${account}:costmanagement`)).toHaveLength(served);
    expect(new Set(keys)).toEqual(new Set([`${account}:costmanagement`, `${account}:arm`]));
  });

  it("stops when the caller aborts, reporting the scope in flight as failed", async () => {
    const controller = new AbortController();
    const events: CostEvent[] = [];
    for await (const event of adapterFor({ concurrency: 1 }).streamCosts({ ...october, signal: controller.signal })) {
      events.push(event);
      if (event.type === "cost_page") controller.abort();
    }
    const ends = events.filter((e) => e.type === "scope_completed" || e.type === "scope_failed");
    expect(ends).toHaveLength(1);
    expect(ends[0]?.type === "scope_failed" && ends[0].error.message).toMatch(/stopped by the caller/);
  });

  it("refuses a malformed range before any request", () => {
    expect(() => adapterFor().streamCosts({ start: "2026-10-31", end: "2026-10-01" })).toThrow(RangeError);
  });
});
