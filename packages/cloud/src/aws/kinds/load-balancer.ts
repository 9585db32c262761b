import { dependencyOf, withDependencies } from "../../core/relations.ts";
import {
  DescribeTagsCommand,
  type ElasticLoadBalancingV2Client,
  type LoadBalancer,
  paginateDescribeLoadBalancers,
  type Tag,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import type { NormalizedResource } from "../../types.ts";
import { errorCode } from "../aws-errors.ts";
import { configurationOf, displayName, isoDate, loadBalancerStatus, lookupStatus, tagsToRecord } from "../normalize.ts";
import { cloudWatchKeysOf } from "../metric-table.ts";
import { type AwsKindReader, clampPageSize, type ItemWhere, malformed } from "./kind.ts";

/**
 * ALBs, NLBs and GWLBs (ELBv2): DescribeLoadBalancers per region, then DescribeTags for each
 * page, because ELBv2 does not return tags with the load balancer. The type (application,
 * network, gateway) stays in the configuration; the kind is always `elb_load_balancer`.
 */
export type LoadBalancerWithTags = LoadBalancer & { Tags?: Tag[] };

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
      const res = await client.send(new DescribeTagsCommand({ ResourceArns: batch }), { abortSignal: signal });
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
    const pages = paginateDescribeLoadBalancers(
      { client },
      { PageSize: clampPageSize(ctx.pageSize, 1, 400) },
      { abortSignal: ctx.signal },
    );
    for await (const page of pages) {
      const lbs = page.LoadBalancers ?? [];
      const arns = lbs.map((lb) => lb.LoadBalancerArn).filter((a): a is string => !!a);
      const tags = await tagsFor(client, arns, ctx.signal);
      yield lbs.map((lb) => ({ ...lb, Tags: (lb.LoadBalancerArn && tags.get(lb.LoadBalancerArn)) || [] }));
    }
  },
  normalize: normalizeLoadBalancer,
};
