// The worker's building blocks, for the benchmarks and for embedding a sync in another process.
export { syncResources, type ResourceSyncPayload, type ResourceSyncSummary } from "./jobs/sync-resources.ts";
export { syncCosts, costWindow, type CostSyncPayload, type CostSyncSummary } from "./jobs/sync-costs.ts";
export { syncMetrics, type MetricSyncPayload, type MetricSyncSummary } from "./jobs/sync-metrics.ts";
export { withSyncRun, type SyncDeps, type SyncProgress, type SyncSummaryBase } from "./jobs/sync-run.ts";
export { ResourceWriter, type ResourceWriteCounts, type ResourceWriterOptions } from "./write/resources.ts";
export { RegionRegistry } from "./write/regions.ts";
export { MetricWriter } from "./write/metrics.ts";
export { CostWriter } from "./write/costs.ts";
export { toResourceRow, resourceContentHash, type ResourceRow } from "./resources/row.ts";
export { environmentFromTags, weddingCriticalFromTags } from "./resources/tag-flags.ts";
export { createAdapter, type AdapterSettings, type ClosableAdapter } from "./providers/adapters.ts";
export { createAdapterPool, type AdapterPool, type AdapterPoolOptions } from "./providers/adapter-pool.ts";
export { addProvider, listProviders, loadProviderForSync, type ProviderForSync } from "./providers/registry.ts";
export { parseProviderCredentials, type ProviderCredentials } from "./providers/credentials.ts";
export { parseKeyring, generateKey, type Keyring } from "./secrets/keyring.ts";
export { awsEmulatorCredentials, azureEmulatorCredentials, gcpEmulatorCredentials } from "./demo/emulated-credentials.ts";
export { silentLogger, createLogger, type Logger } from "./logger.ts";
