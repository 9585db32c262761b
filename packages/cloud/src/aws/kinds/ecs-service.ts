import type { ECSClient, Service } from "@aws-sdk/client-ecs";
import type { NormalizedResource, ResourceStatus } from "../../types.ts";
import { errorCode } from "../aws-errors.ts";
import { configurationOf, displayName, isoDate, lookupStatus, taskCountSizeCategory } from "../normalize.ts";
import { ecsTagsToRecord } from "./ecs-cluster.ts";
import { type AwsKindReader, clampPageSize, type ItemWhere, malformed } from "./kind.ts";
import { cloudWatchKeysOf } from "../metric-table.ts";
import { awsSdk } from "../sdk.ts";

/**
 * ECS services: services live in clusters, so the read walks ListClusters, then ListServices
 * per cluster, then DescribeServices for up to 10 services at a time with their tags. A cluster
 * deleted between the two lists has no services left to report.
 */
export interface EcsServiceDetail {
  Service: Service;
  /** Set when DescribeServices reported this ARN as a failure with this reason. */
  FailureReason?: string;
}

export const ecsServiceStatus: Readonly<Record<string, ResourceStatus>> = {
  ACTIVE: "running",
  // Being deleted: its tasks are stopping.
  DRAINING: "stopping",
  INACTIVE: "terminated",
};

export function normalizeEcsService(raw: EcsServiceDetail, where: ItemWhere): NormalizedResource {
  const service = raw.Service;
  const arn = service.serviceArn;
  if (raw.FailureReason) throw malformed(where, arn, `DescribeServices reported ${raw.FailureReason}; the service was probably deleted while being listed`);
  if (!arn) throw malformed(where, service.serviceName, "service without serviceArn");
  const status = lookupStatus(ecsServiceStatus, service.status);
  if (!status) throw malformed(where, arn, `unknown service status ${JSON.stringify(service.status ?? null)}`);
  const tags = ecsTagsToRecord(service.tags);
  // Deployments and events repeat on every sync and grow without bound; the current counts are kept.
  const { events: _events, deployments: _deployments, tags: _tags, ...kept } = service;
  return {
    cloud: "aws",
    account: where.account,
    regionCode: where.region,
    kind: "ecs_service",
    resourceId: arn,
    name: displayName(tags, service.serviceName, arn),
    resourceType: "compute",
    status,
    sizeCategory: taskCountSizeCategory(service.desiredCount),
    tags,
    configuration: configurationOf(kept),
    providerCreatedAt: isoDate(service.createdAt),
  };
}

type EcsSdk = typeof import("@aws-sdk/client-ecs");

/** DescribeServices takes at most 10 services per call. */
const describeBatch = 10;

async function describe(sdk: EcsSdk, client: ECSClient, cluster: string, arns: readonly string[], signal: AbortSignal | undefined): Promise<EcsServiceDetail[]> {
  const out: EcsServiceDetail[] = [];
  for (let i = 0; i < arns.length; i += describeBatch) {
    const batch = arns.slice(i, i + describeBatch);
    const answer = await client.send(new sdk.DescribeServicesCommand({ cluster, services: batch, include: ["TAGS"] }), { abortSignal: signal });
    const described = new Map((answer.services ?? []).map((s) => [s.serviceArn, s]));
    const failures = new Map((answer.failures ?? []).map((f) => [f.arn, f.reason ?? "MISSING"]));
    for (const arn of batch) {
      const service = described.get(arn);
      out.push(service ? { Service: service } : { Service: { serviceArn: arn }, FailureReason: failures.get(arn) ?? "no description" });
    }
  }
  return out;
}

export const ecsServiceReader: AwsKindReader<EcsServiceDetail> = {
  kind: "ecs_service",
  resourceType: "compute",
  fanout: "account_region",
  service: "ecs",
  operation: "ListServices",
  metricKeys: cloudWatchKeysOf("ecs_service"),
  relations: [],
  async *pages(ctx) {
    // Imported here, not at the top: a process that never reads ECS never loads its SDK.
    const sdk: EcsSdk = awsSdk("@aws-sdk/client-ecs");
    const client = ctx.clients.client("ecs", (config) => new sdk.ECSClient(config));
    const pageSize = clampPageSize(ctx.pageSize, 1, 100);
    for await (const clusters of sdk.paginateListClusters({ client, pageSize }, {}, { abortSignal: ctx.signal })) {
      for (const cluster of clusters.clusterArns ?? []) {
        const services = sdk.paginateListServices({ client, pageSize }, { cluster }, { abortSignal: ctx.signal });
        try {
          for await (const page of services) {
            const arns = page.serviceArns ?? [];
            if (arns.length > 0) yield await describe(sdk, client, cluster, arns, ctx.signal);
          }
        } catch (error) {
          // Gone since ListClusters: so are its services, which a complete scope may then end.
          if (errorCode(error) === "ClusterNotFoundException") continue;
          throw error;
        }
      }
    }
  },
  normalize: normalizeEcsService,
};
