import { type GcpEmulator, startGcpEmulator } from "@cloudsync/cloud-emulators";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGcpAdapter, type GcpAdapter } from "../src/gcp/index.ts";
import { configurationOfSqlInstance, executionOfBackupRun } from "../src/gcp/normalize-backups.ts";
import type { BackupEvent, NormalizedBackupConfiguration, NormalizedBackupExecution } from "../src/types.ts";

describe("Cloud SQL backup normalizers", () => {
  const instance = (backupConfiguration: Record<string, unknown> | undefined) => ({ name: "guests", project: "p1", region: "europe-west1", settings: { backupConfiguration } });
  it.each([
    ["enabled, API defaults (7 retained)", { enabled: true, startTime: "03:00" }, ["daily", 7, "daily at 03:00 UTC", "europe-west1"]],
    ["enabled, 30 retained, a custom location", { enabled: true, startTime: "22:30", location: "eu", backupRetentionSettings: { retentionUnit: "COUNT", retainedBackups: 30 } }, ["daily", 30, "daily at 22:30 UTC", "eu"]],
    [
      "as the SDK decodes it: protobuf wrappers",
      { enabled: { value: true }, startTime: "01:00", backupRetentionSettings: { retentionUnit: "COUNT", retainedBackups: { value: 14 } } },
      ["daily", 14, "daily at 01:00 UTC", "europe-west1"],
    ],
  ])("%s", (_name, backup, [frequency, retention, schedule, region]) => {
    const c = configurationOfSqlInstance(instance(backup), "p1") as NormalizedBackupConfiguration;
    expect([c.frequency, c.retentionDays, c.schedule, c.destination.region]).toEqual([frequency, retention, schedule, region]);
    expect([c.resourceId, c.sourceId, c.backupType]).toEqual(["//sqladmin.googleapis.com/projects/p1/instances/guests", "guests/automated", "snapshot"]);
  });
  it.each([
    ["backups off", { enabled: false }],
    ["no backup configuration", undefined],
  ])("%s: no configuration", (_name, backup) => expect(configurationOfSqlInstance(instance(backup), "p1")).toBeNull());

  const run = (over: Record<string, unknown>) => ({
    id: "42",
    status: "SUCCESSFUL",
    type: "AUTOMATED",
    startTime: "2026-12-06T03:00:00.000Z",
    endTime: "2026-12-06T03:09:00.000Z",
    selfLink: "https://sqladmin.googleapis.com/v1/projects/p1/instances/guests/backupRuns/42",
    location: "europe-west1",
    ...over,
  });
  it.each([
    ["successful", {}, ["completed", "2026-12-06T03:09:00.000Z", "https://sqladmin.googleapis.com/v1/projects/p1/instances/guests/backupRuns/42", null]],
    ["failed keeps the error's message", { status: "FAILED", error: { message: "disk full" } }, ["failed", "2026-12-06T03:09:00.000Z", null, "disk full"]],
    ["overdue is a failure", { status: "OVERDUE", endTime: undefined }, ["failed", null, null, "run overdue"]],
    ["running has no end", { status: "RUNNING", endTime: undefined }, ["in_progress", null, null, null]],
    ["enqueued is under way", { status: "ENQUEUED", startTime: undefined, enqueuedTime: "2026-12-06T03:00:00Z", endTime: undefined }, ["in_progress", null, null, null]],
    ["skipped was cancelled", { status: "SKIPPED" }, ["cancelled", "2026-12-06T03:09:00.000Z", null, "run skipped"]],
    [
      "times as the SDK decodes them (seconds and nanos)",
      { startTime: { seconds: "1796526000", nanos: 0 }, endTime: { seconds: "1796526540", nanos: 500_000_000 } },
      ["completed", "2026-12-06T03:09:00.500Z", "https://sqladmin.googleapis.com/v1/projects/p1/instances/guests/backupRuns/42", null],
    ],
  ])("run %s", (_name, over, [status, completedAt, recoveryPoint, error]) => {
    const e = executionOfBackupRun(run(over), "p1", "guests") as NormalizedBackupExecution;
    expect([e.status, e.completedAt, e.recoveryPoint, e.error]).toEqual([status, completedAt, recoveryPoint, error]);
    expect([e.sourceId, e.configurationSourceId, e.startedAt]).toEqual(["guests/42", "guests/automated", "2026-12-06T03:00:00.000Z"]);
  });
  it("an on-demand run names no configuration", () => {
    expect((executionOfBackupRun(run({ type: "ON_DEMAND" }), "p1", "guests") as NormalizedBackupExecution).configurationSourceId).toBeNull();
  });
  it.each([
    ["a deleted run", { status: "DELETED" }, "backup run 42 of guests was deleted"],
    ["an unknown status", { status: "LOST" }, 'backup run 42 of guests has an unknown status "LOST"'],
  ])("skips %s", (_name, over, reason) => expect(executionOfBackupRun(run(over), "p1", "guests")).toEqual({ skip: reason }));
});

describe("Cloud SQL backups through the SDK", () => {
  let emu: GcpEmulator;
  let adapter: GcpAdapter;
  const now = new Date("2026-12-06T10:30:00Z");
  beforeAll(async () => {
    emu = await startGcpEmulator({ seed: 5, size: 400, backupNow: now });
    adapter = createGcpAdapter({
      credentials: { serviceAccountKey: emu.serviceAccountKey },
      projects: emu.projects,
      endpoint: emu.url,
      // Small pages, so instances and runs are both followed through their page tokens.
      pageSize: 2,
      maxAttempts: 3,
      retryDelayMs: 5,
      timeoutMs: 5_000,
      requestsPerSecond: 10_000,
    });
  });
  afterAll(async () => {
    await adapter?.close();
    await emu?.close();
  });
  const read = async (since: Date) => {
    const events: BackupEvent[] = [];
    // Only the Cloud SQL scope: Compute Engine snapshots (scope kind gce_snapshots) are tested in gcp-snapshots.test.ts.
    for await (const e of adapter.streamBackups({ since })) if (e.scope.kind === "backups") events.push(e);
    return events;
  };

  it("reads each instance with backups on, and its runs since the start, one scope per project", async () => {
    const events = await read(new Date(now.getTime() - 30 * 86_400_000));
    const records = events.flatMap((e) => (e.type === "backup_page" ? e.records : []));
    const runs = emu.expectedBackupRuns();
    expect(runs.length).toBeGreaterThan(0);
    const configs = records.filter((r): r is NormalizedBackupConfiguration => r.record === "configuration");
    expect(configs.map((c) => c.resourceId).sort()).toEqual([...new Set(runs.map((r) => r.resourceId))].sort());
    const status = { SUCCESSFUL: "completed", FAILED: "failed", RUNNING: "in_progress" } as const;
    const executions = records.filter((r): r is NormalizedBackupExecution => r.record === "execution");
    expect(executions.map((e) => `${e.resourceId} ${e.sourceId} ${e.status} ${e.startedAt} ${e.completedAt}`).sort()).toEqual(
      runs.map((r) => `${r.resourceId} ${r.instance}/${r.id} ${status[r.status]} ${r.startTime.toISOString()} ${r.endTime?.toISOString() ?? null}`).sort(),
    );
    expect(events.filter((e) => e.type === "scope_completed").map((e) => e.scope.account).sort()).toEqual([...emu.projects].sort());
  });

  it("stops reading an instance's runs at the first one older than the start", async () => {
    const since = new Date(now.getTime() - 36 * 3_600_000);
    const executions = (await read(since)).flatMap((e) => (e.type === "backup_page" ? e.records : [])).filter((r) => r.record === "execution");
    expect(executions.map((e) => e.sourceId).sort()).toEqual(
      emu
        .expectedBackupRuns()
        .filter((r) => r.startTime >= since)
        .map((r) => `${r.instance}/${r.id}`)
        .sort(),
    );
  });
});
