export { createVultrAdapter, type VultrAdapter, type VultrAdapterConfig, type VultrAccountCredentials } from "./adapter.ts";
export { vultrKinds, vultrKindReaders } from "./kinds/index.ts";
export { tagsFromVultr } from "./normalize.ts";
export { vultrCostCategory } from "./costs.ts";
