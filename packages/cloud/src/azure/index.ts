export { createAzureAdapter, type AzureAdapter, type AzureAdapterConfig } from "./adapter.ts";
export { costCategoryOf as azureCostCategoryOf, meterCategoryTable as azureMeterCategoryTable } from "./normalize-costs.ts";
export { vmMemoryBytes as azureVmMemoryBytes } from "./vm-memory.ts";
export type { AzureClientSecretCredentials, AzureCredentials } from "./credentials.ts";
export { azureRegionCatalog } from "./regions.ts";
export { azureKinds, azureKindTable } from "./kinds/arm-types.ts";
export type { SubscriptionClients, SubscriptionClientsFactory } from "./clients.ts";
export type { AzureOrganizationConfig } from "./organization.ts";
