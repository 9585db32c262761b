export { capacityRule, type CapacityRuleOptions, leastSquares, type TrendFacts, trendsFromSamples } from "./capacity.ts";
export { costAnomalyRule, type CostAnomalyOptions, median } from "./cost-anomaly.ts";
export { performanceRule, type PerformanceRuleOptions } from "./performance.ts";
export { resourceHealthRule } from "./resource-health.ts";
export type { AlertCandidate, BackupCoverageFacts, DailyCostFacts, ResourceFacts, RuleResult, SampleFacts } from "./types.ts";
export { dataHoldingTypes, weddingDayRule } from "./wedding-day.ts";
