import { type AzureEmulator, startAzureEmulator } from "@cloudsync/cloud-emulators";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backupFilterTime } from "../src/azure/backup-client.ts";
import { createAzureAdapter } from "../src/azure/index.ts";
import { configurationOfProtectedItem, executionOfJob, type PolicyFacts, policyFacts } from "../src/azure/normalize-backups.ts";
import type { BackupEvent, NormalizedBackupConfiguration, NormalizedBackupExecution } from "../src/types.ts";

describe("Azure Backup normalizers", () => {
  const daily = (count: number, durationType = "Days") => ({ retentionPolicyType: "LongTermRetentionPolicy", dailySchedule: { retentionDuration: { count, durationType } } });
  it.each([
    ["daily at 02:00, kept 30 days", { schedulePolicy: { scheduleRunFrequency: "Daily", scheduleRunTimes: [new Date("2026-01-01T02:00:00Z")] }, retentionPolicy: daily(30) }, { frequency: "daily", schedule: "Daily at 02:00 UTC", retentionDays: 30 }],
    ["hourly (V2), kept 2 weeks", { schedulePolicy: { scheduleRunFrequency: "Hourly" }, retentionPolicy: daily(2, "Weeks") }, { frequency: "hourly", schedule: "Hourly", retentionDays: 14 }],
    [
      "weekly, only a weekly retention of 12",
      { schedulePolicy: { scheduleRunFrequency: "Weekly" }, retentionPolicy: { retentionPolicyType: "LongTermRetentionPolicy", weeklySchedule: { retentionDuration: { count: 12, durationType: "Weeks" } } } },
      { frequency: "weekly", schedule: "Weekly", retentionDays: 84 },
    ],
    ["simple retention of 1 year", { schedulePolicy: { scheduleRunFrequency: "Daily" }, retentionPolicy: { retentionPolicyType: "SimpleRetentionPolicy", retentionDuration: { count: 1, durationType: "Years" } } }, { frequency: "daily", schedule: "Daily", retentionDays: 365 }],
    ["no schedule (a log-backup-only policy)", { retentionPolicy: daily(7) }, null],
  ])("policy: %s", (_name, properties, facts) => expect(policyFacts(properties)).toEqual(facts));

  const where = { subscriptionId: "sub", vaultId: "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v", location: "westeurope" };
  const policies = new Map<string, PolicyFacts>([["/policies/default", { frequency: "daily", schedule: "Daily", retentionDays: 30 }]]);
  const item = (properties: Record<string, unknown>) => ({ id: "/items/vm1", properties: { sourceResourceId: "/vms/vm1", friendlyName: "vm1", policyId: "/policies/DEFAULT", protectionState: "Protected", ...properties } });
  it.each([
    ["protected: enabled, policy looked up case-insensitively", {}, true],
    ["protection stopped: not enabled", { protectionState: "ProtectionStopped" }, false],
    ["backups suspended: not enabled", { protectionState: "BackupsSuspended" }, false],
  ])("protected item %s", (_name, over, enabled) => {
    const c = configurationOfProtectedItem(item(over), policies, where) as NormalizedBackupConfiguration;
    expect([c.sourceId, c.resourceId, c.frequency, c.retentionDays, c.enabled]).toEqual(["/items/vm1", "/vms/vm1", "daily", 30, enabled]);
  });
  it("a protected item whose policy was not listed is skipped", () => {
    expect(configurationOfProtectedItem(item({ policyId: "/policies/other" }), policies, where)).toEqual({ skip: "protected item /items/vm1: its policy /policies/other was not listed or has no readable schedule" });
  });

  const items = [
    { itemId: "/items/vm1", resourceId: "/vms/vm1", friendlyName: "vm1" },
    { itemId: "/items/dup-a", resourceId: "/vms/a", friendlyName: "dup" },
    { itemId: "/items/dup-b", resourceId: "/vms/b", friendlyName: "dup" },
  ];
  const job = (properties: Record<string, unknown>) => ({
    name: "job-1",
    properties: { jobType: "AzureIaaSVMJob", operation: "Backup", entityFriendlyName: "VM1", status: "Completed", startTime: new Date("2026-12-06T02:00:00Z"), endTime: new Date("2026-12-06T02:20:00Z"), ...properties },
  });
  it.each([
    ["completed", {}, ["completed", "2026-12-06T02:20:00.000Z", null]],
    ["completed with warnings is a recovery point", { status: "CompletedWithWarnings" }, ["completed", "2026-12-06T02:20:00.000Z", null]],
    ["failed joins the error strings", { status: "Failed", errorDetails: [{ errorCode: "E1", errorString: "VM is not running" }, { errorCode: "E2" }] }, ["failed", "2026-12-06T02:20:00.000Z", "VM is not running; E2"]],
    ["in progress has no end", { status: "InProgress", endTime: undefined }, ["in_progress", null, null]],
    ["cancelled", { status: "Cancelled" }, ["cancelled", "2026-12-06T02:20:00.000Z", "job cancelled"]],
  ])("job %s", (_name, over, [status, completedAt, error]) => {
    const e = executionOfJob(job(over), items, where) as NormalizedBackupExecution;
    expect([e.status, e.completedAt, e.error, e.configurationSourceId, e.resourceId]).toEqual([status, completedAt, error, "/items/vm1", "/vms/vm1"]);
  });
  it("a job of another operation (a restore) is no backup run", () => expect(executionOfJob(job({ operation: "Restore" }), items, where)).toBeNull());
  it.each([
    ["no protected item of that name", { entityFriendlyName: "ghost" }, 'backup job job-1 names "ghost", which no protected item of the vault is called'],
    ["two protected items of that name", { entityFriendlyName: "dup" }, 'backup job job-1 names "dup", which more than one protected item of the vault is called'],
  ])("skips a job with %s", (_name, over, reason) => expect(executionOfJob(job(over), items, where)).toEqual({ skip: reason }));

  it.each([
    [new Date("2026-12-06T00:05:09Z"), "2026-12-06 12:05:09 AM"],
    [new Date("2026-12-06T13:00:00Z"), "2026-12-06 01:00:00 PM"],
    [new Date("2026-12-06T12:30:00Z"), "2026-12-06 12:30:00 PM"],
  ])("job filter time of %s", (d, text) => expect(backupFilterTime(d)).toBe(text));
});

describe("Azure Backup through the SDK", () => {
  let emu: AzureEmulator;
  // 25 minutes after the 02:00 runs began: the longer of today's are still in progress.
  const now = new Date("2026-12-06T02:25:00Z");
  beforeAll(async () => {
    emu = await startAzureEmulator({ seed: "backups", size: 300, subscriptions: 2, backupNow: now });
  });
  afterAll(() => emu?.close());
  const read = async (since: Date) => {
    const adapter = createAzureAdapter({
      credentials: { tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, authorityHost: emu.authorityHost },
      subscriptions: emu.subscriptions,
      endpoint: emu.endpoint,
      caCertificate: emu.caCertificate,
      maxAttempts: 2,
      retryDelayInMs: 5,
      maxRetryDelayInMs: 20,
      timeoutMs: 10_000,
    });
    const events: BackupEvent[] = [];
    for await (const e of adapter.streamBackups({ since })) events.push(e);
    return events;
  };

  it("reads each vault's protected items and their jobs (following nextLink), one scope per subscription", async () => {
    const events = await read(new Date(now.getTime() - 7 * 86_400_000));
    const records = events.flatMap((e) => (e.type === "backup_page" ? e.records : []));
    const expected = emu.expectedBackups();
    expect(expected.items.length).toBeGreaterThan(5);
    const configs = records.filter((r): r is NormalizedBackupConfiguration => r.record === "configuration");
    expect(configs.map((c) => `${c.sourceId} ${c.resourceId} ${c.frequency} ${c.retentionDays}`).sort()).toEqual(
      expected.items.map((i) => `${i.protectedItemId} ${i.vmId} daily ${i.retentionDays}`).sort(),
    );
    const status = { Completed: "completed", Failed: "failed", InProgress: "in_progress" } as const;
    const runs = records.filter((r): r is NormalizedBackupExecution => r.record === "execution");
    expect(runs.map((r) => `${r.sourceId} ${r.resourceId} ${r.status} ${r.startedAt} ${r.completedAt}`).sort()).toEqual(
      expected.jobs.map((j) => `${j.jobId} ${j.vmId} ${status[j.status]} ${j.startTime.toISOString()} ${j.endTime?.toISOString() ?? null}`).sort(),
    );
    expect(new Set(runs.map((r) => r.status))).toEqual(new Set(["completed", "failed", "in_progress"]));
    expect(events.filter((e) => e.type === "scope_completed").map((e) => e.scope.account).sort()).toEqual([...emu.subscriptions].sort());
  });

  it("asks only for jobs started since the start", async () => {
    const since = new Date(now.getTime() - 30 * 3_600_000);
    const runs = (await read(since)).flatMap((e) => (e.type === "backup_page" ? e.records : [])).filter((r) => r.record === "execution");
    expect(runs.map((r) => r.sourceId).sort()).toEqual(
      emu
        .expectedBackups()
        .jobs.filter((j) => j.startTime >= since)
        .map((j) => j.jobId)
        .sort(),
    );
  });
});
