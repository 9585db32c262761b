export { createDigitalOceanAdapter, type DigitalOceanAdapter, type DigitalOceanAdapterConfig, type DoTeamCredentials } from "./adapter.ts";
export { doKinds } from "./kinds/index.ts";
export { doRegionCatalog } from "./regions.ts";
export { doApiLimit } from "./api-limits.ts";
export { doCostCategory, DO_BILLING_CURRENCY } from "./normalize-costs.ts";
export { tagsFromDo } from "./normalize.ts";
