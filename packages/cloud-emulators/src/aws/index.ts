export {
  startAwsEmulator,
  type AwsEmulator,
  type AwsEmulatorAccount,
  type AwsEmulatorOptions,
  type AwsExpectedMetricsQuery,
} from "./server.ts";
export type { AwsAddResourceInput, AwsResizeInput } from "./estate.ts";
export { awsEmulatorKinds, awsGlobalEmulatorKinds, type AwsEmulatorKind, type AwsExpectedResource } from "./model.ts";
export { type BucketLifecycle, bucketLifecycleOf } from "./render-s3.ts";
export { type AwsExpectedCostLine, costServices as awsCostServices } from "./costs.ts";
export type { AwsExpectedMetricSample } from "./metrics.ts";
export type { AwsExpectedGroupCapacity, AwsExpectedInstanceStatus, AwsGroupInstance, Ec2CheckStatus } from "./status-checks.ts";
export type { AwsEmulatorMember, AwsEmulatorOrganization, AwsEmulatorOrganizationUnit, AwsMemberStatus } from "./organizations.ts";
export type { AwsExpectedStack } from "./cloudformation.ts";
export type { AwsExpectedBackupJob, AwsExpectedBackupPlan } from "./backup.ts";
export type { AwsExpectedSnapshot } from "./snapshots.ts";
export type { AwsExpectedRdsBackup, AwsExpectedRdsSnapshot } from "./rds-backups.ts";
