export { startAzureEmulator, type AzureEmulator, type AzureEmulatorOptions } from "./server.ts";
export type { AddResourceInput, ExpectedResource as AzureExpectedResource } from "./estate.ts";
