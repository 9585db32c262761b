export { startLinodeEmulator, type LinodeEmulator, type LinodeEmulatorOptions } from "./server.ts";
export { linodeEmulatorKinds, type LinodeEmulatorAccount, type LinodeEmulatorKind, type LinodeExpectedResource } from "./estate.ts";
export type { LinodeExpectedCost } from "./billing.ts";
export type { LinodeExpectedMetricSample } from "./stats.ts";
