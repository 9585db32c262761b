import { dependencyOf, withDependencies } from "../../core/relations.ts";
import type { ElasticLoadBalancingV2Client, LoadBalancer, Tag } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { NormalizedResource } from "../../types.ts";
import { errorCode } from "../aws-errors.ts";
import { configurationOf, displayName, isoDate, loadBalancerStatus, lookupStatus, tagsToRecord } from "../normalize.ts";
import { cloudWatchKeysOf } from "../metric-table.ts";
import { type AwsKindReader, clampPageSize, type ItemWhere, malformed } from "./kind.ts";
import { awsSdk } from "../sdk.ts";

/**
 * ALBs, NLBs and GWLBs (ELBv2): DescribeLoadBalancers per region, then DescribeTags for each
 * page, because ELBv2 does not return tags with the load balancer. The type (application,
 * network, gateway) stays in the configuration; the kind is always `elb_load_balancer`.
 */
export type LoadBalancerWithTags = LoadBalancer & { Tags?: Tag[]; TargetHealthSummary?: TargetHealthSummary };

/**
 * What DescribeTargetGroups and DescribeTargetHealth say about one load balancer's targets,
 * counted (a load balancer may have thousands): its target groups, the targets registered in
 * them, and how many are in each TargetHealth state. The unused-resources rule reads it
 * (recommendation-facts.ts).
 */
export interface TargetHealthSummary {
  targetGroups: number;
  registered: number;
  byState: Record<string, number>;
}

/** DescribeTags accepts at most 20 ARNs per call. */
const tagBatch = 20;

export function normalizeLoadBalancer(raw: LoadBalancerWithTags, where: ItemWhere): NormalizedResource {
  const arn = raw.LoadBalancerArn;
  if (!arn) throw malformed(where, raw.LoadBalancerName ?? null, "load balancer without LoadBalancerArn");
  const status = lookupStatus(loadBalancerStatus, raw.State?.Code);
  if (!status) throw malformed(where, arn, `unknown load balancer state ${JSON.stringify(raw.State?.Code ?? null)}`);
  const tags = tagsToRecord(raw.Tags);
  return {
    cloud: "aws",
    account: where.account,
    regionCode: where.region,
    kind: "elb_load_balancer",
    resourceId: arn,
    name: displayName(tags, raw.LoadBalancerName, arn),
    resourceType: "load_balancer",
    status,
    sizeCategory: "custom",
    tags,
    configuration: configurationOf(raw),
    providerCreatedAt: isoDate(raw.CreatedTime),
    ...withDependencies([
      ...(raw.AvailabilityZones ?? []).map((z) => (z.SubnetId ? dependencyOf("in_subnet", z.SubnetId) : null)),
      ...(raw.SecurityGroups ?? []).map((g) => dependencyOf("security_group", g)),
    ]),
  };
}

async function tagsFor(
  client: ElasticLoadBalancingV2Client,
  arns: readonly string[],
  signal: AbortSignal | undefined,
): Promise<Map<string, Tag[]>> {
  const out = new Map<string, Tag[]>();
  for (let i = 0; i < arns.length; i += tagBatch) {
    const batch = arns.slice(i, i + tagBatch);
    try {
      const res = await client.send(new (awsSdk("@aws-sdk/client-elastic-load-balancing-v2").DescribeTagsCommand)({ ResourceArns: batch }), { abortSignal: signal });
      for (const d of res.TagDescriptions ?? []) if (d.ResourceArn) out.set(d.ResourceArn, d.Tags ?? []);
    } catch (error) {
      if (errorCode(error) !== "LoadBalancerNotFound") throw error;
      // One of the batch was deleted since the page was listed: ask one by one, skipping the gone.
      if (batch.length === 1) continue;
      for (const arn of batch) for (const [k, v] of await tagsFor(client, [arn], signal)) out.set(k, v);
    }
  }
  return out;
}

/** Every target group of the region (DescribeTargetGroups, by Marker), by the load balancers it serves. */
async function targetGroupsByLoadBalancer(client: ElasticLoadBalancingV2Client, signal: AbortSignal | undefined): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for await (const page of awsSdk("@aws-sdk/client-elastic-load-balancing-v2").paginateDescribeTargetGroups({ client }, { PageSize: 400 }, { abortSignal: signal })) {
    for (const tg of page.TargetGroups ?? []) {
      if (!tg.TargetGroupArn) continue;
      for (const lb of tg.LoadBalancerArns ?? []) out.set(lb, [...(out.get(lb) ?? []), tg.TargetGroupArn]);
    }
  }
  return out;
}

/** DescribeTargetHealth of each target group of the given load balancers, counted per load balancer. */
async function targetHealthOf(
  client: ElasticLoadBalancingV2Client,
  lbArns: readonly string[],
  groups: ReadonlyMap<string, string[]>,
  signal: AbortSignal | undefined,
): Promise<Map<string, TargetHealthSummary>> {
  const out = new Map<string, TargetHealthSummary>();
  for (const lb of lbArns) {
    const summary: TargetHealthSummary = { targetGroups: 0, registered: 0, byState: {} };
    for (const tg of groups.get(lb) ?? []) {
      try {
        const res = await client.send(new (awsSdk("@aws-sdk/client-elastic-load-balancing-v2").DescribeTargetHealthCommand)({ TargetGroupArn: tg }), { abortSignal: signal });
        summary.targetGroups++;
        for (const d of res.TargetHealthDescriptions ?? []) {
          const state = d.TargetHealth?.State ?? "unknown";
          summary.registered++;
          summary.byState[state] = (summary.byState[state] ?? 0) + 1;
        }
      } catch (error) {
        // Deleted since the groups were listed: it holds no target any more.
        if (errorCode(error) !== "TargetGroupNotFound") throw error;
      }
    }
    out.set(lb, summary);
  }
  return out;
}

export const loadBalancerReader: AwsKindReader<LoadBalancerWithTags> = {
  kind: "elb_load_balancer",
  resourceType: "load_balancer",
  fanout: "account_region",
  service: "elasticloadbalancing",
  operation: "DescribeLoadBalancers",
  metricKeys: cloudWatchKeysOf("elb_load_balancer"),
  relations: [
    { name: "in_subnet", targetKind: "subnet" },
    { name: "security_group", targetKind: "security_group" },
  ],
  async *pages(ctx) {
    const client = ctx.clients.elb();
    // This paginator has no page-size member wired up, so PageSize goes in the input.
    const pages = awsSdk("@aws-sdk/client-elastic-load-balancing-v2").paginateDescribeLoadBalancers(
      { client },
      { PageSize: clampPageSize(ctx.pageSize, 1, 400) },
      { abortSignal: ctx.signal },
    );
    let groups: Map<string, string[]> | undefined;
    for await (const page of pages) {
      const lbs = page.LoadBalancers ?? [];
      const arns = lbs.map((lb) => lb.LoadBalancerArn).filter((a): a is string => !!a);
      const tags = await tagsFor(client, arns, ctx.signal);
      // The region's target groups once, on the first page that has a load balancer.
      if (arns.length > 0) groups ??= await targetGroupsByLoadBalancer(client, ctx.signal);
      const health = groups ? await targetHealthOf(client, arns, groups, ctx.signal) : new Map<string, TargetHealthSummary>();
      yield lbs.map((lb) => {
        const summary = lb.LoadBalancerArn ? health.get(lb.LoadBalancerArn) : undefined;
        return { ...lb, Tags: (lb.LoadBalancerArn && tags.get(lb.LoadBalancerArn)) || [], ...(summary ? { TargetHealthSummary: summary } : {}) };
      });
    }
  },
  normalize: normalizeLoadBalancer,
};
