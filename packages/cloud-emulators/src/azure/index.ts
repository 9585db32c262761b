export { startAzureEmulator, type AzureEmulator, type AzureEmulatorOptions, type ExpectedVmMetrics as AzureExpectedVmMetrics } from "./server.ts";
export type { CostLine as AzureCostLine } from "./billing.ts";
export type { VmMetricPoint as AzureVmMetricPoint } from "./monitor.ts";
export type { AddResourceInput, ExpectedResource as AzureExpectedResource } from "./estate.ts";
export type { AvailabilityState as AzureAvailabilityState, ExpectedAvailability as AzureExpectedAvailability } from "./resource-health.ts";
export type { AzureEmulatorManagementGroup, AzureEmulatorTenant, AzureEmulatorTenantSubscription, AzureSubscriptionState } from "./tenant-api.ts";
export type { AzureExpectedDeployment } from "./deployments.ts";
export type { AzureExpectedBackupJob, AzureExpectedProtectedItem } from "./recovery-services.ts";
