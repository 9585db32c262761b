export * from "./types.ts";
export * from "./errors.ts";
export { createRateLimiter, type RateLimiter, type RateLimiterOptions } from "./common/rate-limiter.ts";
export { mergeBounded } from "./common/merge.ts";
export * from "./aws/index.ts";
export * from "./azure/index.ts";
export * from "./gcp/index.ts";
export { bytesToMbps, defaultThresholds, evaluateHealth, fractionToPercent, type HealthEvaluation, type HealthLevel, type Thresholds } from "./metrics/health.ts";
export { isDecimal, normalizeDecimal, roundDecimal, sumDecimals } from "./common/decimal.ts";
