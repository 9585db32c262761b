import type { DescribeInstanceStatusCommandOutput, EC2Client } from "@aws-sdk/client-ec2";
import type { ReadStep, ScopeRead } from "../core/scope-runner.ts";
import type { ResourceStatusChecks, ScopeRef } from "../types.ts";
import { type AutoScalingGroupCapacity, normalizeAutoScalingGroupCheck, normalizeInstanceStatus } from "./normalize-status.ts";
import { awsSdk } from "./sdk.ts";

/**
 * EC2 instance and system status checks of one account and region: DescribeInstanceStatus over
 * the region's running instances, 1,000 a page, following NextToken, keeping the targets. Paged
 * rather than filtered by InstanceId: an id terminated since the inventory fails a filtered call
 * whole (InvalidInstanceID.NotFound), and one page covers what ten filtered calls of 100 would.
 */

export interface InstanceStatusApi {
  page(nextToken: string | undefined, signal: AbortSignal | undefined): Promise<InstanceStatusPage>;
}

export type InstanceStatusPage = Pick<DescribeInstanceStatusCommandOutput, "InstanceStatuses" | "NextToken">;

export function instanceStatusApi(client: () => Promise<EC2Client> | EC2Client): InstanceStatusApi {
  return {
    page: async (nextToken, signal) =>
      (await client()).send(
        new (awsSdk("@aws-sdk/client-ec2").DescribeInstanceStatusCommand)({ MaxResults: 1000, ...(nextToken ? { NextToken: nextToken } : {}) }),
        { abortSignal: signal },
      ),
  };
}

export interface StatusScopeContext {
  scope: ScopeRef;
  api: InstanceStatusApi;
  instanceIds: readonly string[];
}

/** One account × region, for the shared runner: the targets' checks, page by page. */
export function statusCheckRead(ctx: StatusScopeContext): ScopeRead<ResourceStatusChecks> {
  return { scopes: [ctx.scope], operation: "DescribeInstanceStatus", read: (state) => statusSteps(ctx, state.signal) };
}

async function* statusSteps(ctx: StatusScopeContext, signal: AbortSignal | undefined): AsyncGenerator<ReadStep<ResourceStatusChecks>> {
  const wanted = new Set(ctx.instanceIds);
  let token: string | undefined;
  do {
    const page = await ctx.api.page(token, signal);
    const items: ResourceStatusChecks[] = [];
    for (const raw of page.InstanceStatuses ?? []) {
      if (!raw.InstanceId || !wanted.has(raw.InstanceId)) continue;
      const checks = normalizeInstanceStatus(raw, ctx.scope.account);
      if (checks) items.push(checks);
    }
    if (items.length > 0) yield { type: "items", items };
    token = page.NextToken || undefined;
  } while (token);
}

// ---------------------------------------------------------------------------------------------
// Auto Scaling groups (normalizeAutoScalingGroupCheck): DescribeAutoScalingGroups over the
// region's groups, 100 a page, keeping the targets — the inventory's own call, paged for the
// same reason as above (a name deleted since the inventory would only be missing, but one page
// of 100 covers what many filtered calls of 50 names would).

export interface AutoScalingGroupsApi {
  page(nextToken: string | undefined, signal: AbortSignal | undefined): Promise<{ AutoScalingGroups?: AutoScalingGroupCapacity[] | undefined; NextToken?: string | undefined }>;
}

export interface GroupScopeContext {
  scope: ScopeRef;
  api: AutoScalingGroupsApi;
  /** The targets' group ARNs. */
  groupArns: readonly string[];
}

/** One account × region, for the shared runner: the targeted groups' checks, page by page. */
export function autoScalingGroupCheckRead(ctx: GroupScopeContext): ScopeRead<ResourceStatusChecks> {
  return { scopes: [ctx.scope], operation: "DescribeAutoScalingGroups", read: (state) => groupSteps(ctx, state.signal) };
}

async function* groupSteps(ctx: GroupScopeContext, signal: AbortSignal | undefined): AsyncGenerator<ReadStep<ResourceStatusChecks>> {
  const wanted = new Set(ctx.groupArns);
  let token: string | undefined;
  do {
    const page = await ctx.api.page(token, signal);
    const items: ResourceStatusChecks[] = [];
    for (const group of page.AutoScalingGroups ?? []) {
      if (!group.AutoScalingGroupARN || !wanted.has(group.AutoScalingGroupARN)) continue;
      items.push({ cloud: "aws", account: ctx.scope.account, resourceId: group.AutoScalingGroupARN, checks: [normalizeAutoScalingGroupCheck(group)] });
    }
    if (items.length > 0) yield { type: "items", items };
    token = page.NextToken || undefined;
  } while (token);
}
