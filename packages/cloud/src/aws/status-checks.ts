import { DescribeInstanceStatusCommand, type DescribeInstanceStatusCommandOutput, type EC2Client } from "@aws-sdk/client-ec2";
import type { ReadStep, ScopeRead } from "../core/scope-runner.ts";
import type { ResourceStatusChecks, ScopeRef } from "../types.ts";
import { normalizeInstanceStatus } from "./normalize-status.ts";

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
        new DescribeInstanceStatusCommand({ MaxResults: 1000, ...(nextToken ? { NextToken: nextToken } : {}) }),
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
