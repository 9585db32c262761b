import type { CloudFormationClient, DescribeStacksCommandOutput, ListStackResourcesCommandOutput, Stack, StackResourceSummary } from "@aws-sdk/client-cloudformation";
import type { ReadState, ReadStep, ScopeRead } from "../core/scope-runner.ts";
import { cloudFormationStatuses, deploymentStatusOf, templateHash } from "../deployments/rules.ts";
import type { DeployedResource, NormalizedDeployment } from "../deployments/types.ts";
import type { ScopeRef } from "../types.ts";
import { tagsToRecord } from "./normalize.ts";
import { awsSdk } from "./sdk.ts";

/**
 * CloudFormation stacks of one account and region: DescribeStacks page by page (status,
 * parameters, tags, times; deleted stacks are not listed), and per stack ListStackResources
 * (every page) and GetTemplate (the original template). This file and the SDK load on the
 * first deployment read only.
 */

/** The three calls used, over the SDK client. */
export interface CloudFormationApi {
  stacks(nextToken: string | undefined, signal: AbortSignal | undefined): Promise<Pick<DescribeStacksCommandOutput, "Stacks" | "NextToken">>;
  stackResources(stackId: string, nextToken: string | undefined, signal: AbortSignal | undefined): Promise<Pick<ListStackResourcesCommandOutput, "StackResourceSummaries" | "NextToken">>;
  templateBody(stackId: string, signal: AbortSignal | undefined): Promise<string>;
}

export function cloudFormationApi(client: () => CloudFormationClient): CloudFormationApi {
  return {
    stacks: (token, signal) => client().send(new (awsSdk("@aws-sdk/client-cloudformation").DescribeStacksCommand)(token ? { NextToken: token } : {}), { abortSignal: signal }),
    stackResources: (stackId, token, signal) =>
      client().send(new (awsSdk("@aws-sdk/client-cloudformation").ListStackResourcesCommand)({ StackName: stackId, ...(token ? { NextToken: token } : {}) }), { abortSignal: signal }),
    // `Original`: the template as submitted (YAML stays YAML), which is what the user wrote and versions.
    templateBody: async (stackId, signal) =>
      (await client().send(new (awsSdk("@aws-sdk/client-cloudformation").GetTemplateCommand)({ StackName: stackId, TemplateStage: "Original" }), { abortSignal: signal })).TemplateBody ?? "",
  };
}

export interface StackScopeContext {
  scope: ScopeRef;
  api: CloudFormationApi;
}

export function stackRead(ctx: StackScopeContext): ScopeRead<NormalizedDeployment> {
  return { scopes: [ctx.scope], operation: "DescribeStacks", read: (state) => stackSteps(ctx, state) };
}

async function* stackSteps(ctx: StackScopeContext, state: ReadState): AsyncGenerator<ReadStep<NormalizedDeployment>> {
  const { account, region } = ctx.scope;
  let token: string | undefined;
  do {
    state.operation = "DescribeStacks";
    const page = await ctx.api.stacks(token, state.signal);
    const items: NormalizedDeployment[] = [];
    for (const stack of page.Stacks ?? []) {
      if (!stack.StackId || !stack.StackName || !deploymentStatusOf(cloudFormationStatuses, stack.StackStatus)) {
        yield { type: "skipped", itemId: stack.StackId ?? null, reason: `stack without id, name or a known status (${stack.StackStatus ?? "none"})` };
        continue;
      }
      state.operation = "ListStackResources";
      const summaries: StackResourceSummary[] = [];
      let resourceToken: string | undefined;
      do {
        const resources = await ctx.api.stackResources(stack.StackId, resourceToken, state.signal);
        summaries.push(...(resources.StackResourceSummaries ?? []));
        resourceToken = resources.NextToken || undefined;
      } while (resourceToken);
      state.operation = "GetTemplate";
      const body = await ctx.api.templateBody(stack.StackId, state.signal);
      items.push(normalizeStack(stack, summaries, body, { account, region }));
    }
    if (items.length > 0) yield { type: "items", items };
    token = page.NextToken || undefined;
  } while (token);
}

/** One stack, its resources and its template → one deployment. The stack must have an id, a name and a known status. */
export function normalizeStack(stack: Stack, summaries: readonly StackResourceSummary[], body: string, where: { account: string; region: string }): NormalizedDeployment {
  const created = stack.CreationTime?.toISOString() ?? null;
  const updated = stack.LastUpdatedTime?.toISOString() ?? null;
  const resources: DeployedResource[] = [];
  for (const s of summaries) {
    // A resource CloudFormation has not created yet, or failed to, has no physical id.
    if (!s.PhysicalResourceId || !s.ResourceType) continue;
    resources.push({ resourceId: inventoryIdOf(s.ResourceType, s.PhysicalResourceId, where), type: s.ResourceType, logicalId: s.LogicalResourceId ?? null });
  }
  const parameters: Record<string, string> = {};
  for (const p of stack.Parameters ?? []) {
    // NoEcho parameters come back as asterisks, which is what we keep: never the secret.
    if (p.ParameterKey) parameters[p.ParameterKey] = p.ResolvedValue ?? p.ParameterValue ?? "";
  }
  return {
    cloud: "aws",
    account: where.account,
    regionCode: where.region,
    deploymentId: stack.StackId as string,
    name: stack.StackName as string,
    status: deploymentStatusOf(cloudFormationStatuses, stack.StackStatus) ?? "pending",
    cloudStatus: stack.StackStatus as string,
    statusReason: stack.StackStatusReason ?? null,
    tags: tagsToRecord(stack.Tags),
    parameters,
    createdAt: created,
    updatedAt: updated,
    // Only a create has both ends in DescribeStacks; an update's start is not kept there.
    durationSeconds: null,
    template: { format: "cloudformation", description: stack.Description ?? null, body, contentHash: templateHash(body) },
    resources,
  };
}

/**
 * CloudFormation's physical id is what `Ref` returns, which for several types is a name where
 * our inventory keys the resource by ARN. Types not listed here are keyed by the physical id
 * itself (EC2 ids, load balancer ARNs, bucket names). Documented in docs/coverage.md.
 */
export const physicalIdRules: Readonly<Record<string, (id: string, region: string, account: string) => string>> = {
  "AWS::RDS::DBInstance": (id, r, a) => `arn:aws:rds:${r}:${a}:db:${id}`,
  "AWS::Lambda::Function": (id, r, a) => `arn:aws:lambda:${r}:${a}:function:${id}`,
  "AWS::DynamoDB::Table": (id, r, a) => `arn:aws:dynamodb:${r}:${a}:table/${id}`,
  "AWS::EKS::Cluster": (id, r, a) => `arn:aws:eks:${r}:${a}:cluster/${id}`,
  "AWS::ECS::Cluster": (id, r, a) => `arn:aws:ecs:${r}:${a}:cluster/${id}`,
  "AWS::ElastiCache::CacheCluster": (id, r, a) => `arn:aws:elasticache:${r}:${a}:cluster:${id}`,
  "AWS::EFS::FileSystem": (id, r, a) => `arn:aws:elasticfilesystem:${r}:${a}:file-system/${id}`,
  "AWS::Redshift::Cluster": (id, r, a) => `arn:aws:redshift:${r}:${a}:cluster:${id}`,
};

export function inventoryIdOf(type: string, physicalId: string, where: { account: string; region: string }): string {
  if (physicalId.startsWith("arn:")) return physicalId;
  const rule = physicalIdRules[type];
  return rule ? rule(physicalId, where.region, where.account) : physicalId;
}
