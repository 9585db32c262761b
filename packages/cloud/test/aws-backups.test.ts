import type { BackupJob, BackupRule } from "@aws-sdk/client-backup";
import { type AwsEmulator, startAwsEmulator } from "@cloudsync/cloud-emulators";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAwsAdapter } from "../src/aws/index.ts";
import { configurationsOfRule, executionOfJob, frequencyOfSchedule, resourceIdOfArn } from "../src/aws/normalize-backups.ts";
import type { BackupEvent, NormalizedBackupConfiguration, NormalizedBackupExecution } from "../src/types.ts";

describe("AWS Backup normalizers", () => {
  it.each([
    ["daily at 05:00", "cron(0 5 ? * * *)", "daily"],
    ["every hour", "cron(0 * ? * * *)", "hourly"],
    ["every 12 hours (a step in the hour field)", "cron(0 */12 ? * * *)", "hourly"],
    ["twice a day (a list in the hour field)", "cron(0 5,17 ? * * *)", "hourly"],
    ["Sundays", "cron(0 5 ? * SUN *)", "weekly"],
    ["first of the month", "cron(0 5 1 * ? *)", "monthly"],
    ["five fields (no year)", "cron(0 5 ? * *)", "daily"],
    ["rate in hours", "rate(12 hours)", "hourly"],
    ["rate of one day", "rate(1 day)", "daily"],
    ["rate of seven days", "rate(7 days)", "weekly"],
    ["rate of thirty days", "rate(30 days)", "monthly"],
    ["not an expression", "at(2026-01-01T00:00:00)", null],
    ["absent", undefined, null],
  ] as const)("frequency of %s", (_name, expression, frequency) => {
    expect(frequencyOfSchedule(expression)).toBe(frequency);
  });

  it.each([
    ["an EC2 instance by its id", "arn:aws:ec2:us-east-1:111111111111:instance/i-0abc", "i-0abc"],
    ["an EBS volume by its id", "arn:aws:ec2:eu-west-1:111111111111:volume/vol-0def", "vol-0def"],
    ["an S3 bucket by its name", "arn:aws:s3:::wedding-photos", "wedding-photos"],
    ["an RDS instance by its ARN", "arn:aws:rds:us-east-1:111111111111:db:guests", "arn:aws:rds:us-east-1:111111111111:db:guests"],
    ["a DynamoDB table by its ARN", "arn:aws:dynamodb:us-east-1:111111111111:table/rsvps", "arn:aws:dynamodb:us-east-1:111111111111:table/rsvps"],
  ])("resource id of %s", (_name, arn, id) => expect(resourceIdOfArn(arn)).toBe(id));

  const where = { account: "111111111111", region: "us-east-1", planId: "plan-1", planName: "daily" };
  it("crosses a rule with every selected resource, retention from the lifecycle", () => {
    const rule: BackupRule = {
      RuleName: "daily",
      RuleId: "rule-1",
      TargetBackupVaultName: "Default",
      ScheduleExpression: "cron(0 5 ? * * *)",
      Lifecycle: { DeleteAfterDays: 35 },
      CopyActions: [{ DestinationBackupVaultArn: "arn:aws:backup:eu-west-1:111111111111:backup-vault:dr" }],
    };
    const out = configurationsOfRule(rule, ["arn:aws:ec2:us-east-1:111111111111:volume/vol-1", "arn:aws:rds:us-east-1:111111111111:db:a"], where);
    expect("skip" in out).toBe(false);
    const rows = out as NormalizedBackupConfiguration[];
    expect(rows.map((r) => [r.sourceId, r.resourceId, r.backupType, r.frequency, r.retentionDays])).toEqual([
      ["plan-1/rule-1", "vol-1", "snapshot", "daily", 35],
      ["plan-1/rule-1", "arn:aws:rds:us-east-1:111111111111:db:a", "snapshot", "daily", 35],
    ]);
    expect(rows[0]?.destination).toEqual({ vault: "Default", region: "us-east-1", copies: [{ vault: "arn:aws:backup:eu-west-1:111111111111:backup-vault:dr", region: "eu-west-1" }] });
  });
  it("a continuous rule is continuous whatever its schedule; no lifecycle keeps recovery points until deleted", () => {
    const out = configurationsOfRule({ RuleName: "pitr", RuleId: "r", EnableContinuousBackup: true, ScheduleExpression: "cron(0 5 ? * * *)" } as BackupRule, ["arn:aws:rds:x:1:db:a"], where);
    expect((out as NormalizedBackupConfiguration[]).map((r) => [r.backupType, r.frequency, r.retentionDays])).toEqual([["continuous", "continuous", null]]);
  });
  it("a rule whose schedule cannot be read is skipped with the reason", () => {
    expect(configurationsOfRule({ RuleName: "odd", RuleId: "r", ScheduleExpression: "whenever" } as BackupRule, ["arn:aws:rds:x:1:db:a"], where)).toEqual({
      skip: 'rule r of plan plan-1: schedule "whenever" is not a cron() or rate() expression',
    });
  });

  const job = (over: Partial<BackupJob>): BackupJob => ({
    BackupJobId: "job-1",
    ResourceArn: "arn:aws:ec2:us-east-1:111111111111:volume/vol-1",
    CreationDate: new Date("2026-12-06T05:00:00Z"),
    CompletionDate: new Date("2026-12-06T05:12:00Z"),
    State: "COMPLETED",
    BackupSizeInBytes: 1_073_741_824,
    RecoveryPointArn: "arn:aws:ec2:us-east-1::snapshot/snap-1",
    CreatedBy: { BackupPlanId: "plan-1", BackupRuleId: "rule-1" },
    ...over,
  });
  it.each([
    ["completed keeps its recovery point", {}, ["completed", "2026-12-06T05:12:00.000Z", "arn:aws:ec2:us-east-1::snapshot/snap-1", null]],
    ["running has no end yet", { State: "RUNNING" as const, CompletionDate: undefined }, ["in_progress", null, null, null]],
    ["pending is under way", { State: "PENDING" as const }, ["in_progress", null, null, null]],
    ["failed keeps the cloud's message", { State: "FAILED" as const, StatusMessage: "snapshot limit" }, ["failed", "2026-12-06T05:12:00.000Z", null, "snapshot limit"]],
    ["expired never started", { State: "EXPIRED" as const }, ["failed", "2026-12-06T05:12:00.000Z", null, "job expired"]],
    ["partial is no whole recovery point", { State: "PARTIAL" as const }, ["failed", "2026-12-06T05:12:00.000Z", null, "job partial"]],
    ["aborted was cancelled", { State: "ABORTED" as const }, ["cancelled", "2026-12-06T05:12:00.000Z", null, "job aborted"]],
  ])("job state: %s", (_name, over, [status, completedAt, recoveryPoint, error]) => {
    const e = executionOfJob(job(over), "111111111111", "us-east-1") as NormalizedBackupExecution;
    expect([e.status, e.completedAt, e.recoveryPoint, e.error]).toEqual([status, completedAt, recoveryPoint, error]);
    expect([e.sourceId, e.configurationSourceId, e.resourceId]).toEqual(["job-1", "plan-1/rule-1", "vol-1"]);
  });
  it("an on-demand job names no configuration", () => {
    expect((executionOfJob(job({ CreatedBy: {} }), "1", "r") as NormalizedBackupExecution).configurationSourceId).toBeNull();
  });
  it.each([
    ["no id", { BackupJobId: undefined }, "a backup job without BackupJobId"],
    ["an unknown state", { State: "LOST" as never }, 'backup job job-1 has an unknown State "LOST"'],
  ])("skips a job with %s", (_name, over, reason) => expect(executionOfJob(job(over), "1", "r")).toEqual({ skip: reason }));
});

describe("AWS Backup through the SDK", () => {
  let emu: AwsEmulator;
  const now = new Date("2026-12-06T10:30:00Z");
  beforeAll(async () => {
    emu = await startAwsEmulator({ seed: 7, size: 120, regions: ["us-east-1", "eu-west-1"], backupNow: now });
  });
  afterAll(() => emu.close());
  const adapter = () =>
    createAwsAdapter({
      credentials: emu.baseCredentials,
      accounts: [{ accountId: "111111111111" }, { accountId: "222222222222", roleArn: "arn:aws:iam::222222222222:role/cloudsync-reader" }],
      endpoint: emu.endpoint,
      regions: ["us-east-1", "eu-west-1"],
      requestsPerSecond: 1000,
      // Small pages so every list is followed through NextToken.
      pageSize: 7,
    });
  const read = async (since: Date) => {
    const events: BackupEvent[] = [];
    for await (const e of adapter().streamBackups({ since })) events.push(e);
    return events;
  };

  it("reads every plan rule × selected resource and every job since the start, paging through NextToken", async () => {
    const events = await read(new Date(now.getTime() - 30 * 86_400_000));
    // The EBS snapshot and RDS scopes of the same stream are checked in aws-snapshots.test.ts and aws-rds-backups.test.ts.
    const records = events.flatMap((e) => (e.type === "backup_page" && e.scope.kind === "backups" ? e.records : []));
    const configs = records.filter((r): r is NormalizedBackupConfiguration => r.record === "configuration");
    const runs = records.filter((r): r is NormalizedBackupExecution => r.record === "execution");
    const expected = emu.expectedBackups();
    const accounts = new Set(["111111111111", "222222222222"]);
    const plans = expected.plans.filter((p) => accounts.has(p.account));
    const jobs = expected.jobs.filter((j) => accounts.has(j.account));
    expect(plans.length).toBeGreaterThan(0);
    expect(configs.map((c) => `${c.account} ${c.sourceId} ${c.resourceId} ${c.frequency} ${c.retentionDays}`).sort()).toEqual(
      plans.flatMap((p) => p.resourceIds.map((id) => `${p.account} ${p.planId}/${p.ruleId} ${id} ${p.frequency} ${p.deleteAfterDays}`)).sort(),
    );
    const status = { COMPLETED: "completed", FAILED: "failed", RUNNING: "in_progress" } as const;
    expect(runs.map((r) => `${r.sourceId} ${r.resourceId} ${r.configurationSourceId} ${r.status} ${r.startedAt} ${r.completedAt} ${r.sizeBytes}`).sort()).toEqual(
      jobs
        .map((j) => `${j.jobId} ${j.resourceId} ${j.planId}/${j.ruleId} ${status[j.state]} ${j.createdAt.toISOString()} ${j.completedAt?.toISOString() ?? null} ${j.sizeBytes}`)
        .sort(),
    );
    // The estate has each outcome, so the mapping above is exercised on all three.
    expect(new Set(runs.map((r) => r.status))).toEqual(new Set(["completed", "failed", "in_progress"]));
    const completed = events.filter((e) => e.type === "scope_completed").map((e) => `${e.scope.account}:${e.scope.region}:${e.scope.kind}`);
    expect(completed.sort()).toEqual(
      ["111111111111", "222222222222"].flatMap((a) => ["eu-west-1", "us-east-1"].flatMap((r) => [`${a}:${r}:backups`, `${a}:${r}:ebs_snapshots`, `${a}:${r}:rds_snapshots`])),
    );
    expect(emu.requests.get("backup:ListBackupJobs")).toBeGreaterThan(4);
  });

  it("asks only for jobs created after the start", async () => {
    const since = new Date(now.getTime() - 2 * 3_600_000);
    const runs = (await read(since)).flatMap((e) => (e.type === "backup_page" && e.scope.kind === "backups" ? e.records : [])).filter((r) => r.record === "execution");
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.every((r) => new Date(r.startedAt) > since)).toBe(true);
  });

  it("a throttled Backup API is retried; a server that keeps failing fails only its scope, saying which call", async () => {
    emu.faults.set({ throttle: 2, match: "backup:ListBackupPlans" });
    const retried = await read(new Date(now.getTime() - 86_400_000));
    expect(retried.filter((e) => e.type === "scope_completed" && e.scope.kind === "backups")).toHaveLength(4);
    emu.faults.set({ serverErrors: 1000, match: "backup:ListBackupJobs 222222222222/eu-west-1" });
    try {
      const events = await read(new Date(now.getTime() - 86_400_000));
      const failed = events.filter((e) => e.type === "scope_failed");
      expect(failed.map((e) => `${e.scope.account}:${e.scope.region}:${e.scope.kind}`)).toEqual(["222222222222:eu-west-1:backups"]);
      expect(failed[0]?.type === "scope_failed" && failed[0].error.message).toMatch(/ListBackupJobs/);
      // The region's EBS and RDS snapshot listings are other scopes: they complete.
      expect(events.filter((e) => e.type === "scope_completed")).toHaveLength(11);
    } finally {
      emu.faults.clear();
    }
  });
});
