import type { Snapshot } from "@aws-sdk/client-ec2";
import { type AwsEmulator, startAwsEmulator } from "@cloudsync/cloud-emulators";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAwsAdapter } from "../src/aws/index.ts";
import { ebsSnapshotRecords, frequencyOfStarts, snapshotManager } from "../src/aws/normalize-snapshots.ts";
import type { BackupEvent, NormalizedBackupConfiguration, NormalizedBackupExecution } from "../src/types.ts";

const at = (iso: string) => new Date(iso);
const where = { account: "111111111111", region: "eu-west-1" };

describe("EBS snapshot normalizers", () => {
  it.each([
    ["one snapshot (no gap)", ["2026-12-01T00:00:00Z"], "monthly"],
    ["hourly (gaps of 1 h)", ["2026-12-01T00:00:00Z", "2026-12-01T01:00:00Z", "2026-12-01T02:00:00Z"], "hourly"],
    ["daily (gaps of 24 h)", ["2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z", "2026-12-03T00:00:00Z"], "daily"],
    // Gaps 7 d and 7 d: median 168 h ≤ 240 h.
    ["weekly, given out of order", ["2026-12-15T00:00:00Z", "2026-12-01T00:00:00Z", "2026-12-08T00:00:00Z"], "weekly"],
    // Gaps 1 d, 30 d: an even count of gaps takes the mean of the middle two, 15.5 d > 10 d.
    ["monthly (median of 1 d and 30 d is 15.5 d)", ["2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z"], "monthly"],
    // Exactly 48 h is still daily.
    ["two days apart is daily", ["2026-12-01T00:00:00Z", "2026-12-03T00:00:00Z"], "daily"],
  ])("frequency of %s", (_name, starts, frequency) => {
    expect(frequencyOfStarts(starts.map(at))).toBe(frequency);
  });

  it.each([
    ["AWS Backup's tag", { "aws:backup:source-resource": "vol-1@x" }, { by: "aws_backup", policy: null }],
    ["a DLM policy's tag", { "aws:dlm:lifecycle-policy-id": "policy-1" }, { by: "dlm", policy: "policy-1" }],
    ["no tag of either", { Name: "nightly" }, null],
  ])("who deletes a snapshot: %s", (_name, tags, manager) => {
    expect(snapshotManager(tags)).toEqual(manager);
  });

  const snap = (over: Partial<Snapshot>): Snapshot => ({
    SnapshotId: "snap-1",
    VolumeId: "vol-1",
    State: "completed",
    StartTime: at("2026-09-01T04:00:00Z"),
    CompletionTime: at("2026-09-01T04:20:00Z"),
    VolumeSize: 100,
    ...over,
  });

  it("groups a volume's on-demand snapshots under one configuration without a declared retention", () => {
    const { records, skipped } = ebsSnapshotRecords(
      [snap({}), snap({ SnapshotId: "snap-2", StartTime: at("2026-09-08T04:00:00Z"), CompletionTime: undefined, State: "pending" }), snap({ SnapshotId: "snap-3", VolumeId: "vol-2", FullSnapshotSizeInBytes: 5 * 1024 ** 3 })],
      where,
    );
    expect(skipped).toEqual([]);
    const configs = records.filter((r): r is NormalizedBackupConfiguration => r.record === "configuration");
    expect(configs.map((c) => [c.sourceId, c.resourceId, c.backupType, c.frequency, c.retentionDays, c.enabled])).toEqual([
      ["ebs-snapshots/vol-1", "vol-1", "snapshot", "weekly", null, false],
      ["ebs-snapshots/vol-2", "vol-2", "snapshot", "monthly", null, false],
    ]);
    const runs = records.filter((r): r is NormalizedBackupExecution => r.record === "execution");
    expect(runs.map((r) => [r.sourceId, r.configurationSourceId, r.status, r.startedAt, r.completedAt, r.sizeBytes, r.recoveryPoint, r.location])).toEqual([
      // 100 GiB volume, no full size reported: the volume size.
      ["snap-1", "ebs-snapshots/vol-1", "completed", "2026-09-01T04:00:00.000Z", "2026-09-01T04:20:00.000Z", 100 * 1024 ** 3, "snap-1", "eu-west-1"],
      ["snap-2", "ebs-snapshots/vol-1", "in_progress", "2026-09-08T04:00:00.000Z", null, 100 * 1024 ** 3, null, "eu-west-1"],
      // The full snapshot size wins over the volume size when EC2 reports it.
      ["snap-3", "ebs-snapshots/vol-2", "completed", "2026-09-01T04:00:00.000Z", "2026-09-01T04:20:00.000Z", 5 * 1024 ** 3, "snap-3", "eu-west-1"],
    ]);
    expect(runs[0]?.details).toMatchObject({ snapshot: "ebs", snapshot_id: "snap-1", account: "111111111111", region: "eu-west-1" });
  });

  it("an errored snapshot failed with EC2's message", () => {
    const { records } = ebsSnapshotRecords([snap({ State: "error", StateMessage: "internal error" })], where);
    expect(records.find((r): r is NormalizedBackupExecution => r.record === "execution")).toMatchObject({ status: "failed", error: "internal error", completedAt: null, recoveryPoint: null });
  });

  it.each([
    ["AWS Backup's recovery point", snap({ Tags: [{ Key: "aws:backup:source-resource", Value: "vol-1@x" }] }), /AWS Backup recovery point/],
    ["a DLM policy's snapshot", snap({ Tags: [{ Key: "aws:dlm:lifecycle-policy-id", Value: "policy-9" }] }), /Data Lifecycle Manager policy policy-9/],
    ["one in the Recycle Bin", snap({ State: "recoverable" }), /Recycle Bin/],
    ["a copy (vol-ffffffff)", snap({ VolumeId: "vol-ffffffff" }), /names no source volume/],
    ["an unknown state", snap({ State: "lost" as never }), /unknown State "lost"/],
    ["no start time", snap({ StartTime: undefined }), /no StartTime/],
  ])("skips %s, saying why", (_name, s, reason) => {
    const { records, skipped } = ebsSnapshotRecords([s], where);
    expect(records).toEqual([]);
    expect(skipped).toHaveLength(1);
    expect(skipped[0]?.reason).toMatch(reason);
  });
});

describe("EBS snapshots through the SDK", () => {
  let emu: AwsEmulator;
  const now = new Date("2026-12-06T10:30:00Z");
  beforeAll(async () => {
    emu = await startAwsEmulator({ seed: 11, size: 160, regions: ["us-east-1", "eu-west-1"], backupNow: now });
  });
  afterAll(() => emu.close());
  const read = async () => {
    const adapter = createAwsAdapter({
      credentials: emu.baseCredentials,
      accounts: [{ accountId: "111111111111" }, { accountId: "222222222222", roleArn: "arn:aws:iam::222222222222:role/cloudsync-reader" }],
      endpoint: emu.endpoint,
      regions: ["us-east-1", "eu-west-1"],
      requestsPerSecond: 1000,
      // The API's smallest page, so every region is followed through NextToken.
      pageSize: 5,
    });
    const events: BackupEvent[] = [];
    for await (const e of adapter.streamBackups({ since: new Date(now.getTime() - 86_400_000) })) events.push(e);
    return events.filter((e) => e.scope.kind === "ebs_snapshots");
  };

  it("reads every snapshot the accounts own, paging through NextToken, and skips what it must, saying why", async () => {
    const events = await read();
    const records = events.flatMap((e) => (e.type === "backup_page" ? e.records : []));
    const runs = records.filter((r): r is NormalizedBackupExecution => r.record === "execution");
    const accounts = new Set(["111111111111", "222222222222"]);
    const expected = emu.expectedSnapshots().filter((s) => accounts.has(s.account));
    const read_ = expected.filter((s) => !s.skip);
    expect(read_.length).toBeGreaterThan(10);
    const status = { completed: "completed", pending: "in_progress", error: "failed", recoverable: "never" } as const;
    expect(runs.map((r) => `${r.account} ${r.location} ${r.sourceId} ${r.resourceId} ${r.status} ${r.startedAt} ${r.completedAt}`).sort()).toEqual(
      read_.map((s) => `${s.account} ${s.region} ${s.snapshotId} ${s.volumeId} ${status[s.state]} ${s.startTime.toISOString()} ${s.completionTime?.toISOString() ?? null}`).sort(),
    );
    // Each state the estate has is mapped.
    expect(new Set(runs.map((r) => r.status))).toEqual(new Set(["completed", "in_progress", "failed"]));
    // One configuration per snapshotted volume, and the volumes are the estate's.
    const configs = records.filter((r): r is NormalizedBackupConfiguration => r.record === "configuration");
    expect(configs.map((c) => c.resourceId).sort()).toEqual([...new Set(read_.map((s) => s.volumeId))].sort());
    const skipped = events.filter((e) => e.type === "item_skipped");
    expect(skipped.map((e) => (e.type === "item_skipped" ? e.itemId : null)).sort()).toEqual(expected.filter((s) => s.skip).map((s) => s.snapshotId).sort());
    expect(events.filter((e) => e.type === "scope_completed")).toHaveLength(4);
    // More snapshots than one page of five in a region: NextToken was followed.
    expect(emu.requests.get("ec2:DescribeSnapshots")).toBeGreaterThan(4);
  });

  it("a region whose listing keeps failing fails only its snapshot scope, naming the call", async () => {
    emu.faults.set({ serverErrors: 1000, match: "ec2:DescribeSnapshots 222222222222/eu-west-1" });
    try {
      const events = await read();
      const failed = events.filter((e) => e.type === "scope_failed");
      expect(failed.map((e) => `${e.scope.account}:${e.scope.region}`)).toEqual(["222222222222:eu-west-1"]);
      expect(failed[0]?.type === "scope_failed" && failed[0].error.message).toMatch(/DescribeSnapshots/);
      expect(events.filter((e) => e.type === "scope_completed")).toHaveLength(3);
    } finally {
      emu.faults.clear();
    }
  });
});
