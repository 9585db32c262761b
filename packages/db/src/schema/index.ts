// The whole schema, one module per domain. drizzle-kit reads this barrel.
export * from "./tenancy.ts";
export * from "./providers.ts";
export * from "./resources.ts";
export * from "./deployments.ts";
export * from "./costs.ts";
export * from "./recovery.ts";
export * from "./monitoring.ts";
export * from "./sync.ts";
export * from "./realtime.ts";
export * from "./notifications.ts";
export * from "./discovery.ts";
