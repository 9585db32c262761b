// The core: what every consumer needs without any cloud's SDK. Each cloud's adapter is an entry
// point of its own (`@cloudsync/cloud/aws`, `/azure`, `/gcp`), so a process loads only the SDKs
// of the clouds it reads: importing all three costs about 250 MB of RSS before any work.
export * from "./types.ts";
export * from "./errors.ts";
export { type ResourceSizing, sizingConfigurationKeys, sizingOf } from "./sizing/sizing.ts";
export { latestScalingActivity, type ScalingAction, type ScalingChange, scalingActions, scalingChangeOf, type ScalingTrigger, scalingTriggerOf, scalingTriggers } from "./sizing/scaling.ts";
export { dependencyList, dependencyOf, type RelationName, relationRules, withDependencies } from "./core/relations.ts";
export { type ApiLimit, createRateLimiter, type RateLimiter, type RateLimiterOptions } from "./common/rate-limiter.ts";
export { mergeBounded } from "./common/merge.ts";
export {
  bytesToMbps,
  defaultSustained,
  defaultThresholds,
  evaluateHealth,
  fractionToPercent,
  judgedKeys,
  judgeResource,
  type HealthEvaluation,
  type HealthKey,
  type HealthLevel,
  type ResourceHealth,
  type ResourceJudgement,
  type StatusCheckSignal,
  type StatusCheckState,
  type SustainedRule,
  type Thresholds,
  type HealthThresholds,
} from "./metrics/health.ts";
export { isDecimal, normalizeDecimal, roundDecimal, sumDecimals } from "./common/decimal.ts";
export * from "./recommendations/index.ts";
export * from "./deployments/types.ts";
export { armDeploymentStatuses, cloudFormationStatuses, deploymentStatusOf, infraManagerStatuses, templateHash, templateTypeOf } from "./deployments/rules.ts";
