export {
  startAwsEmulator,
  type AwsEmulator,
  type AwsEmulatorAccount,
  type AwsEmulatorOptions,
  type AwsExpectedMetricsQuery,
} from "./server.ts";
export type { AwsAddResourceInput, AwsResizeInput } from "./estate.ts";
export { awsEmulatorKinds, awsGlobalEmulatorKinds, type AwsEmulatorKind, type AwsExpectedResource } from "./model.ts";
export { type AwsExpectedCostLine, costServices as awsCostServices } from "./costs.ts";
export type { AwsExpectedMetricSample } from "./metrics.ts";
