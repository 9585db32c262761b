import { awsRecommendationFacts } from "../aws/recommendation-facts.ts";
import { azureRecommendationFacts } from "../azure/recommendation-facts.ts";
import { gcpRecommendationFacts } from "../gcp/recommendation-facts.ts";
import type { CloudName, ResourceStatus } from "../types.ts";
import type { ResourceFacts } from "./facts.ts";

/** A stored resource as the worker reads it back: enough to derive the rules' facts. */
export interface StoredResource {
  key: string;
  cloud: CloudName;
  kind: string;
  region: string;
  status: ResourceStatus;
  tags: Record<string, string>;
  configuration: Record<string, unknown>;
}

/** The rules' facts of one resource, read by its cloud's own extractor (no SDK is loaded). */
export function recommendationFacts(r: StoredResource): ResourceFacts {
  // Linode has no price list the rules read yet: its resources carry no facts and get no findings.
  if (r.cloud === "linode") return { key: r.key, cloud: r.cloud, kind: r.kind, region: r.region, status: r.status, tags: r.tags, role: "other" };
  const extract = r.cloud === "aws" ? awsRecommendationFacts : r.cloud === "azure" ? azureRecommendationFacts : gcpRecommendationFacts;
  return { key: r.key, cloud: r.cloud, kind: r.kind, region: r.region, status: r.status, tags: r.tags, ...extract(r.kind, r.configuration, r.tags) };
}
