import { hashString } from "../rng.ts";
import type { AwsErrorReply } from "./errors.ts";
import type { AwsEstate } from "./estate.ts";
import type { AwsEmulatorKind, EmulatedResource } from "./model.ts";
import { decodeToken, encodeToken, pageSizeParam } from "./paging.ts";
import { restJsonContentType } from "./rest-json.ts";

/**
 * AWS Backup's REST-JSON API (signing name `backup`), as documented in the AWS Backup API
 * reference: `GET /backup/plans/` (ListBackupPlans → BackupPlansList), `GET
 * /backup/plans/{id}/` (GetBackupPlan → BackupPlan.Rules), `GET /backup/plans/{id}/selections/`
 * (ListBackupSelections → BackupSelectionsList), `GET /backup/plans/{id}/selections/{sid}`
 * (GetBackupSelection → BackupSelection.Resources) and `GET /backup-jobs/` (ListBackupJobs →
 * BackupJobs, filtered by `createdAfter`); every list pages with `maxResults` (1–1000) and
 * `nextToken`/`NextToken`; times are epoch seconds. Errors carry `x-amzn-ErrorType` and a
 * body with Code, Message and Type; a plan or selection that does not exist is a 400
 * ResourceNotFoundException, a bad parameter a 400 InvalidParameterValueException.
 *
 * The estate: in every account and region with databases (RDS, DynamoDB), a plan
 * `daily-databases` (cron(0 5 ? * * *), kept 35 days) selecting them by ARN; with EBS volumes, a
 * plan `hourly-volumes` (cron(0 * ? * * *), kept 7 days) selecting those. Jobs: the last three
 * daily runs and six hourly runs before the emulator's backup clock. One resource in 13 never
 * ran a job; in one of 7 the newest run failed; a run whose end lies after the clock is RUNNING.
 */

export interface BackupBookOptions {
  seedHash: number;
  estate: AwsEstate;
  /** The instant jobs are generated up to (fixed when the emulator starts). */
  now: Date;
}

interface Rule {
  key: "daily" | "hourly";
  ruleName: string;
  schedule: string;
  deleteAfterDays: number;
  /** Scheduled starts, newest first, up to `now`. */
  runs(now: Date): Date[];
}

const rules: Record<"daily" | "hourly", Rule & { planName: string; selectionName: string; kinds: readonly AwsEmulatorKind[] }> = {
  daily: {
    key: "daily",
    planName: "daily-databases",
    selectionName: "databases",
    kinds: ["rds_instance", "dynamodb_table"],
    ruleName: "daily-0500",
    schedule: "cron(0 5 ? * * *)",
    deleteAfterDays: 35,
    runs(now) {
      const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 5));
      if (first > now) first.setUTCDate(first.getUTCDate() - 1);
      return [0, 1, 2].map((k) => new Date(first.getTime() - k * 86_400_000));
    },
  },
  hourly: {
    key: "hourly",
    planName: "hourly-volumes",
    selectionName: "volumes",
    kinds: ["ebs_volume"],
    ruleName: "every-hour",
    schedule: "cron(0 * ? * * *)",
    deleteAfterDays: 7,
    runs(now) {
      const first = Math.floor(now.getTime() / 3_600_000) * 3_600_000;
      return [0, 1, 2, 3, 4, 5].map((k) => new Date(first - k * 3_600_000));
    },
  },
};

/** A stable UUID-shaped id from a text. */
function uuidOf(text: string): string {
  const hex = [0, 1, 2, 3].map((i) => (hashString(`${text}#${i}`) >>> 0).toString(16).padStart(8, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface AwsExpectedBackupPlan {
  account: string;
  region: string;
  planId: string;
  planName: string;
  ruleId: string;
  schedule: string;
  frequency: "hourly" | "daily";
  deleteAfterDays: number;
  /** The provider ids (as the inventory reports them) of the selected resources. */
  resourceIds: string[];
}

export interface AwsExpectedBackupJob {
  account: string;
  region: string;
  jobId: string;
  planId: string;
  ruleId: string;
  resourceId: string;
  state: "COMPLETED" | "FAILED" | "RUNNING";
  createdAt: Date;
  completedAt: Date | null;
  sizeBytes: number | null;
}

interface Plan extends AwsExpectedBackupPlan {
  rule: (typeof rules)[keyof typeof rules];
  arns: string[];
  createdAt: Date;
}

export interface AwsBackupBook {
  plans(account: string, region: string): Plan[];
  jobs(account: string, region: string): AwsExpectedBackupJob[];
}

function arnOf(item: EmulatedResource): string {
  if (item.kind === "ebs_volume") return `arn:aws:ec2:${item.region}:${item.account}:volume/${item.id}`;
  return item.id;
}

export function createAwsBackupBook(options: BackupBookOptions): AwsBackupBook {
  const { estate, seedHash, now } = options;
  const itemsOf = (account: string, region: string, kind: AwsEmulatorKind): EmulatedResource[] => {
    const scope = estate.scope(account, region, kind);
    return scope ? estate.page(scope, 0, Number.POSITIVE_INFINITY).items : [];
  };
  function plans(account: string, region: string): Plan[] {
    const out: Plan[] = [];
    for (const rule of [rules.daily, rules.hourly]) {
      const items = rule.kinds.flatMap((k) => itemsOf(account, region, k));
      if (items.length === 0) continue;
      const planId = uuidOf(`${seedHash}:${account}:${region}:${rule.key}`);
      out.push({
        account,
        region,
        planId,
        planName: rule.planName,
        ruleId: uuidOf(`${planId}:rule`),
        schedule: rule.schedule,
        frequency: rule.key,
        deleteAfterDays: rule.deleteAfterDays,
        resourceIds: items.map((i) => i.id),
        rule,
        arns: items.map(arnOf),
        createdAt: new Date(Date.UTC(2025, 0, 1 + (hashString(planId) % 300))),
      });
    }
    return out;
  }
  function jobs(account: string, region: string): AwsExpectedBackupJob[] {
    const out: AwsExpectedBackupJob[] = [];
    for (const plan of plans(account, region)) {
      for (const resourceId of plan.resourceIds) {
        const h = hashString(`${seedHash}:${resourceId}:backup`) >>> 0;
        if (h % 13 === 0) continue;
        plan.rule.runs(now).forEach((start, k) => {
          const hk = hashString(`${seedHash}:${resourceId}:${k}`) >>> 0;
          const end = new Date(start.getTime() + (5 + (hk % 30)) * 60_000);
          const state = end > now ? "RUNNING" : k === 0 && h % 7 === 1 ? "FAILED" : "COMPLETED";
          out.push({
            account,
            region,
            jobId: uuidOf(`${resourceId}:${start.toISOString()}`).toUpperCase(),
            planId: plan.planId,
            ruleId: plan.ruleId,
            resourceId,
            state,
            createdAt: start,
            completedAt: state === "RUNNING" ? null : end,
            sizeBytes: state === "COMPLETED" ? (1 + (hk % 200)) * 134_217_728 : null,
          });
        });
      }
    }
    // ListBackupJobs answers newest first.
    return out.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || a.jobId.localeCompare(b.jobId));
  }
  return { plans, jobs };
}

/** The action a Backup request names by method and path; empty when it is not one served here. */
export function backupAction(method: string, pathname: string): string {
  if (method !== "GET") return "";
  const path = pathname.replace(/\/$/, "");
  if (path === "/backup/plans") return "ListBackupPlans";
  if (/^\/backup\/plans\/[^/]+$/.test(path)) return "GetBackupPlan";
  if (/^\/backup\/plans\/[^/]+\/selections$/.test(path)) return "ListBackupSelections";
  if (/^\/backup\/plans\/[^/]+\/selections\/[^/]+$/.test(path)) return "GetBackupSelection";
  if (path === "/backup-jobs") return "ListBackupJobs";
  return "";
}

export function isBackupPath(pathname: string): boolean {
  return pathname.startsWith("/backup/") || pathname.startsWith("/backup-jobs");
}

export interface BackupCall {
  action: string;
  account: string;
  region: string;
  url: URL;
}

interface BackupReply {
  status: number;
  body: string;
  contentType: string;
}

export function backupErrorReply(code: "ResourceNotFoundException" | "InvalidParameterValueException", message: string): AwsErrorReply {
  return {
    status: 400,
    body: JSON.stringify({ Code: code, Message: message, Type: "User" }),
    headers: { "content-type": restJsonContentType, "x-amzn-errortype": code },
  };
}

const seconds = (d: Date) => d.getTime() / 1000;

/** Serves one Backup call from the book. */
export function serveBackup(book: AwsBackupBook, call: BackupCall): BackupReply | AwsErrorReply {
  const q = call.url.searchParams;
  const size = pageSizeParam(q.get("maxResults"), 1, 1000, 1000);
  if (size === undefined) return backupErrorReply("InvalidParameterValueException", "maxResults must be between 1 and 1000");
  const position = decodeToken(q.get("nextToken"));
  if (position === undefined) return backupErrorReply("InvalidParameterValueException", "Invalid nextToken");
  const pageOf = <T>(all: T[]): { items: T[]; next?: string } => {
    const items = all.slice(position, position + size);
    return position + size < all.length ? { items, next: encodeToken(position + size) } : { items };
  };
  const ok = (body: Record<string, unknown>): BackupReply => ({ status: 200, body: JSON.stringify(body), contentType: restJsonContentType });
  const parts = call.url.pathname.replace(/\/$/, "").split("/").map(decodeURIComponent);
  const plans = book.plans(call.account, call.region);
  const planArn = (p: Plan) => `arn:aws:backup:${p.region}:${p.account}:backup-plan:${p.planId}`;
  const findPlan = (id: string | undefined) => plans.find((p) => p.planId === id);
  switch (call.action) {
    case "ListBackupPlans": {
      const page = pageOf(plans);
      return ok({
        BackupPlansList: page.items.map((p) => ({
          BackupPlanArn: planArn(p),
          BackupPlanId: p.planId,
          BackupPlanName: p.planName,
          CreationDate: seconds(p.createdAt),
          VersionId: uuidOf(`${p.planId}:v1`),
        })),
        ...(page.next ? { NextToken: page.next } : {}),
      });
    }
    case "GetBackupPlan": {
      const plan = findPlan(parts[3]);
      if (!plan) return backupErrorReply("ResourceNotFoundException", `Failed reading Backup plan with provided version`);
      return ok({
        BackupPlan: {
          BackupPlanName: plan.planName,
          Rules: [
            {
              RuleName: plan.rule.ruleName,
              TargetBackupVaultName: "Default",
              ScheduleExpression: plan.schedule,
              ScheduleExpressionTimezone: "Etc/UTC",
              StartWindowMinutes: 60,
              CompletionWindowMinutes: plan.frequency === "hourly" ? 120 : 10080,
              Lifecycle: { DeleteAfterDays: plan.deleteAfterDays },
              RuleId: plan.ruleId,
              EnableContinuousBackup: false,
            },
          ],
        },
        BackupPlanId: plan.planId,
        BackupPlanArn: planArn(plan),
        VersionId: uuidOf(`${plan.planId}:v1`),
        CreationDate: seconds(plan.createdAt),
      });
    }
    case "ListBackupSelections": {
      const plan = findPlan(parts[3]);
      if (!plan) return backupErrorReply("ResourceNotFoundException", `Backup plan ${parts[3]} not found`);
      const page = pageOf([plan]);
      return ok({
        BackupSelectionsList: page.items.map((p) => ({
          SelectionId: uuidOf(`${p.planId}:selection`),
          SelectionName: p.rule.selectionName,
          BackupPlanId: p.planId,
          CreationDate: seconds(p.createdAt),
          IamRoleArn: `arn:aws:iam::${p.account}:role/service-role/AWSBackupDefaultServiceRole`,
        })),
        ...(page.next ? { NextToken: page.next } : {}),
      });
    }
    case "GetBackupSelection": {
      const plan = findPlan(parts[3]);
      if (!plan || parts[5] !== uuidOf(`${plan.planId}:selection`)) return backupErrorReply("ResourceNotFoundException", `Backup selection ${parts[5]} not found`);
      return ok({
        BackupSelection: {
          SelectionName: plan.rule.selectionName,
          IamRoleArn: `arn:aws:iam::${plan.account}:role/service-role/AWSBackupDefaultServiceRole`,
          Resources: plan.arns,
          ListOfTags: [],
          NotResources: [],
        },
        SelectionId: parts[5],
        BackupPlanId: plan.planId,
        CreationDate: seconds(plan.createdAt),
      });
    }
    case "ListBackupJobs": {
      const after = q.get("createdAfter");
      const since = after === null ? undefined : /^\d+(\.\d+)?$/.test(after) ? Number(after) * 1000 : Date.parse(after);
      if (since !== undefined && Number.isNaN(since)) return backupErrorReply("InvalidParameterValueException", `createdAfter ${after} is not a timestamp`);
      const state = q.get("state");
      const all = book.jobs(call.account, call.region).filter((j) => (since === undefined || j.createdAt.getTime() > since) && (!state || j.state === state));
      const page = pageOf(all);
      const byId = new Map(plans.map((p) => [p.planId, p]));
      return ok({
        BackupJobs: page.items.map((j) => {
          const plan = byId.get(j.planId) as Plan;
          const arn = plan.arns[plan.resourceIds.indexOf(j.resourceId)] as string;
          const type = arn.includes(":rds:") ? "RDS" : arn.includes(":dynamodb:") ? "DynamoDB" : "EBS";
          return {
            AccountId: j.account,
            BackupJobId: j.jobId,
            BackupVaultName: "Default",
            BackupVaultArn: `arn:aws:backup:${j.region}:${j.account}:backup-vault:Default`,
            ...(j.state === "COMPLETED"
              ? { RecoveryPointArn: type === "EBS" ? `arn:aws:ec2:${j.region}::snapshot/snap-${j.jobId.slice(0, 17).replace(/-/g, "").toLowerCase()}` : `arn:aws:backup:${j.region}:${j.account}:recovery-point:${j.jobId}` }
              : {}),
            ResourceArn: arn,
            CreationDate: seconds(j.createdAt),
            ...(j.completedAt ? { CompletionDate: seconds(j.completedAt) } : {}),
            State: j.state,
            ...(j.state === "FAILED" ? { StatusMessage: "Backup job failed because the resource was being modified. Retry the backup after the modification completes." } : {}),
            PercentDone: j.state === "RUNNING" ? "42.0" : "100.0",
            ...(j.sizeBytes !== null ? { BackupSizeInBytes: j.sizeBytes } : {}),
            IamRoleArn: `arn:aws:iam::${j.account}:role/service-role/AWSBackupDefaultServiceRole`,
            CreatedBy: { BackupPlanId: j.planId, BackupPlanArn: planArn(plan), BackupPlanVersion: uuidOf(`${plan.planId}:v1`), BackupRuleId: j.ruleId },
            ResourceType: type,
            StartBy: seconds(new Date(j.createdAt.getTime() + 3_600_000)),
          };
        }),
        ...(page.next ? { NextToken: page.next } : {}),
      });
    }
    default:
      return backupErrorReply("InvalidParameterValueException", `${call.url.pathname} is not served by this emulator`);
  }
}
