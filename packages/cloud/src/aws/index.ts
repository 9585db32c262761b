export { type AwsAccountConfig, type AwsAdapterConfig, type AwsBaseCredentials, createAwsAdapter } from "./adapter.ts";
export { awsRegionCatalog } from "./regions.ts";
