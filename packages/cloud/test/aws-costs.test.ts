import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type AwsEmulator, awsCostServices, startAwsEmulator } from "@cloudsync/cloud-emulators";
import { type AwsAdapterConfig, createAwsAdapter } from "../src/aws/index.ts";
import { sumDecimals } from "../src/common/decimal.ts";
import { CredentialsRejectedError, ThrottledError } from "../src/errors.ts";
import { type AdapterLogger, type CostEvent, costCategories, type NormalizedCostLine, scopeKey } from "../src/types.ts";

const accounts: AwsAdapterConfig["accounts"] = [
  { accountId: "111111111111" },
  { accountId: "222222222222", roleArn: "arn:aws:iam::222222222222:role/cloudsync-reader" },
  { accountId: "333333333333", roleArn: "arn:aws:iam::333333333333:role/cloudsync-reader", externalId: "cloudsync-ext-333" },
];
const accountIds = accounts.map((a) => a.accountId);
const TODAY = "2026-11-10";
const OCTOBER = { start: "2026-10-01", end: "2026-10-31" };

async function collect(stream: AsyncIterable<CostEvent>): Promise<CostEvent[]> {
  const events: CostEvent[] = [];
  for await (const e of stream) events.push(e);
  return events;
}
const linesOf = (events: CostEvent[], account?: string): NormalizedCostLine[] =>
  events.flatMap((e) => (e.type === "cost_page" && (!account || e.scope.account === account) ? e.lines : []));
const failures = (events: CostEvent[]) => events.flatMap((e) => (e.type === "scope_failed" ? [e] : []));
const completions = (events: CostEvent[]) => events.flatMap((e) => (e.type === "scope_completed" ? [e] : []));

function recordingLogger(): AdapterLogger & { warnings: { obj: Record<string, unknown>; msg?: string }[] } {
  const warnings: { obj: Record<string, unknown>; msg?: string }[] = [];
  return { warnings, debug() {}, warn: (obj, msg) => warnings.push({ obj, ...(msg ? { msg } : {}) }) };
}

describe("AWS costs from Cost Explorer", () => {
  let emu: AwsEmulator;
  const adapterFor = (overrides: Partial<AwsAdapterConfig> = {}) =>
    createAwsAdapter({
      credentials: emu.baseCredentials,
      accounts,
      endpoint: emu.endpoint,
      requestsPerSecond: 1000,
      maxAttempts: 4,
      today: () => TODAY,
      ...overrides,
    });

  beforeAll(async () => {
    // Small pages, so a month of one account takes several.
    emu = await startAwsEmulator({ seed: 21, size: 240, today: TODAY, costPageSize: 25 });
  });
  afterEach(() => emu.faults.clear());
  afterAll(() => emu.close());

  it("sums a month of daily lines per account to the emulator's total, to the last digit, over several pages", async () => {
    const before = emu.requests.get("ce:GetCostAndUsage") ?? 0;
    const events = await collect(adapterFor().streamCosts(OCTOBER));
    expect(failures(events)).toEqual([]);
    for (const account of accountIds) {
      const lines = linesOf(events, account);
      expect(sumDecimals(lines.map((l) => l.amount))).toBe(emu.expectedCostTotal(account, OCTOBER.start, OCTOBER.end));
      // Line by line too: day, service, exact amount, usage.
      const expected = [...emu.expectedCosts(account, OCTOBER.start, OCTOBER.end)];
      expect(lines.map((l) => [l.periodStart, l.service, l.amount, l.usage.quantity]).sort()).toEqual(
        expected.map((x) => [x.date, x.service, x.amount, x.quantity]).sort(),
      );
      const pages = events.filter((e) => e.type === "cost_page" && e.scope.account === account);
      expect(pages.length).toBeGreaterThan(3);
      for (const p of pages) if (p.type === "cost_page") expect(p.lines.length).toBeLessThanOrEqual(25);
    }
    expect((emu.requests.get("ce:GetCostAndUsage") ?? 0) - before).toBeGreaterThan(9);

    // One scope per account, completed once, after all its pages, counting its lines.
    const done = completions(events);
    expect(done.map((c) => c.scope).sort((a, b) => a.account.localeCompare(b.account))).toEqual(
      accountIds.map((account) => ({ cloud: "aws", account, region: "global", kind: "costs" })),
    );
    for (const c of done) {
      const at = events.indexOf(c);
      const pages = events.filter((e) => e.type === "cost_page" && scopeKey(e.scope) === scopeKey(c.scope));
      expect(pages.every((p) => events.indexOf(p) < at)).toBe(true);
      expect(c.resourceCount).toBe(linesOf(pages).length);
    }
  });

  it("shapes each line: daily period, exact amount, currency, category, tax and support recognised", async () => {
    const lines = linesOf(await collect(adapterFor({ accounts: [accounts[0] as AwsAdapterConfig["accounts"][number]] }).streamCosts(OCTOBER)));
    for (const l of lines) {
      expect(l).toMatchObject({ cloud: "aws", account: "111111111111", currency: "USD", resourceId: null, tags: {} });
      expect(l.periodStart).toBe(l.periodEnd);
      expect(l.periodStart >= OCTOBER.start && l.periodStart <= OCTOBER.end).toBe(true);
      expect(costCategories).toContain(l.category);
      expect(l.amount).toMatch(/^-?\d+(\.\d*[1-9])?$/);
    }
    const byService = (service: string) => lines.filter((l) => l.service === service);
    expect(byService(awsCostServices.tax).map((l) => [l.periodStart, l.category])).toEqual([["2026-10-01", "tax"]]);
    expect(byService(awsCostServices.supportBusiness).map((l) => [l.periodStart, l.category])).toEqual([["2026-10-01", "support"]]);
    expect(byService(awsCostServices.ec2)[0]?.category).toBe("compute");
    expect(byService(awsCostServices.s3)[0]?.category).toBe("storage");
    expect(byService(awsCostServices.rds)[0]?.category).toBe("database");
    expect(byService(awsCostServices.elb)[0]?.category).toBe("network");
    expect(byService(awsCostServices.cloudwatch)[0]?.category).toBe("monitoring");
    // An unknown service takes the documented default.
    expect(byService(awsCostServices.kms).every((l) => l.category === "compute")).toBe(true);
    // Credits: some data-transfer days net out negative.
    expect(byService(awsCostServices.dataTransfer).some((l) => l.amount.startsWith("-"))).toBe(true);
    // Amounts with many decimals arrive untouched.
    expect(lines.some((l) => /\.\d{9,}$/.test(l.amount))).toBe(true);
    expect(byService(awsCostServices.ec2)[0]?.usage).toMatchObject({ unit: "Hrs" });
  });

  it("reads the last days per resource (ids as the inventory reports them) and the rest per service", async () => {
    const events = await collect(adapterFor({ costsByResource: true }).streamCosts(OCTOBER));
    expect(failures(events)).toEqual([]);
    const inventory = new Set([...emu.expected()].map((x) => x.resourceId));
    for (const account of accountIds) {
      const lines = linesOf(events, account);
      expect(sumDecimals(lines.map((l) => l.amount))).toBe(emu.expectedCostTotal(account, OCTOBER.start, OCTOBER.end));
      const recent = lines.filter((l) => l.periodStart >= "2026-10-28");
      const older = lines.filter((l) => l.periodStart < "2026-10-28");
      expect(recent.every((l) => l.billingDetails.source === "GetCostAndUsageWithResources")).toBe(true);
      expect(older.every((l) => l.billingDetails.source === "GetCostAndUsage" && l.resourceId === null)).toBe(true);
      const withIds = recent.filter((l) => l.resourceId !== null);
      expect(withIds.length).toBeGreaterThan(0);
      for (const l of withIds) expect(inventory.has(l.resourceId as string), l.resourceId as string).toBe(true);
      const expected = [...emu.expectedCosts(account, "2026-10-28", OCTOBER.end, { byResource: true })];
      expect(recent.map((l) => [l.periodStart, l.service, l.resourceId, l.amount]).sort()).toEqual(
        expected.map((x) => [x.date, x.service, x.resourceId, x.amount]).sort(),
      );
      // EBS sits in "EC2 - Other"; with its volume id the line is storage.
      const volumes = withIds.filter((l) => l.resourceId?.startsWith("vol-"));
      expect(volumes.length).toBeGreaterThan(0);
      expect(volumes.every((l) => l.service === "EC2 - Other" && l.category === "storage")).toBe(true);
    }
  });

  it("falls back to service-level lines, with a warning, where resource-level data is not enabled", async () => {
    const emu2 = await startAwsEmulator({ seed: 21, size: 240, today: TODAY, costPageSize: 100, resourceLevelCosts: ["111111111111"] });
    try {
      const logger = recordingLogger();
      const adapter = createAwsAdapter({
        credentials: emu2.baseCredentials,
        accounts,
        endpoint: emu2.endpoint,
        requestsPerSecond: 1000,
        today: () => TODAY,
        costsByResource: true,
        logger,
      });
      const events = await collect(adapter.streamCosts(OCTOBER));
      expect(failures(events)).toEqual([]);
      expect(completions(events)).toHaveLength(3);
      for (const account of accountIds) {
        const lines = linesOf(events, account);
        expect(sumDecimals(lines.map((l) => l.amount))).toBe(emu2.expectedCostTotal(account, OCTOBER.start, OCTOBER.end));
        const perResource = lines.some((l) => l.billingDetails.source === "GetCostAndUsageWithResources");
        expect(perResource).toBe(account === "111111111111");
      }
      const warned = logger.warnings.filter((w) => /resource-level costs unavailable/.test(w.msg ?? ""));
      expect(warned.map((w) => (w.obj.scope as { account: string }).account).sort()).toEqual(["222222222222", "333333333333"]);
      expect(warned.every((w) => w.obj.code === "DataUnavailableException")).toBe(true);
    } finally {
      await emu2.close();
    }
  });

  it("reads every account through the billing (management) account when configured, without assuming roles", async () => {
    const assumed = emu.requests.get("sts:AssumeRole") ?? 0;
    const events = await collect(adapterFor({ billingAccountId: "111111111111" }).streamCosts(OCTOBER));
    expect(failures(events)).toEqual([]);
    for (const account of accountIds) {
      expect(sumDecimals(linesOf(events, account).map((l) => l.amount))).toBe(emu.expectedCostTotal(account, OCTOBER.start, OCTOBER.end));
    }
    expect(emu.requests.get("sts:AssumeRole") ?? 0).toBe(assumed);
    expect(() => adapterFor({ billingAccountId: "999999999999" })).toThrow(/billingAccountId/);
  });

  it("retries LimitExceededException and completes", async () => {
    emu.faults.set({ throttle: 1, match: "ce:GetCostAndUsage 222222222222" });
    const before = emu.requests.get("ce:GetCostAndUsage") ?? 0;
    const events = await collect(adapterFor({ accounts: [accounts[1] as AwsAdapterConfig["accounts"][number]] }).streamCosts(OCTOBER));
    expect(failures(events)).toEqual([]);
    expect(emu.faults.plan.throttle).toBe(0);
    // One request per page, plus the throttled one made again.
    expect((emu.requests.get("ce:GetCostAndUsage") ?? 0) - before).toBe(events.filter((e) => e.type === "cost_page").length + 1);
    expect(sumDecimals(linesOf(events, "222222222222").map((l) => l.amount))).toBe(emu.expectedCostTotal("222222222222", OCTOBER.start, OCTOBER.end));
  });

  it("fails only the throttled account's scope with ThrottledError once maxAttempts are spent", async () => {
    emu.faults.set({ throttle: 1_000, match: "linked:333333333333" });
    const events = await collect(adapterFor({ maxAttempts: 2, billingAccountId: "111111111111" }).streamCosts(OCTOBER));
    const failed = failures(events);
    expect(failed.map((f) => f.scope)).toEqual([{ cloud: "aws", account: "333333333333", region: "global", kind: "costs" }]);
    expect(failed[0]?.error).toBeInstanceOf(ThrottledError);
    expect(failed[0]?.error.message).toMatch(/GetCostAndUsage/);
    expect(failed[0]?.error.message).toMatch(/after 2 attempts/);
    expect(completions(events).map((c) => c.scope.account).sort()).toEqual(["111111111111", "222222222222"]);
  });

  it("reports rejected credentials as CredentialsRejectedError, without the secret, and reads the other accounts", async () => {
    emu.faults.set({ rejectCredentials: true, match: "ce:GetCostAndUsage 111111111111" });
    const events = await collect(adapterFor().streamCosts(OCTOBER));
    const failed = failures(events);
    expect(failed).toHaveLength(1);
    expect(failed[0]?.scope.account).toBe("111111111111");
    expect(failed[0]?.error).toBeInstanceOf(CredentialsRejectedError);
    expect(failed[0]?.error.message).toMatch(/UnrecognizedClientException/);
    expect(failed[0]?.error.message).not.toContain(emu.baseCredentials.secretAccessKey);
    expect(completions(events)).toHaveLength(2);
  });

  it("skips a malformed row, reporting it, while the rest of the bill arrives", async () => {
    const itemId = `2026-10-05/${awsCostServices.cloudwatch}`;
    emu.faults.set({ malformedItemIds: [itemId] });
    const events = await collect(adapterFor().streamCosts(OCTOBER));
    expect(failures(events)).toEqual([]);
    // Every account has that row on that day: each scope reports its own, once.
    const skipped = events.filter((e) => e.type === "item_skipped");
    expect(skipped.map((e) => e.scope.account).sort()).toEqual(accountIds);
    for (const e of skipped) {
      expect(e).toMatchObject({ type: "item_skipped", scope: { region: "global", kind: "costs" }, itemId });
      expect(e.type === "item_skipped" && e.reason).toMatch(/UnblendedCost has no decimal amount/);
    }
    for (const account of accountIds) {
      const lines = linesOf(events, account);
      const expected = [...emu.expectedCosts(account, OCTOBER.start, OCTOBER.end)].filter(
        (x) => !(x.date === "2026-10-05" && x.service === awsCostServices.cloudwatch),
      );
      expect(lines).toHaveLength(expected.length);
      expect(sumDecimals(lines.map((l) => l.amount))).toBe(sumDecimals(expected.map((x) => x.amount)));
      // Its neighbours of the same day and page are there.
      expect(lines.filter((l) => l.periodStart === "2026-10-05").length).toBe(expected.filter((x) => x.date === "2026-10-05").length);
    }
  });

  it("retries 5xx answers and completes", async () => {
    emu.faults.set({ serverErrors: 2, match: "ce:GetCostAndUsage" });
    const events = await collect(adapterFor().streamCosts({ start: "2026-10-01", end: "2026-10-03" }));
    expect(failures(events)).toEqual([]);
    expect(emu.faults.plan.serverErrors).toBe(0);
  });

  it("rejects a window that is not a pair of days in order", async () => {
    await expect(collect(adapterFor().streamCosts({ start: "2026-10-31", end: "2026-10-01" }))).rejects.toThrow(RangeError);
    await expect(collect(adapterFor().streamCosts({ start: "2026-10-01T00:00:00Z", end: "2026-10-31" }))).rejects.toThrow(/YYYY-MM-DD/);
  });
});
