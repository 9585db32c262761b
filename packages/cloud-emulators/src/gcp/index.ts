export { startGcpEmulator, type GcpEmulator, type GcpEmulatorOptions } from "./server.ts";
export type { GcpExpectedResource, GcpAddInput } from "./estate.ts";
export type { GcpServiceAccountKey } from "./token.ts";
export { emulatorKinds as gcpEmulatorKinds, type EmulatorKind as GcpEmulatorKind } from "./items.ts";
export type { GcpExpectedCost } from "./billing.ts";
export type { GcpExpectedMetricSample } from "./monitoring.ts";
export type { GcpEmulatorFolder, GcpEmulatorOrganization, GcpEmulatorOrgProject, GcpLifecycleState } from "./resource-manager-api.ts";
export type { GcpExpectedBackupRun } from "./backup-runs.ts";
