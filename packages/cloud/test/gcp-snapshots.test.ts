import { type GcpEmulator, startGcpEmulator } from "@cloudsync/cloud-emulators";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGcpAdapter, type GcpAdapter } from "../src/gcp/index.ts";
import {
  describeSchedule,
  destinationOf,
  frequencyOfSchedule,
  gceSnapshotRecords,
  isCrossRegion,
  nextScheduledRun,
  readSchedule,
  type SnapshotSchedule,
} from "../src/gcp/normalize-snapshots.ts";
import type { BackupEvent, NormalizedBackupConfiguration, NormalizedBackupExecution } from "../src/types.ts";

const schedule = (raw: unknown): SnapshotSchedule => {
  const s = readSchedule(raw);
  if ("skip" in s) throw new Error(s.skip);
  return s;
};

// 2026-12-06 is a Sunday.
const now = new Date("2026-12-06T10:30:00Z");

describe("snapshot schedule: next run (hand-computed)", () => {
  it.each([
    ["every 4 h from 01:00: 01, 05, 09, then 13", { hourlySchedule: { hoursInCycle: 4, startTime: "01:00" } }, now, null, "2026-12-06T13:00:00.000Z"],
    ["every 4 h from 01:00 late at night: tomorrow's 01:00", { hourlySchedule: { hoursInCycle: 4, startTime: "01:00" } }, new Date("2026-12-06T23:30:00Z"), null, "2026-12-07T01:00:00.000Z"],
    ["every 20 h from 23:00: once a day, at 23:00", { hourlySchedule: { hoursInCycle: 20, startTime: "23:00" } }, now, null, "2026-12-06T23:00:00.000Z"],
    ["every hour: the next whole hour", { hourlySchedule: { hoursInCycle: 1, startTime: "00:00" } }, now, null, "2026-12-06T11:00:00.000Z"],
    ["a run starting now is not next", { hourlySchedule: { hoursInCycle: 4, startTime: "13:00" } }, new Date("2026-12-06T13:00:00Z"), null, "2026-12-06T17:00:00.000Z"],
    ["daily at 04:00, already past: tomorrow", { dailySchedule: { daysInCycle: 1, startTime: "04:00" } }, now, null, "2026-12-07T04:00:00.000Z"],
    ["daily at 22:00: tonight", { dailySchedule: { daysInCycle: 1, startTime: "22:00" } }, now, null, "2026-12-06T22:00:00.000Z"],
    ["every 3 days from a policy made Dec 1: Dec 1, 4, then 7", { dailySchedule: { daysInCycle: 3, startTime: "04:00" } }, now, "2026-12-01T15:00:00Z", "2026-12-07T04:00:00.000Z"],
    ["every 3 days from a policy made Dec 3: today at noon", { dailySchedule: { daysInCycle: 3, startTime: "12:00" } }, now, "2026-12-03T09:00:00Z", "2026-12-06T12:00:00.000Z"],
    [
      "weekly Monday 08:00 and Wednesday 15:00, on a Sunday: Monday",
      { weeklySchedule: { dayOfWeeks: [{ day: "WEDNESDAY", startTime: "15:00" }, { day: "MONDAY", startTime: "08:00" }] } },
      now,
      null,
      "2026-12-07T08:00:00.000Z",
    ],
    ["weekly Sunday 09:00, past today: next Sunday", { weeklySchedule: { dayOfWeeks: [{ day: "SUNDAY", startTime: "09:00" }] } }, now, null, "2026-12-13T09:00:00.000Z"],
    ["weekly Sunday 11:00: today", { weeklySchedule: { dayOfWeeks: [{ day: "SUNDAY", startTime: "11:00" }] } }, now, null, "2026-12-06T11:00:00.000Z"],
  ])("%s", (_name, raw, at, created, expected) => {
    expect(nextScheduledRun(schedule(raw), at, created ? new Date(created) : null).toISOString()).toBe(expected);
  });
});

describe("snapshot schedule: frequency and words", () => {
  it.each([
    [{ hourlySchedule: { hoursInCycle: 6, startTime: "00:00" } }, "hourly", "every 6 h from 00:00 UTC"],
    [{ dailySchedule: { daysInCycle: 1, startTime: "04:00" } }, "daily", "daily at 04:00 UTC"],
    [{ dailySchedule: { daysInCycle: 7, startTime: "04:00" } }, "weekly", "every 7 days at 04:00 UTC"],
    [{ dailySchedule: { daysInCycle: 30, startTime: "4:05" } }, "monthly", "every 30 days at 04:05 UTC"],
    [{ weeklySchedule: { dayOfWeeks: [{ day: "MONDAY", startTime: "08:00" }, { day: "FRIDAY", startTime: "20:00" }] } }, "weekly", "weekly on MONDAY 08:00, FRIDAY 20:00 UTC"],
    [
      { weeklySchedule: { dayOfWeeks: ["SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"].map((day) => ({ day, startTime: "02:00" })) } },
      "daily",
      "weekly on SUNDAY 02:00, MONDAY 02:00, TUESDAY 02:00, WEDNESDAY 02:00, THURSDAY 02:00, FRIDAY 02:00, SATURDAY 02:00 UTC",
    ],
  ])("%j → %s", (raw, frequency, words) => {
    expect([frequencyOfSchedule(schedule(raw)), describeSchedule(schedule(raw))]).toEqual([frequency, words]);
  });
  it.each([
    [{}, "the schedule is neither hourly, daily nor weekly"],
    [{ hourlySchedule: { hoursInCycle: 0, startTime: "01:00" } }, 'hourly schedule {"hoursInCycle":0,"startTime":"01:00"} has no whole hoursInCycle ≥ 1 or no HH:MM startTime'],
    [{ dailySchedule: { daysInCycle: 1, startTime: "25:00" } }, 'daily schedule {"daysInCycle":1,"startTime":"25:00"} has no whole daysInCycle ≥ 1 or no HH:MM startTime'],
    [{ weeklySchedule: { dayOfWeeks: [{ day: "FUNDAY", startTime: "01:00" }] } }, 'weekly schedule day {"day":"FUNDAY","startTime":"01:00"} has no weekday name or no HH:MM startTime'],
    [{ weeklySchedule: { dayOfWeeks: [] } }, "weekly schedule names no day"],
  ])("unreadable %j", (raw, reason) => expect(readSchedule(raw)).toEqual({ skip: reason }));
});

describe("snapshot storage: cross-region", () => {
  it.each([
    ["us-east1", [], false],
    ["us-east1", ["us-east1"], false],
    ["us-east1", ["us"], false],
    ["europe-west1", ["eu"], false],
    ["asia-east1", ["asia"], false],
    ["europe-west1", ["us"], true],
    ["us-east1", ["us-west1"], true],
    ["us-east1", ["us-east1", "europe-west1"], true],
    [null, ["us"], false],
  ] as const)("disk in %s, stored in %j → %s", (region, locations, cross) => {
    expect(isCrossRegion(region, locations)).toBe(cross);
  });
  it.each([
    [["us-west1"], "us-west1"],
    [["us"], null],
    [[], null],
    [["us-east1", "us-west1"], null],
  ])("stored in %j: destination region %s", (locations, region) => expect(destinationOf("us-east1", locations).region).toBe(region));
});

describe("Compute Engine snapshots as backup records", () => {
  const api = "https://www.googleapis.com/compute/v1/projects/p1";
  const dailyUrl = `${api}/regions/europe-west1/resourcePolicies/daily-eu`;
  const policies = [
    {
      kind: "compute#resourcePolicy",
      id: "71",
      name: "daily-eu",
      creationTimestamp: "2026-01-10T08:00:00.000-08:00",
      region: `${api}/regions/europe-west1`,
      selfLink: dailyUrl,
      status: "READY",
      snapshotSchedulePolicy: {
        schedule: { dailySchedule: { daysInCycle: 1, startTime: "04:00" } },
        retentionPolicy: { maxRetentionDays: 14, onSourceDiskDelete: "KEEP_AUTO_SNAPSHOTS" },
        snapshotProperties: { storageLocations: ["us"], guestFlush: false },
      },
    },
    { kind: "compute#resourcePolicy", id: "72", name: "stop-vms", selfLink: `${api}/regions/europe-west1/resourcePolicies/stop-vms`, instanceSchedulePolicy: { timeZone: "UTC" } },
  ];
  const disks = [
    {
      id: "111",
      name: "data",
      zone: `${api}/zones/europe-west1-b`,
      selfLink: `${api}/zones/europe-west1-b/disks/data`,
      resourcePolicies: [dailyUrl, `${api}/regions/europe-west1/resourcePolicies/stop-vms`],
    },
    { id: "222", name: "scratch", zone: `${api}/zones/europe-west1-c`, selfLink: `${api}/zones/europe-west1-c/disks/scratch` },
    { id: "333", name: "logs", zone: `${api}/zones/europe-west1-b`, selfLink: `${api}/zones/europe-west1-b/disks/logs`, resourcePolicies: [`${api}/regions/europe-west1/resourcePolicies/gone`] },
  ];
  const snap = (id: string, over: Record<string, unknown>) => ({
    kind: "compute#snapshot",
    id,
    name: `snap-${id}`,
    selfLink: `${api}/global/snapshots/snap-${id}`,
    status: "READY",
    diskSizeGb: "100",
    storageBytesStatus: "UP_TO_DATE",
    ...over,
  });
  const snapshots = [
    snap("9001", { sourceDisk: `${api}/zones/europe-west1-b/disks/data`, sourceDiskId: "111", autoCreated: true, sourceSnapshotSchedulePolicy: dailyUrl, creationTimestamp: "2026-12-06T04:00:12.000Z", storageBytes: "1073741824", storageLocations: ["us"] }),
    snap("9002", { status: "CREATING", sourceDisk: `${api}/zones/europe-west1-b/disks/data`, sourceDiskId: "111", autoCreated: true, sourceSnapshotSchedulePolicy: dailyUrl, creationTimestamp: "2026-12-06T10:29:00.000Z", storageLocations: ["us"] }),
    // No sourceDiskId: matched by URL, whatever host the URL names.
    snap("9003", { sourceDisk: "https://compute.googleapis.com/compute/v1/projects/p1/zones/europe-west1-c/disks/scratch", creationTimestamp: "2026-11-20T00:00:00.000Z", storageBytes: "0", diskSizeGb: "10", storageLocations: ["europe-west1"] }),
    snap("9004", { status: "FAILED", sourceDisk: `${api}/zones/europe-west1-c/disks/scratch`, sourceDiskId: "222", creationTimestamp: "2026-11-27T00:00:00.000-00:00", storageLocations: ["europe-west1"] }),
    snap("9005", { status: "DELETING", sourceDiskId: "111", creationTimestamp: "2026-11-01T00:00:00Z" }),
    snap("9006", { creationTimestamp: "2026-11-01T00:00:00Z" }),
    // Made by a schedule the disk no longer has: filed with the disk's on-demand snapshots.
    snap("9007", { sourceDiskId: "111", sourceDisk: `${api}/zones/europe-west1-b/disks/data`, autoCreated: true, sourceSnapshotSchedulePolicy: `${api}/regions/europe-west1/resourcePolicies/old-weekly`, creationTimestamp: "2026-10-04T02:00:00Z", storageBytes: "2147483648" }),
  ];
  const { records, skipped } = gceSnapshotRecords({ project: "p1", now, policies, disks, snapshots });
  const configs = records.filter((r): r is NormalizedBackupConfiguration => r.record === "configuration");
  const runs = records.filter((r): r is NormalizedBackupExecution => r.record === "execution");

  it("one configuration per disk and attached schedule, and one per disk for the rest of its snapshots", () => {
    expect(configs.map((c) => [c.resourceId, c.sourceId, c.frequency, c.schedule, c.retentionDays, c.enabled, c.nextBackupAt ?? null])).toEqual([
      ["111", "snapshot-schedules/europe-west1/daily-eu", "daily", "daily at 04:00 UTC", 14, true, "2026-12-07T04:00:00.000Z"],
      ["222", "gce-snapshots/222", "weekly", null, null, false, null],
      ["111", "gce-snapshots/111", "monthly", null, null, false, null],
    ]);
    expect(configs[0]?.destination).toEqual({ service: "gce_snapshots", region: null, storage_locations: ["us"], default_location: false, disk_region: "europe-west1", cross_region: true });
    expect(configs[1]?.destination).toMatchObject({ region: "europe-west1", cross_region: false });
  });

  it.each([
    ["9001", "snapshot-schedules/europe-west1/daily-eu", "111", "completed", "2026-12-06T04:00:12.000Z", 1073741824, true],
    ["9002", "snapshot-schedules/europe-west1/daily-eu", "111", "in_progress", null, 100 * 1024 ** 3, true],
    ["9003", "gce-snapshots/222", "222", "completed", "2026-11-20T00:00:00.000Z", 10 * 1024 ** 3, false],
    ["9004", "gce-snapshots/222", "222", "failed", null, 100 * 1024 ** 3, false],
    ["9007", "gce-snapshots/111", "111", "completed", "2026-10-04T02:00:00.000Z", 2147483648, false],
  ])("snapshot %s → %s", (id, config, disk, status, completedAt, size, cross) => {
    const e = runs.find((r) => r.sourceId === `snapshots/${id}`) as NormalizedBackupExecution;
    expect([e.configurationSourceId, e.resourceId, e.status, e.completedAt, e.sizeBytes, e.details.cross_region]).toEqual([config, disk, status, completedAt, size, cross]);
    expect([e.details.snapshot, e.details.account]).toEqual(["gce", "p1"]);
    expect(e.recoveryPoint).toBe(status === "completed" ? `${api}/global/snapshots/snap-${id}` : null);
    expect(e.error === null).toBe(status !== "failed");
  });

  it("skips what is no recovery point of a known disk, and says why", () => {
    expect(skipped).toEqual([
      { itemId: "333", reason: `disk logs names resource policy ${api}/regions/europe-west1/resourcePolicies/gone, which the aggregated list did not return` },
      { itemId: "9005", reason: "snapshot snap-9005 is being deleted" },
      { itemId: "9006", reason: "snapshot snap-9006 names no source disk (made from an image or another snapshot); it cannot be linked to a resource" },
    ]);
    expect(runs).toHaveLength(5);
  });

  it("a policy that is not READY configures its disks as paused, with no next run", () => {
    const expired = policies.map((p) => (p.name === "daily-eu" ? { ...p, status: "EXPIRED" } : p));
    const c = gceSnapshotRecords({ project: "p1", now, policies: expired, disks, snapshots }).records.find((r) => r.sourceId === "snapshot-schedules/europe-west1/daily-eu") as NormalizedBackupConfiguration;
    expect([c.enabled, c.nextBackupAt]).toEqual([false, null]);
  });
});

describe("Compute Engine snapshots through the SDK", () => {
  let emu: GcpEmulator;
  let adapter: GcpAdapter;
  const clock = new Date("2026-12-06T10:30:00Z");
  beforeAll(async () => {
    emu = await startGcpEmulator({ seed: 7, size: 300, backupNow: clock });
    adapter = createGcpAdapter({
      credentials: { serviceAccountKey: emu.serviceAccountKey },
      projects: emu.projects,
      endpoint: emu.url,
      // Small pages, so policies, disks and snapshots are all followed through their page tokens.
      pageSize: 5,
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
  const read = async () => {
    const events: BackupEvent[] = [];
    for await (const e of adapter.streamBackups({ since: new Date(clock.getTime() - 30 * 86_400_000), now: clock })) events.push(e);
    const mine = events.filter((e) => e.scope.kind === "gce_snapshots");
    const records = mine.flatMap((e) => (e.type === "backup_page" ? e.records : []));
    return {
      events: mine,
      configs: records.filter((r): r is NormalizedBackupConfiguration => r.record === "configuration"),
      runs: records.filter((r): r is NormalizedBackupExecution => r.record === "execution"),
    };
  };

  it("configures every disk a schedule protects, with its next run and retention, one scope per project", async () => {
    const { events, configs } = await read();
    const schedules = emu.expectedSnapshotSchedules();
    expect(schedules.length).toBeGreaterThan(3);
    // Next runs by hand for the clock, a Sunday 10:30 UTC: daily 04:00 → Monday 04:00; Sundays 02:00 → next Sunday; every 6 h → 12:00.
    const next = { "snap-daily": "2026-12-07T04:00:00.000Z", "snap-weekly": "2026-12-13T02:00:00.000Z", "snap-hourly": "2026-12-06T12:00:00.000Z" };
    const frequency = { "snap-daily": "daily", "snap-weekly": "weekly", "snap-hourly": "hourly" };
    const scheduled = configs.filter((c) => c.sourceId.startsWith("snapshot-schedules/"));
    expect(scheduled.map((c) => `${c.account} ${c.resourceId} ${c.sourceId} ${c.frequency} ${c.retentionDays} ${c.nextBackupAt} ${c.destination.cross_region}`).sort()).toEqual(
      schedules
        .map((s) => `${s.project} ${s.diskId} snapshot-schedules/${s.diskRegion}/${s.policy} ${frequency[s.policy]} ${s.retentionDays} ${next[s.policy]} ${s.storageLocations.some((l) => l !== s.diskRegion)}`)
        .sort(),
    );
    expect(events.filter((e) => e.type === "scope_completed").map((e) => e.scope.account).sort()).toEqual([...emu.projects].sort());
  });

  it("reads every snapshot of a disk as an execution of its schedule, or of the disk's own configuration", async () => {
    const { runs, events } = await read();
    const expected = emu.expectedSnapshots().filter((s) => s.diskId !== null);
    expect(expected.some((s) => s.policy === null)).toBe(true);
    expect(expected.some((s) => s.status === "FAILED")).toBe(true);
    const status = { READY: "completed", CREATING: "in_progress", FAILED: "failed" } as const;
    expect(runs.map((e) => `${e.resourceId} ${e.sourceId} ${e.configurationSourceId} ${e.status} ${e.startedAt}`).sort()).toEqual(
      expected
        .map((s) => `${s.diskId} snapshots/${s.id} ${s.policy ? `snapshot-schedules/${s.diskRegion}/${s.policy}` : `gce-snapshots/${s.diskId}`} ${status[s.status]} ${s.createdAt.toISOString()}`)
        .sort(),
    );
    // The snapshot made from an image names no disk: skipped, with the reason.
    const skipped = events.filter((e) => e.type === "item_skipped").map((e) => (e.type === "item_skipped" ? e.reason : ""));
    expect(skipped.filter((r) => r.includes("golden-image-snapshot"))).toHaveLength(emu.projects.length);
  });

  it("a region that does not answer the aggregated list fails the project's snapshot scope", async () => {
    emu.setUnreachable(["us-central1"]);
    try {
      const { events } = await read();
      expect(events.filter((e) => e.type === "scope_failed").map((e) => e.scope.account).sort()).toEqual([...emu.projects].sort());
      expect(events.some((e) => e.type === "scope_completed")).toBe(false);
    } finally {
      emu.setUnreachable([]);
    }
  });
});
