import type { ItemWhere } from "../../core/kind-reader.ts";
import type { NormalizedResource } from "../../types.ts";
import { configurationOf, type DoRaw, malformed, str } from "../normalize.ts";
import { type DoKindReader, listPages } from "./kind.ts";

/**
 * A CDN endpoint fronts a Spaces bucket (`origin`, its hostname). It is global, has no state in
 * the API (listed means serving) and no tags; its name is its origin. Spaces buckets are not
 * read (see docs/coverage.md), so the origin is kept in the configuration, not as an edge.
 */
export function normalizeCdnEndpoint(raw: DoRaw, where: ItemWhere): NormalizedResource {
  const id = str(raw, "id");
  if (!id) throw malformed(where.account, str(raw, "origin") ?? null, "CDN endpoint without id");
  return {
    cloud: "digitalocean",
    account: where.account,
    regionCode: "global",
    kind: "do_cdn_endpoint",
    resourceId: id,
    name: str(raw, "origin") ?? id,
    resourceType: "cdn",
    status: "running",
    sizeCategory: "custom",
    tags: {},
    configuration: configurationOf(raw),
    providerCreatedAt: str(raw, "created_at") ?? null,
  };
}

/** CDN endpoints: `GET /v2/cdn/endpoints`, paged. */
export const cdnEndpointsReader: DoKindReader = {
  kind: "do_cdn_endpoint",
  resourceType: "cdn",
  fanout: "account_global",
  operation: "cdn/endpoints",
  metricKeys: [],
  relations: [],
  pages: (ctx) => listPages(ctx, "cdn/endpoints", "endpoints", (v2) => v2.cdn.endpoints),
  normalize: normalizeCdnEndpoint,
};
