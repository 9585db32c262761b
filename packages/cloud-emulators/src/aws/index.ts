export {
  startAwsEmulator,
  type AwsEmulator,
  type AwsEmulatorAccount,
  type AwsEmulatorOptions,
} from "./server.ts";
export type { AwsAddResourceInput } from "./estate.ts";
export { awsEmulatorKinds, type AwsEmulatorKind, type AwsExpectedResource } from "./model.ts";
