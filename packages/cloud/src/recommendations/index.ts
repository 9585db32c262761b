import type { Finding, ResourceFacts, RuleContext, UsageFacts } from "./facts.ts";
import { regionOptimization } from "./rules/region-optimization.ts";
import { reservedInstances } from "./rules/reserved-instances.ts";
import { rightsizing } from "./rules/rightsizing.ts";
import { spotInstance } from "./rules/spot-instances.ts";
import { storageOptimization } from "./rules/storage-optimization.ts";
import { unusedResource } from "./rules/unused-resources.ts";

export * from "./facts.ts";
export { nextSmallerSize, sizePosition } from "./sizes.ts";
export { regionPinTags } from "./rules/region-optimization.ts";
export { bucketCoolClasses, volumeSuccessors } from "./rules/storage-optimization.ts";
export { isIdle } from "./rules/unused-resources.ts";

export interface ResourceEvidence {
  facts: ResourceFacts;
  usage: UsageFacts | undefined;
}

/**
 * Every rule over every resource. A resource gets at most one advice, the first that holds in
 * this order, so savings never count twice: unused (delete it) before rightsizing (shrink it),
 * before storage (change its type), region (move it), spot (make it interruptible), and last a
 * commitment for what is left running steadily.
 */
export function evaluateRecommendations(resources: readonly ResourceEvidence[], ctx: RuleContext): Finding[] {
  const findings: Finding[] = [];
  const left: ResourceEvidence[] = [];
  for (const e of resources) {
    const one =
      unusedResource(e.facts, e.usage, ctx) ??
      rightsizing(e.facts, e.usage, ctx) ??
      storageOptimization(e.facts, ctx, e.usage) ??
      regionOptimization(e.facts, ctx) ??
      spotInstance(e.facts, ctx);
    if (one) findings.push(one);
    else left.push(e);
  }
  findings.push(...reservedInstances(left, ctx));
  return findings;
}
export { recommendationFacts, type StoredResource } from "./facts-of.ts";
export { regionGeography } from "./geography.ts";
export { sizesToPrice } from "./sizes.ts";
