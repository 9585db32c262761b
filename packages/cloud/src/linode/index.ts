export { createLinodeAdapter, type LinodeAccountCredentials, type LinodeAdapter, type LinodeAdapterConfig } from "./adapter.ts";
export { linodeKinds } from "./kinds/index.ts";
export { linodeRegionCatalog, mergeLinodeRegion } from "./regions.ts";
export { linodeApiLimits } from "./api-limits.ts";
export { linodeCostProduct } from "./normalize-costs.ts";
