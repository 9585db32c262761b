import type { EmulatedResource } from "./model.ts";

/**
 * ECS's JSON 1.1 answers. DescribeClusters and DescribeServices return tags only when asked
 * with `include: ["TAGS"]`, in ECS's own lower-case `{key, value}` shape; ids that match
 * nothing come back as `failures` with reason `MISSING`, not as an error.
 */

function ecsTags(tags: Record<string, string>): { key: string; value: string }[] {
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}

export function renderEcsCluster(item: EmulatedResource, withTags: boolean, malformed: boolean): Record<string, unknown> {
  const cluster: Record<string, unknown> = {
    clusterArn: item.id,
    clusterName: item.naturalName,
    registeredContainerInstancesCount: Number(item.extra.instances),
    runningTasksCount: Number(item.size),
    pendingTasksCount: Number(item.extra.pendingTasks),
    activeServicesCount: Number(item.extra.activeServices),
    statistics: [],
    settings: [{ name: "containerInsights", value: item.tags.env === "prod" ? "enabled" : "disabled" }],
    capacityProviders: Number(item.extra.instances) > 0 ? [] : ["FARGATE", "FARGATE_SPOT"],
    defaultCapacityProviderStrategy: [],
  };
  if (withTags) cluster.tags = ecsTags(item.tags);
  if (!malformed) cluster.status = item.state;
  return cluster;
}

export function renderEcsService(item: EmulatedResource, withTags: boolean, malformed: boolean): Record<string, unknown> {
  const created = Date.parse(item.createdAt) / 1000;
  const desired = Number(item.size);
  const running = Number(item.extra.running);
  const fargate = item.extra.launchType === "FARGATE";
  const service: Record<string, unknown> = {
    serviceArn: item.id,
    serviceName: item.naturalName,
    clusterArn: item.extra.clusterArn,
    loadBalancers: [],
    serviceRegistries: [],
    desiredCount: desired,
    runningCount: running,
    pendingCount: 0,
    launchType: item.extra.launchType,
    taskDefinition: item.extra.taskDefinition,
    deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true }, maximumPercent: 200, minimumHealthyPercent: 100 },
    deployments: [
      {
        id: `ecs-svc/${item.id.slice(-16)}`,
        status: "PRIMARY",
        taskDefinition: item.extra.taskDefinition,
        desiredCount: desired,
        pendingCount: 0,
        runningCount: running,
        createdAt: created,
        updatedAt: created,
        launchType: item.extra.launchType,
        rolloutState: "COMPLETED",
      },
    ],
    events: [],
    createdAt: created,
    placementConstraints: [],
    placementStrategy: [],
    schedulingStrategy: "REPLICA",
    createdBy: `arn:aws:iam::${item.account}:role/deployer`,
    enableECSManagedTags: false,
    propagateTags: "NONE",
    enableExecuteCommand: false,
  };
  if (fargate) service.platformVersion = "LATEST";
  if (withTags) service.tags = ecsTags(item.tags);
  if (!malformed) service.status = item.state;
  return service;
}
