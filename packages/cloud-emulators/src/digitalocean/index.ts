export { startDigitalOceanEmulator, type DoEmulator, type DoEmulatorOptions } from "./server.ts";
export { doEmulatorKinds, doEmulatorRegions, expectedTags as doExpectedTags, type DoEmulatorKind, type DoExpectedResource, type DoTeam } from "./estate.ts";
export type { DoExpectedCost } from "./billing.ts";
export { busyPercent as doBusyPercent, memoryUsedPercent as doMemoryUsedPercent, bandwidthMbps as doBandwidthMbps, STEP_SECONDS as doMetricStepSeconds } from "./monitoring.ts";
