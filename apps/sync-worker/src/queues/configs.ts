import { type CloudName, cloudNames, cloudReads } from "@cloudsync/cloud";
import { backupsQueue } from "./backups.config.ts";
import { costsQueue } from "./costs.config.ts";
import { deploymentsQueue } from "./deployments.config.ts";
import { maintenanceQueue } from "./maintenance.config.ts";
import { metricsQueue } from "./metrics.config.ts";
import { resourcesQueue } from "./resources.config.ts";
import type { QueueConfig, QueueKind } from "./types.ts";

export const queueConfigs: Readonly<Record<QueueKind, QueueConfig>> = {
  resources: resourcesQueue,
  costs: costsQueue,
  metrics: metricsQueue,
  backups: backupsQueue,
  deployments: deploymentsQueue,
  maintenance: maintenanceQueue,
};

export const queueKinds = Object.keys(queueConfigs) as QueueKind[];

/** The kinds whose jobs belong to a provider, and so to its cloud. */
export const providerQueueKinds = ["resources", "costs", "metrics", "backups", "deployments"] as const satisfies readonly QueueKind[];
export type ProviderQueueKind = (typeof providerQueueKinds)[number];

export function isProviderQueueKind(kind: QueueKind): kind is ProviderQueueKind {
  return (providerQueueKinds as readonly QueueKind[]).includes(kind);
}

/**
 * Whether providers of `cloud` get jobs of `kind`: backups and deployments only where the cloud's
 * adapter reads them (elsewhere a job could only fail, and its freshness would read as stale).
 */
export function kindRunsFor(cloud: string, kind: ProviderQueueKind): boolean {
  return kind === "backups" || kind === "deployments" ? cloudReads(cloud, kind) : true;
}

/**
 * The BullMQ queue of a kind: one per kind and cloud (`resources-aws`) for provider jobs, so that
 * a worker process can take one cloud's jobs and leave the others waiting for theirs; the
 * maintenance queue belongs to no cloud.
 */
export function queueName(kind: QueueKind, cloud?: CloudName): string {
  if (!isProviderQueueKind(kind)) return queueConfigs[kind].name;
  if (!cloud || !(cloudNames as readonly string[]).includes(cloud)) {
    throw new TypeError(`a ${kind} job belongs to a provider's queue: name the provider's cloud (${cloudNames.join(", ")}), got ${String(cloud)}`);
  }
  return `${queueConfigs[kind].name}-${cloud}`;
}

/** Every queue of the deployment, as [kind, cloud] (cloud undefined for maintenance). */
export function allQueues(clouds: readonly CloudName[] = cloudNames): [QueueKind, CloudName | undefined][] {
  return queueKinds.flatMap((kind): [QueueKind, CloudName | undefined][] =>
    isProviderQueueKind(kind) ? clouds.map((cloud): [QueueKind, CloudName] => [kind, cloud]) : [[kind, undefined]],
  );
}
