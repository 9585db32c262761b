export { createDb, type CreateDbOptions, type Database, type DbHandle, type DbOrTx, type Schema, serverClientOf, type Transaction } from "./client.ts";
export { migrate, migrationsFolder } from "./migrate.ts";
export { withOrganization, type WithOrganizationOptions } from "./organization.ts";
export {
  notificationChannels,
  type ListenFn,
  type NewAlertEvent,
  type NotificationChannel,
  type NotificationPayloads,
  type ResourceStatusChangeEvent,
} from "./listen.ts";
export {
  createEventReader,
  pruneRealtimeEvents,
  readOrganizationEvents,
  realtimeEventsChannel,
  type EventReader,
  type EventReaderOptions,
  type OrganizationEvents,
  type OrganizationEventsParams,
  type RealtimeEvent,
} from "./events.ts";
export { CloudsyncDbError, EmbeddedDatabaseUnavailableError, InvalidInputError, MigrationError } from "./errors.ts";
export { DEFAULT_DATA_DIR, type DataDirOptions, findProjectRoot, resolveDataDir } from "./data-dir.ts";
export {
  getInfrastructureHealthScore,
  type HealthScoreParams,
  type InfrastructureHealthScore,
  rebuildResponseTimeMinutes,
  type RebuildResponseTimeMinutesParams,
} from "./queries/health.ts";
export {
  analyzeCostOptimization,
  COST_OPTIMIZATION_LIST_LIMIT,
  costOptimizationResources,
  getMonthlyCostSummary,
  refreshMonthlyCostSummary,
  refreshResourceUtilization,
  type CostOptimizationResource,
  type CostOptimizationResourcesPage,
  type CostOptimizationResourcesParams,
  type CostOptimizationRow,
  type CostOptimizationType,
  type MonthlyCostSummaryRow,
} from "./queries/costs.ts";
export { type PerformanceMetrics, refreshPerformanceMetrics } from "./queries/performance.ts";
export {
  AlertNotFoundError,
  AlertTransitionError,
  acknowledgeAlert,
  listAlertDeliveries,
  listAlerts,
  resolveAlert,
  type AcknowledgeAlertParams,
  type ListAlertsParams,
  type ResolveAlertParams,
} from "./queries/alerts.ts";
export {
  type DependencyDirection,
  type DependencyGraphParams,
  type DependencyNode,
  getResourceDependencyGraph,
  dependencyQueries,
  getWeddingCriticalDependencies,
  type WeddingCriticalDependencies,
  type WeddingCriticalParams,
} from "./queries/dependencies.ts";
export { dropMonitoringPartitions, ensureMonitoringPartitions, listMonitoringPartitions } from "./queries/partitions.ts";
export {
  type DrFindingResult,
  type DrPlanEvaluation,
  type DrPlanFinding,
  DrPlanNotFoundError,
  type DrResourceEvaluation,
  type DrResourceVerdict,
  drResourceVerdicts,
  evaluateDrPlan,
} from "./queries/recovery.ts";
export { type QueryRowsOptions, queryRows } from "./queries/rows.ts";
export * from "./schema/index.ts";
export type * from "./types.ts";
export { ConstraintViolationError, explainDatabaseError } from "./explain-error.ts";
