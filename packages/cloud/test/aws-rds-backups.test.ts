import { type DBInstance, type DBSnapshot, DescribeDBInstancesCommand, DescribeDBSnapshotsCommand, RDSClient } from "@aws-sdk/client-rds";
import { type AwsEmulator, startAwsEmulator } from "@cloudsync/cloud-emulators";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAwsAdapter } from "../src/aws/index.ts";
import { automatedBackupConfiguration, dbSnapshotStates, instanceArnOfSnapshot, nextWindowStart, rdsSnapshotRecords } from "../src/aws/normalize-rds-backups.ts";
import type { BackupEvent, NormalizedBackupConfiguration, NormalizedBackupExecution } from "../src/types.ts";

const at = (iso: string) => new Date(iso);
const where = { account: "111111111111", region: "eu-west-1" };
const gib = 1024 ** 3;

describe("RDS backup normalizers", () => {
  // The window is UTC, RDS backs up once a day in it; the next start is strictly after now.
  it.each([
    ["a window already past today: tomorrow's", "2026-12-06T10:30:00Z", "03:00-03:30", "2026-12-07T03:00:00.000Z"],
    ["a window still ahead today: today's", "2026-12-06T10:30:00Z", "22:15-22:45", "2026-12-06T22:15:00.000Z"],
    ["a window starting exactly now: tomorrow's", "2026-12-06T10:30:00Z", "10:30-11:00", "2026-12-07T10:30:00.000Z"],
    ["inside the window: tomorrow's (today's is under way)", "2026-12-06T10:30:00Z", "10:00-10:45", "2026-12-07T10:00:00.000Z"],
    ["a window across midnight: its start counts", "2026-12-06T10:30:00Z", "23:45-00:15", "2026-12-06T23:45:00.000Z"],
    ["over the year's end", "2026-12-31T23:50:00Z", "00:05-00:35", "2027-01-01T00:05:00.000Z"],
  ])("next backup window: %s", (_name, now, window, next) => {
    expect(nextWindowStart(window, at(now))?.toISOString()).toBe(next);
  });

  it.each([["no window", undefined], ["hours without a leading zero", "3:00-3:30"], ["hour 25", "25:00-25:30"], ["a weekly maintenance form", "sun:03:00-sun:03:30"]])(
    "next backup window: %s is unreadable (null)",
    (_name, window) => {
      expect(nextWindowStart(window, at("2026-12-06T10:30:00Z"))).toBeNull();
    },
  );

  it.each([
    ["an automated snapshot", { DBSnapshotArn: "arn:aws:rds:eu-west-1:111111111111:snapshot:rds:orders-db-2026-12-05-03-00", DBInstanceIdentifier: "orders-db" }, "arn:aws:rds:eu-west-1:111111111111:db:orders-db"],
    [
      "a copy from another region: the instance is in SourceRegion",
      { DBSnapshotArn: "arn:aws:rds:us-east-1:111111111111:snapshot:orders-copy", DBInstanceIdentifier: "orders-db", SourceRegion: "eu-west-1" },
      "arn:aws:rds:eu-west-1:111111111111:db:orders-db",
    ],
    ["the China partition", { DBSnapshotArn: "arn:aws-cn:rds:cn-north-1:111111111111:snapshot:s1", DBInstanceIdentifier: "db1" }, "arn:aws-cn:rds:cn-north-1:111111111111:db:db1"],
    ["no instance identifier", { DBSnapshotArn: "arn:aws:rds:eu-west-1:111111111111:snapshot:s1" }, null],
    ["no snapshot ARN", { DBInstanceIdentifier: "db1" }, null],
  ])("instance of %s", (_name, s, arn) => {
    expect(instanceArnOfSnapshot(s as DBSnapshot)).toBe(arn);
  });

  it.each([
    ["available", "completed"],
    ["creating", "in_progress"],
    ["copying", "in_progress"],
    ["backing-up", "in_progress"],
    ["failed", "failed"],
    ["deleting", undefined],
  ])("snapshot status %s → %s", (status, mapped) => {
    expect(dbSnapshotStates[status]).toBe(mapped);
  });

  const now = at("2026-12-06T10:30:00Z");
  const db = (over: Partial<DBInstance>): DBInstance => ({
    DBInstanceIdentifier: "orders-db",
    DBInstanceArn: "arn:aws:rds:eu-west-1:111111111111:db:orders-db",
    BackupRetentionPeriod: 7,
    PreferredBackupWindow: "03:00-03:30",
    LatestRestorableTime: at("2026-12-06T10:25:00Z"),
    ...over,
  });

  it("backups on: a daily snapshot configuration kept the retention's days, next at the window's next start, with its copies", () => {
    const c = automatedBackupConfiguration(
      db({ DBInstanceAutomatedBackupsReplications: [{ DBInstanceAutomatedBackupsArn: "arn:aws:rds:us-west-2:111111111111:auto-backup:ab-1" }] }),
      where,
      now,
    ) as NormalizedBackupConfiguration;
    expect([c.sourceId, c.resourceId, c.backupType, c.frequency, c.schedule, c.retentionDays, c.enabled, c.nextBackupAt]).toEqual([
      "rds-automated/arn:aws:rds:eu-west-1:111111111111:db:orders-db",
      "arn:aws:rds:eu-west-1:111111111111:db:orders-db",
      "snapshot",
      "daily",
      "03:00-03:30",
      7,
      true,
      // 03:00 has passed at 10:30: tomorrow's.
      "2026-12-07T03:00:00.000Z",
    ]);
    expect(c.destination).toEqual({ region: "eu-west-1", service: "rds", copies: [{ arn: "arn:aws:rds:us-west-2:111111111111:auto-backup:ab-1", region: "us-west-2" }] });
    expect(c.details).toMatchObject({ point_in_time_recovery: true });
    // It moves every few minutes: keeping it would rewrite the configuration on every sync.
    expect(c.details).not.toHaveProperty("latest_restorable_time");
  });

  it("retention 0: backups disabled, nothing kept, no next backup, and the details say why", () => {
    const c = automatedBackupConfiguration(db({ BackupRetentionPeriod: 0, LatestRestorableTime: undefined }), where, now) as NormalizedBackupConfiguration;
    expect([c.retentionDays, c.enabled, c.nextBackupAt]).toEqual([0, false, null]);
    expect(c.details.disabled_reason).toMatch(/BackupRetentionPeriod is 0/);
  });

  it("an unreadable window leaves the next backup to the runs (undefined)", () => {
    const c = automatedBackupConfiguration(db({ PreferredBackupWindow: undefined }), where, now) as NormalizedBackupConfiguration;
    expect(c.enabled).toBe(true);
    expect(c.nextBackupAt).toBeUndefined();
  });

  it.each([
    ["no ARN", db({ DBInstanceArn: undefined }), /without DBInstanceArn/],
    ["no retention", db({ BackupRetentionPeriod: undefined }), /no BackupRetentionPeriod/],
  ])("an instance with %s is skipped, saying why", (_name, instance, reason) => {
    const out = automatedBackupConfiguration(instance, where, now);
    expect("reason" in out && out.reason).toMatch(reason);
  });

  const snap = (over: Partial<DBSnapshot>): DBSnapshot => ({
    DBSnapshotIdentifier: "rds:orders-db-2026-12-05-03-00",
    DBSnapshotArn: "arn:aws:rds:eu-west-1:111111111111:snapshot:rds:orders-db-2026-12-05-03-00",
    DBInstanceIdentifier: "orders-db",
    SnapshotType: "automated",
    Status: "available",
    SnapshotCreateTime: at("2026-12-05T03:00:00Z"),
    AllocatedStorage: 100,
    Encrypted: true,
    ...over,
  });
  const instance = "arn:aws:rds:eu-west-1:111111111111:db:orders-db";

  it("automated snapshots run under the automated configuration; manual ones under one on-demand configuration per instance", () => {
    const { records, skipped } = rdsSnapshotRecords(
      [
        snap({}),
        snap({ DBSnapshotIdentifier: "pre", DBSnapshotArn: "arn:aws:rds:eu-west-1:111111111111:snapshot:pre", SnapshotType: "manual", SnapshotCreateTime: at("2026-10-27T09:00:00Z") }),
        snap({ DBSnapshotIdentifier: "pre2", DBSnapshotArn: "arn:aws:rds:eu-west-1:111111111111:snapshot:pre2", SnapshotType: "manual", Status: "creating", SnapshotCreateTime: at("2026-11-03T09:00:00Z") }),
        snap({ DBSnapshotIdentifier: "bad", DBSnapshotArn: "arn:aws:rds:eu-west-1:111111111111:snapshot:bad", SnapshotType: "manual", Status: "failed", SnapshotCreateTime: at("2026-11-10T09:00:00Z") }),
      ],
      where,
    );
    expect(skipped).toEqual([]);
    const configs = records.filter((r): r is NormalizedBackupConfiguration => r.record === "configuration");
    // Manual snapshots 7 days apart: weekly; kept until deleted; nothing schedules them.
    expect(configs.map((c) => [c.sourceId, c.resourceId, c.frequency, c.retentionDays, c.enabled])).toEqual([[`rds-snapshots/${instance}`, instance, "weekly", null, false]]);
    const runs = records.filter((r): r is NormalizedBackupExecution => r.record === "execution");
    expect(runs.map((r) => [r.sourceId.split(":").pop(), r.configurationSourceId, r.status, r.startedAt, r.completedAt, r.sizeBytes, r.recoveryPoint !== null, r.error !== null])).toEqual([
      ["pre", `rds-snapshots/${instance}`, "completed", "2026-10-27T09:00:00.000Z", "2026-10-27T09:00:00.000Z", 100 * gib, true, false],
      ["pre2", `rds-snapshots/${instance}`, "in_progress", "2026-11-03T09:00:00.000Z", null, 100 * gib, false, false],
      ["bad", `rds-snapshots/${instance}`, "failed", "2026-11-10T09:00:00.000Z", null, 100 * gib, false, true],
      // The automated one, under the configuration DescribeDBInstances gave.
      ["orders-db-2026-12-05-03-00", `rds-automated/${instance}`, "completed", "2026-12-05T03:00:00.000Z", "2026-12-05T03:00:00.000Z", 100 * gib, true, false],
    ]);
    // What the writer's deleted-marking and the demo read.
    expect(runs[0]?.details).toMatchObject({ snapshot: "rds", account: "111111111111", region: "eu-west-1", encrypted: true, copied_from_region: null });
  });

  it("a copy from another region is a manual run of the source region's instance, and says where it came from", () => {
    const { records } = rdsSnapshotRecords(
      [snap({ DBSnapshotArn: "arn:aws:rds:eu-west-1:111111111111:snapshot:c", SnapshotType: "manual", SourceRegion: "us-east-1", OriginalSnapshotCreateTime: at("2026-12-01T00:00:00Z") })],
      where,
    );
    const run = records.find((r): r is NormalizedBackupExecution => r.record === "execution");
    expect([run?.resourceId, run?.configurationSourceId, run?.location, run?.details.copied_from_region, run?.details.original_create_time]).toEqual([
      "arn:aws:rds:us-east-1:111111111111:db:orders-db",
      // Its own configuration, of the region it is kept in: the source region's listing says alone what it holds.
      "rds-snapshot-copies/eu-west-1/arn:aws:rds:us-east-1:111111111111:db:orders-db",
      "eu-west-1",
      "us-east-1",
      "2026-12-01T00:00:00.000Z",
    ]);
  });

  it.each([
    ["an AWS Backup recovery point", snap({ SnapshotType: "awsbackup" }), /AWS Backup recovery point/],
    ["a snapshot shared by another account", snap({ SnapshotType: "shared" }), /not one this account took/],
    ["a snapshot being deleted", snap({ Status: "deleting" }), /"deleting", which is no recovery point/],
    ["a snapshot naming no instance", snap({ DBInstanceIdentifier: undefined }), /names no DB instance/],
    ["a snapshot without creation time", snap({ SnapshotCreateTime: undefined }), /no SnapshotCreateTime/],
    ["a snapshot without ARN", snap({ DBSnapshotArn: undefined }), /without DBSnapshotArn/],
  ])("skips %s, saying why", (_name, s, reason) => {
    const { records, skipped } = rdsSnapshotRecords([s], where);
    expect(records).toEqual([]);
    expect(skipped[0]?.reason).toMatch(reason);
  });
});

describe("RDS backups through the SDK", () => {
  let emu: AwsEmulator;
  const now = new Date("2026-12-06T10:30:00Z");
  const regions = ["us-east-1", "eu-west-1"];
  beforeAll(async () => {
    emu = await startAwsEmulator({ seed: 11, size: 700, regions, backupNow: now });
  });
  afterAll(() => emu.close());
  const read = async () => {
    const adapter = createAwsAdapter({
      credentials: emu.baseCredentials,
      accounts: [{ accountId: "111111111111" }, { accountId: "222222222222", roleArn: "arn:aws:iam::222222222222:role/cloudsync-reader" }],
      endpoint: emu.endpoint,
      regions,
      requestsPerSecond: 1000,
      // Below the API's smallest page (20): the reader asks for 20, so regions with more are followed through Marker.
      pageSize: 5,
    });
    const events: BackupEvent[] = [];
    for await (const e of adapter.streamBackups({ since: new Date(now.getTime() - 86_400_000), now })) events.push(e);
    return events.filter((e) => e.scope.kind === "rds_snapshots");
  };
  const accounts = new Set(["111111111111", "222222222222"]);

  it("reads every instance's automated-backup settings and every DB snapshot, paging through Marker", async () => {
    const events = await read();
    const records = events.flatMap((e) => (e.type === "backup_page" ? e.records : []));
    const expected = emu.expectedRdsBackups();
    const instances = expected.instances.filter((i) => accounts.has(i.account));
    const configs = records.filter((r): r is NormalizedBackupConfiguration => r.record === "configuration" && r.sourceId.startsWith("rds-automated/"));
    // The emulator states each window; the next start is computed here by hand from it and the clock.
    const nextOf = (window: string) => {
      const [h, m] = window.slice(0, 5).split(":").map(Number) as [number, number];
      const today = Date.UTC(2026, 11, 6, h, m);
      return new Date(today > now.getTime() ? today : today + 86_400_000).toISOString();
    };
    expect(configs.map((c) => `${c.resourceId} ${c.retentionDays} ${c.enabled} ${c.schedule} ${c.nextBackupAt}`).sort()).toEqual(
      instances.map((i) => `${i.instanceArn} ${i.retentionDays} ${i.retentionDays > 0} ${i.window} ${i.retentionDays > 0 ? nextOf(i.window) : null}`).sort(),
    );
    // Both sides of the rule, and a replication, are in the estate.
    expect(new Set(configs.map((c) => c.enabled))).toEqual(new Set([true, false]));
    const replicated = instances.filter((i) => i.replicatedTo.length > 0);
    expect(replicated.length).toBeGreaterThan(0);
    for (const i of replicated) {
      const c = configs.find((x) => x.resourceId === i.instanceArn);
      expect(((c?.destination.copies ?? []) as { region: string }[]).map((x) => x.region)).toEqual(i.replicatedTo);
    }

    const snapshots = expected.snapshots.filter((s) => accounts.has(s.account));
    const runs = records.filter((r): r is NormalizedBackupExecution => r.record === "execution");
    const status = { available: "completed", creating: "in_progress", failed: "failed" } as const;
    expect(runs.map((r) => `${r.location} ${r.sourceId} ${r.resourceId} ${r.configurationSourceId?.split("/")[0]} ${r.status} ${r.startedAt}`).sort()).toEqual(
      snapshots
        .map((s) => `${s.region} ${s.arn} ${s.instanceArn} ${s.type === "automated" ? "rds-automated" : s.sourceRegion ? "rds-snapshot-copies" : "rds-snapshots"} ${status[s.status]} ${s.createTime.toISOString()}`)
        .sort(),
    );
    expect(new Set(runs.map((r) => r.status))).toEqual(new Set(["completed", "in_progress", "failed"]));
    // The copy from another region is read in the region it is listed in, against its source instance.
    expect(snapshots.some((s) => s.sourceRegion !== null)).toBe(true);
    expect(runs.filter((r) => r.details.copied_from_region !== null).length).toBe(snapshots.filter((s) => s.sourceRegion !== null).length);
    expect(events.filter((e) => e.type === "item_skipped")).toEqual([]);
    expect(events.filter((e) => e.type === "scope_completed")).toHaveLength(4);
    // Some region holds more than one page of 20 snapshots: Marker was followed.
    const perScope = new Map<string, number>();
    for (const s of snapshots) perScope.set(`${s.account}/${s.region}`, (perScope.get(`${s.account}/${s.region}`) ?? 0) + 1);
    expect(Math.max(...perScope.values())).toBeGreaterThan(20);
    expect(emu.requests.get("rds:DescribeDBSnapshots")).toBeGreaterThan(4);
  });

  it("a region whose snapshot listing keeps failing fails only its RDS scope, naming the call", async () => {
    emu.faults.set({ serverErrors: 1000, match: "rds:DescribeDBSnapshots 222222222222/eu-west-1" });
    try {
      const events = await read();
      const failed = events.filter((e) => e.type === "scope_failed");
      expect(failed.map((e) => `${e.scope.account}:${e.scope.region}:${e.scope.kind}`)).toEqual(["222222222222:eu-west-1:rds_snapshots"]);
      expect(failed[0]?.type === "scope_failed" && failed[0].error.message).toMatch(/DescribeDBSnapshots/);
      expect(events.filter((e) => e.type === "scope_completed")).toHaveLength(3);
    } finally {
      emu.faults.clear();
    }
  });

  it("the emulator answers unknown identifiers with RDS's documented not-found faults", async () => {
    const client = new RDSClient({ endpoint: emu.endpoint, region: "us-east-1", credentials: emu.baseCredentials, maxAttempts: 1 });
    try {
      const snapshot = await client.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: "no-such-snapshot" })).catch((e: unknown) => e as Error & { $metadata: { httpStatusCode: number } });
      expect([(snapshot as Error).name, (snapshot as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode]).toEqual(["DBSnapshotNotFoundFault", 404]);
      const db = await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: "no-such-db" })).catch((e: unknown) => e as Error);
      expect([(db as Error).name, (db as Error).message]).toEqual(["DBInstanceNotFoundFault", "DBInstance no-such-db not found."]);
      const both = await client.send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: "a", DBSnapshotIdentifier: "b" })).catch((e: unknown) => e as Error);
      expect((both as Error).name).toBe("InvalidParameterCombination");
    } finally {
      client.destroy();
    }
  });
});
