export { createAzureAdapter, type AzureAdapterConfig } from "./adapter.ts";
export type { AzureClientSecretCredentials, AzureCredentials } from "./credentials.ts";
export { azureRegionCatalog } from "./regions.ts";
export { azureKinds, azureKindTable } from "./kinds.ts";
export type { SubscriptionClients, SubscriptionClientsFactory } from "./clients.ts";
