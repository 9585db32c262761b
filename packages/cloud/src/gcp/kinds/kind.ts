import type { NormalizedResource, ResourceType } from "../../types.ts";
import type { ComputeClients, GcpCallOptions } from "../clients.ts";

/** One raw item of a page and the aggregated-list key it came under (null for global lists). */
export interface RawEntry {
  item: object;
  scopeKey: string | null;
}

/** A scoped list the API could not fill (a zone that did not answer), which makes the scope incomplete. */
export interface ScopeWarning {
  scopeKey: string;
  code: string;
  message: string;
}

export interface RawPage {
  entries: RawEntry[];
  warnings: ScopeWarning[];
}

export interface PageRequest {
  project: string;
  pageSize: number;
  callOptions: GcpCallOptions;
}

/** How one resource kind is read and normalized. */
export interface GcpKindReader {
  /** `resource_subtype` and scope kind. */
  readonly kind: string;
  readonly resourceType: ResourceType;
  /** `aggregated`: one paged call covers every zone/region (scope region `*`); `global`: region `global`. */
  readonly coverage: "aggregated" | "global";
  /** API path under `projects/{project}/`, for rate-limit keys and messages. */
  readonly apiPath: string;
  pages(clients: ComputeClients, request: PageRequest): AsyncIterable<RawPage>;
  /** Pure; throws MalformedItemError for an item that cannot be normalized. */
  normalize(item: Record<string, unknown>, project: string, scopeKey: string | null): NormalizedResource;
}
