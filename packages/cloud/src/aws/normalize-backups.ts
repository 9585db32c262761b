import type { BackupJob, BackupRule } from "@aws-sdk/client-backup";
import type { BackupExecutionStatus, BackupFrequency, NormalizedBackupConfiguration, NormalizedBackupExecution } from "../types.ts";

/**
 * AWS Backup plans, selections and jobs onto cloudsync's backup vocabulary. Pure: the reader
 * (backups.ts) hands in what the API said; the rules are in docs/coverage.md, "Backups".
 */

/**
 * The provider id cloudsync's inventory gives the resource an AWS Backup ARN names: EC2 instances
 * and EBS volumes are known by their `i-…`/`vol-…` id and S3 buckets by their name, every other
 * kind by its ARN (RDS, DynamoDB, EFS…).
 */
export function resourceIdOfArn(arn: string): string {
  const ec2 = /^arn:aws[a-z-]*:ec2:[^:]*:[^:]*:(?:instance|volume)\/(.+)$/.exec(arn);
  if (ec2) return ec2[1] as string;
  const s3 = /^arn:aws[a-z-]*:s3:::([^/]+)$/.exec(arn);
  if (s3) return s3[1] as string;
  return arn;
}

/** The region an ARN names (empty for global ones such as S3). */
export function regionOfArn(arn: string): string {
  return arn.split(":")[3] ?? "";
}

/**
 * How often a rule's ScheduleExpression runs. `cron(min hour day-of-month month day-of-week
 * year)`: a wildcard, step or list in the hour field runs more than once a day (hourly); a
 * day-of-week other than `?`/`*` runs weekly; a day-of-month other than `?`/`*` monthly; else
 * daily. `rate(n unit)`: minutes and hours are hourly, 1–6 days daily, 7–27 days weekly, more
 * monthly. Null for an expression it cannot read (the caller skips the rule and says why).
 */
export function frequencyOfSchedule(expression: string | undefined): BackupFrequency | null {
  if (!expression) return null;
  const cron = /^cron\(\s*(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)(?:\s+(\S+))?\s*\)$/.exec(expression.trim());
  if (cron) {
    const [, , hour, dayOfMonth, , dayOfWeek] = cron as unknown as string[];
    if (hour === "*" || /[/,-]/.test(hour as string)) return "hourly";
    if (dayOfWeek !== "?" && dayOfWeek !== "*") return "weekly";
    if (dayOfMonth !== "?" && dayOfMonth !== "*") return "monthly";
    return "daily";
  }
  const rate = /^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$/.exec(expression.trim());
  if (rate) {
    const n = Number(rate[1]);
    const unit = rate[2] as string;
    if (unit.startsWith("minute") || unit.startsWith("hour")) return "hourly";
    if (n < 7) return "daily";
    if (n < 28) return "weekly";
    return "monthly";
  }
  return null;
}

export interface PlanRuleWhere {
  account: string;
  region: string;
  planId: string;
  planName: string;
}

/**
 * One configuration per rule of the plan and resource of its selections. A rule with continuous
 * backup (point-in-time recovery) is `continuous`; every other AWS Backup rule takes snapshots.
 * Retention is the rule's lifecycle DeleteAfterDays (null: kept until deleted).
 */
export function configurationsOfRule(
  rule: BackupRule,
  resourceArns: readonly string[],
  where: PlanRuleWhere,
): NormalizedBackupConfiguration[] | { skip: string } {
  if (!rule.RuleId) return { skip: `rule ${rule.RuleName ?? "(unnamed)"} of plan ${where.planId} has no RuleId` };
  const continuous = rule.EnableContinuousBackup === true;
  const frequency = continuous ? "continuous" : frequencyOfSchedule(rule.ScheduleExpression);
  if (!frequency) return { skip: `rule ${rule.RuleId} of plan ${where.planId}: schedule ${JSON.stringify(rule.ScheduleExpression ?? null)} is not a cron() or rate() expression` };
  const ruleId = rule.RuleId;
  return resourceArns.map((arn) => ({
    record: "configuration",
    cloud: "aws",
    account: where.account,
    sourceId: `${where.planId}/${ruleId}`,
    resourceId: resourceIdOfArn(arn),
    backupType: continuous ? "continuous" : "snapshot",
    frequency,
    schedule: rule.ScheduleExpression ?? null,
    retentionDays: rule.Lifecycle?.DeleteAfterDays ?? null,
    destination: {
      vault: rule.TargetBackupVaultName ?? null,
      region: where.region,
      copies: (rule.CopyActions ?? []).map((c) => ({ vault: c.DestinationBackupVaultArn ?? null, region: c.DestinationBackupVaultArn ? regionOfArn(c.DestinationBackupVaultArn) : null })),
    },
    enabled: true,
    details: {
      plan_id: where.planId,
      plan_name: where.planName,
      rule_id: ruleId,
      rule_name: rule.RuleName ?? null,
      resource_arn: arn,
      start_window_minutes: rule.StartWindowMinutes ?? null,
      completion_window_minutes: rule.CompletionWindowMinutes ?? null,
      cold_storage_after_days: rule.Lifecycle?.MoveToColdStorageAfterDays ?? null,
    },
  }));
}

/**
 * A job's State as an execution status: CREATED, PENDING, RUNNING and ABORTING are under way;
 * COMPLETED completed; ABORTED cancelled; FAILED, EXPIRED (never started inside its window) and
 * PARTIAL (some of the resource was not backed up, so no whole recovery point) failed.
 */
export const jobStates: Readonly<Record<string, BackupExecutionStatus>> = {
  CREATED: "in_progress",
  PENDING: "in_progress",
  RUNNING: "in_progress",
  ABORTING: "in_progress",
  COMPLETED: "completed",
  ABORTED: "cancelled",
  FAILED: "failed",
  EXPIRED: "failed",
  PARTIAL: "failed",
};

export function executionOfJob(job: BackupJob, account: string, region: string): NormalizedBackupExecution | { skip: string } {
  if (!job.BackupJobId) return { skip: "a backup job without BackupJobId" };
  if (!job.ResourceArn) return { skip: `backup job ${job.BackupJobId} names no ResourceArn` };
  if (!job.CreationDate) return { skip: `backup job ${job.BackupJobId} has no CreationDate` };
  const status = jobStates[job.State ?? ""];
  if (!status) return { skip: `backup job ${job.BackupJobId} has an unknown State ${JSON.stringify(job.State ?? null)}` };
  const plan = job.CreatedBy?.BackupPlanId;
  const rule = job.CreatedBy?.BackupRuleId;
  const good = status === "completed";
  return {
    record: "execution",
    cloud: "aws",
    account,
    sourceId: job.BackupJobId,
    configurationSourceId: plan && rule ? `${plan}/${rule}` : null,
    resourceId: resourceIdOfArn(job.ResourceArn),
    status,
    startedAt: job.CreationDate.toISOString(),
    completedAt: status === "in_progress" ? null : (job.CompletionDate?.toISOString() ?? null),
    sizeBytes: job.BackupSizeInBytes ?? null,
    recoveryPoint: good ? (job.RecoveryPointArn ?? null) : null,
    location: region,
    error: good || status === "in_progress" ? null : (job.StatusMessage ?? `job ${job.State?.toLowerCase()}`),
    details: {
      state: job.State ?? null,
      vault: job.BackupVaultName ?? null,
      resource_type: job.ResourceType ?? null,
      bytes_transferred: job.BytesTransferred ?? null,
      percent_done: job.PercentDone ?? null,
    },
  };
}
