import type { BackupClient } from "@aws-sdk/client-backup";
import type { ReadState, ReadStep, ScopeRead } from "../core/scope-runner.ts";
import type { BackupRecord, ScopeRef } from "../types.ts";
import { configurationsOfRule, executionOfJob } from "./normalize-backups.ts";
import { awsSdk } from "./sdk.ts";

/**
 * AWS Backup of one account and region (the service is regional): every backup plan's rules
 * crossed with the resources its selections name (→ configurations), then the jobs created
 * since the query's start (→ executions; AWS keeps them 30 days). This module and the Backup SDK
 * load on the first backup read only.
 */

export interface BackupScopeContext {
  scope: ScopeRef;
  client: () => BackupClient;
  since: Date;
  /** Items per page asked of the API (its maximum, 1000, when omitted). */
  pageSize?: number | undefined;
}

export function backupRead(ctx: BackupScopeContext): ScopeRead<BackupRecord> {
  return { scopes: [ctx.scope], operation: "ListBackupPlans", read: (state) => backupSteps(ctx, state) };
}

/**
 * A selection by tag, condition or wildcard ARN names no resource by itself; resolving it would
 * mean re-implementing AWS Backup's matching against the inventory, so such a selection is
 * reported as skipped (its explicit ARNs are still read) rather than guessed.
 */
function explicitArns(resources: readonly string[] | undefined): { arns: string[]; wildcards: string[] } {
  const arns: string[] = [];
  const wildcards: string[] = [];
  for (const arn of resources ?? []) (arn.includes("*") ? wildcards : arns).push(arn);
  return { arns, wildcards };
}

async function* backupSteps(ctx: BackupScopeContext, state: ReadState): AsyncGenerator<ReadStep<BackupRecord>> {
  const client = ctx.client();
  const signal = state.signal;
  const pageSize = Math.min(Math.max(ctx.pageSize ?? 1000, 1), 1000);
  const { account, region } = ctx.scope;
  for await (const page of awsSdk("@aws-sdk/client-backup").paginateListBackupPlans({ client, pageSize }, {}, { abortSignal: signal })) {
    for (const summary of page.BackupPlansList ?? []) {
      const planId = summary.BackupPlanId;
      if (!planId) {
        yield { type: "skipped", itemId: summary.BackupPlanArn ?? null, reason: "a backup plan without BackupPlanId" };
        continue;
      }
      state.operation = "GetBackupPlan";
      const plan = await client.send(new (awsSdk("@aws-sdk/client-backup").GetBackupPlanCommand)({ BackupPlanId: planId }), { abortSignal: signal });
      const arns: string[] = [];
      state.operation = "ListBackupSelections";
      for await (const selections of awsSdk("@aws-sdk/client-backup").paginateListBackupSelections({ client, pageSize }, { BackupPlanId: planId }, { abortSignal: signal })) {
        for (const s of selections.BackupSelectionsList ?? []) {
          if (!s.SelectionId) continue;
          state.operation = "GetBackupSelection";
          const selection = await client.send(new (awsSdk("@aws-sdk/client-backup").GetBackupSelectionCommand)({ BackupPlanId: planId, SelectionId: s.SelectionId }), { abortSignal: signal });
          const found = explicitArns(selection.BackupSelection?.Resources);
          arns.push(...found.arns);
          const byTag = (selection.BackupSelection?.ListOfTags?.length ?? 0) > 0;
          if (found.wildcards.length > 0 || byTag) {
            yield {
              type: "skipped",
              itemId: `${planId}/${s.SelectionId}`,
              reason: `selection ${s.SelectionName ?? s.SelectionId} of plan ${summary.BackupPlanName ?? planId} chooses resources by ${byTag ? "tag" : "wildcard"}; only the resources it names by ARN are read`,
            };
          }
        }
      }
      const records: BackupRecord[] = [];
      const planName = plan.BackupPlan?.BackupPlanName ?? summary.BackupPlanName ?? planId;
      for (const rule of plan.BackupPlan?.Rules ?? []) {
        const out = configurationsOfRule(rule, [...new Set(arns)], { account, region, planId, planName });
        if ("skip" in out) yield { type: "skipped", itemId: `${planId}/${rule.RuleId ?? ""}`, reason: out.skip };
        else records.push(...out);
      }
      if (records.length > 0) yield { type: "items", items: records };
      state.operation = "ListBackupPlans";
    }
  }
  state.operation = "ListBackupJobs";
  for await (const page of awsSdk("@aws-sdk/client-backup").paginateListBackupJobs({ client, pageSize }, { ByCreatedAfter: ctx.since }, { abortSignal: signal })) {
    const records: BackupRecord[] = [];
    for (const job of page.BackupJobs ?? []) {
      const out = executionOfJob(job, account, region);
      if ("skip" in out) yield { type: "skipped", itemId: job.BackupJobId ?? null, reason: out.skip };
      else records.push(out);
    }
    if (records.length > 0) yield { type: "items", items: records };
  }
}
