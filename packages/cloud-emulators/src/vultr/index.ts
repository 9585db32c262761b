export { startVultrEmulator, type VultrEmulator, type VultrEmulatorOptions } from "./server.ts";
export { vultrEmulatorKinds, vultrEmulatorRegions, type VultrEmulatorKind, type VultrExpectedResource, type VultrAccountConfig } from "./estate.ts";
export type { VultrExpectedCost, VultrInvoiceItem } from "./billing.ts";
