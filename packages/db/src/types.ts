import type * as s from "./schema/index.ts";

// Row types for other teams: `…Row` is what a select returns, `New…` what an insert takes.
export type Organization = typeof s.organizations.$inferSelect;
export type NewOrganization = typeof s.organizations.$inferInsert;
export type UserProfile = typeof s.userProfiles.$inferSelect;
export type NewUserProfile = typeof s.userProfiles.$inferInsert;
export type CloudProvider = typeof s.cloudProviders.$inferSelect;
export type NewCloudProvider = typeof s.cloudProviders.$inferInsert;
export type CloudRegion = typeof s.cloudRegions.$inferSelect;
export type NewCloudRegion = typeof s.cloudRegions.$inferInsert;
export type CloudService = typeof s.cloudServices.$inferSelect;
export type NewCloudService = typeof s.cloudServices.$inferInsert;
export type CloudResource = typeof s.cloudResources.$inferSelect;
export type NewCloudResource = typeof s.cloudResources.$inferInsert;
export type ResourceScalingHistory = typeof s.resourceScalingHistory.$inferSelect;
export type NewResourceScalingHistory = typeof s.resourceScalingHistory.$inferInsert;
export type ResourceDependency = typeof s.resourceDependencies.$inferSelect;
export type NewResourceDependency = typeof s.resourceDependencies.$inferInsert;
export type InfrastructureTemplate = typeof s.infrastructureTemplates.$inferSelect;
export type NewInfrastructureTemplate = typeof s.infrastructureTemplates.$inferInsert;
export type InfrastructureDeployment = typeof s.infrastructureDeployments.$inferSelect;
export type NewInfrastructureDeployment = typeof s.infrastructureDeployments.$inferInsert;
export type CloudCost = typeof s.cloudCosts.$inferSelect;
export type NewCloudCost = typeof s.cloudCosts.$inferInsert;
export type CostOptimizationRecommendation = typeof s.costOptimizationRecommendations.$inferSelect;
export type NewCostOptimizationRecommendation = typeof s.costOptimizationRecommendations.$inferInsert;
export type CostBudget = typeof s.costBudgets.$inferSelect;
export type NewCostBudget = typeof s.costBudgets.$inferInsert;
export type DisasterRecoveryPlan = typeof s.disasterRecoveryPlans.$inferSelect;
export type NewDisasterRecoveryPlan = typeof s.disasterRecoveryPlans.$inferInsert;
export type BackupConfiguration = typeof s.backupConfigurations.$inferSelect;
export type NewBackupConfiguration = typeof s.backupConfigurations.$inferInsert;
export type BackupExecution = typeof s.backupExecutions.$inferSelect;
export type NewBackupExecution = typeof s.backupExecutions.$inferInsert;
export type InfrastructureMonitoring = typeof s.infrastructureMonitoring.$inferSelect;
export type NewInfrastructureMonitoring = typeof s.infrastructureMonitoring.$inferInsert;
export type ResourceUtilization = typeof s.resourceUtilization.$inferSelect;
export type NewResourceUtilization = typeof s.resourceUtilization.$inferInsert;
/** Kept by triggers on `cloud_resources`: read it, never write it. */
export type ResourceHealthCount = typeof s.resourceHealthCounts.$inferSelect;
/** Kept by triggers on `infrastructure_monitoring`: read it, never write it. */
export type ResponseTimeMinute = typeof s.responseTimeMinutes.$inferSelect;
/** Written by `refreshResourceUtilization`, removed by a trigger when the snapshot changes otherwise. */
export type CostOptimizationResult = typeof s.costOptimizationResults.$inferSelect;
export type InfrastructureAlert = typeof s.infrastructureAlerts.$inferSelect;
export type NewInfrastructureAlert = typeof s.infrastructureAlerts.$inferInsert;
export type AlertDelivery = typeof s.alertDeliveries.$inferSelect;
export type NewAlertDelivery = typeof s.alertDeliveries.$inferInsert;
export type SyncRun = typeof s.syncRuns.$inferSelect;
export type NewSyncRun = typeof s.syncRuns.$inferInsert;
export type MaintenanceRun = typeof s.maintenanceRuns.$inferSelect;
export type NewMaintenanceRun = typeof s.maintenanceRuns.$inferInsert;
export type MonthlyCostSummary = typeof s.monthlyCostSummary.$inferSelect;
export type ResourceChange = typeof s.resourceChanges.$inferSelect;
export type NewResourceChange = typeof s.resourceChanges.$inferInsert;
