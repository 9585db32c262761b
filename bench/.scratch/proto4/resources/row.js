import { createHash } from "node:crypto";
import { scopeKey } from "@cloudsync/cloud";
/** `resource_name` is varchar(200); the full name stays in the configuration. */
const MAX_NAME = 200;
/**
 * Turns a normalized resource into the row the writer upserts, with a content hash over
 * everything that would be written: equal hashes mean the stored row is already right.
 */
export function toResourceRow(resource, scope) {
    const name = resource.name.length > MAX_NAME ? `${resource.name.slice(0, MAX_NAME - 1)}…` : resource.name;
    const row = {
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
        sync_scope: scopeKey(scope),
    };
    return { ...row, content_hash: contentHash(row) };
}
export function contentHash(value) {
    return createHash("sha256").update(JSON.stringify(value)).digest("base64url");
}
/** JSON with object keys sorted at every depth, so equal content always hashes equal. */
export function stableJson(value) {
    if (value === null || typeof value !== "object")
        return JSON.stringify(value) ?? "null";
    if (Array.isArray(value))
        return `[${value.map(stableJson).join(",")}]`;
    const entries = Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
}
//# sourceMappingURL=row.js.map