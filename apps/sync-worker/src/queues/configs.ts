import { costsQueue } from "./costs.config.ts";
import { maintenanceQueue } from "./maintenance.config.ts";
import { metricsQueue } from "./metrics.config.ts";
import { resourcesQueue } from "./resources.config.ts";
import type { QueueConfig, QueueKind } from "./types.ts";

export const queueConfigs: Readonly<Record<QueueKind, QueueConfig>> = {
  resources: resourcesQueue,
  costs: costsQueue,
  metrics: metricsQueue,
  maintenance: maintenanceQueue,
};

export const queueKinds = Object.keys(queueConfigs) as QueueKind[];
