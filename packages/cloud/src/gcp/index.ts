export { createGcpAdapter, type GcpAdapter, type GcpAdapterConfig, type GcpStreamStats } from "./adapter.ts";
export type { GcpCredentials, GcpServiceAccountKey } from "./auth.ts";
export { gcpRegionCatalog, type GcpRegionCatalogEntry } from "./regions.ts";
export { gcpKinds, gcpScopeKinds } from "./kinds/index.ts";
export { parseBillingExportTable, type BillingExportTable } from "./billing-table.ts";
export { gcpCostCategory, resourceIdFromGlobalName } from "./normalize-costs.ts";
export { gcpMetricSpecs, type GcpMetricSpec } from "./normalize-metrics.ts";
export type { GcpOrganizationConfig } from "./organization.ts";
export { type BackendServiceSeries, backendServiceSeries } from "./metric-table.ts";
