export { type AwsAccountConfig, type AwsAdapter, type AwsAdapterConfig, type AwsBaseCredentials, createAwsAdapter } from "./adapter.ts";
export { awsRegionCatalog } from "./regions.ts";
export type { AwsOrganizationConfig } from "./organization.ts";
