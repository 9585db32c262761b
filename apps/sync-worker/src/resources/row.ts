import { hash } from "node:crypto";
import type { NormalizedResource, ResourceDependency, ScopeRef } from "@cloudsync/cloud";
import { scopeKey } from "@cloudsync/cloud";
import { environmentFromTags, weddingCriticalFromTags } from "./tag-flags.ts";

/** One resource as the writer sends it to PostgreSQL (snake_case: it becomes a JSON record). */
export interface ResourceRow {
  resource_id: string;
  resource_name: string;
  resource_type: string;
  resource_subtype: string;
  size_category: string;
  resource_status: string;
  configuration: Record<string, unknown>;
  tags: Record<string, string>;
  region_code: string;
  cloud_account_id: string;
  sync_scope: string;
  content_hash: string;
  /** What the tags declare, or null to keep the stored value. */
  environment: string | null;
  is_wedding_critical: boolean | null;
  /** What the cloud says the resource depends on; resolved into resource_dependencies after the run. */
  dependency_claims: ResourceDependency[] | null;
}

/** `resource_name` is varchar(200); the full name stays in the configuration. */
const MAX_NAME = 200;

/**
 * Turns a normalized resource into the row the writer upserts. `hash` is
 * {@link resourceContentHash} of the same resource and scope, when the caller already has it.
 */
export function toResourceRow(resource: NormalizedResource, scope: ScopeRef, hash?: string): ResourceRow {
  const key = scopeKey(scope);
  const name = resource.name.length > MAX_NAME ? `${resource.name.slice(0, MAX_NAME - 1)}…` : resource.name;
  return {
    resource_id: resource.resourceId,
    resource_name: name || resource.resourceId.slice(-MAX_NAME),
    resource_type: resource.resourceType,
    resource_subtype: resource.kind,
    size_category: resource.sizeCategory,
    resource_status: resource.status,
    configuration: resource.configuration,
    tags: resource.tags,
    region_code: resource.regionCode,
    cloud_account_id: resource.account,
    sync_scope: key,
    content_hash: hash ?? resourceContentHash(resource, key),
    environment: environmentFromTags(resource.tags),
    is_wedding_critical: weddingCriticalFromTags(resource.tags),
    dependency_claims: resource.dependencies ?? null,
  };
}

/**
 * The content hash of a resource read in a scope: equal hashes mean the stored row is already
 * right. It covers the normalized resource and the scope, everything the row is derived from, so
 * the writer can compare it before building a row: a re-sync that changed nothing builds none.
 * Plain `JSON.stringify`, not JSON with keys sorted at every depth, because it is five times
 * cheaper and hashing is most of an unchanged re-sync. Key order is stable because normalizers
 * build objects in code order and the clouds list tags in a stable order; were a cloud to
 * reorder tags alone, the row would be rewritten once with no change recorded.
 */
export function resourceContentHash(resource: NormalizedResource, key: string): string {
  // One-shot hash() rather than a Hash object: the same digest, a quarter cheaper per resource.
  return hash("sha256", `${key}\n${JSON.stringify(resource)}`, "base64url");
}
