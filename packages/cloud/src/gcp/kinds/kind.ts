import type { KindReader } from "../../core/kind-reader.ts";
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

/** What a GCP kind reads with: the project, the connection's Compute clients, paging and retry settings. */
export interface GcpReadContext {
  project: string;
  pageSize: number;
  callOptions: GcpCallOptions;
  clients: ComputeClients;
}

/**
 * One GCP resource kind: the shared `KindReader` over Compute. Aggregated lists cover every
 * zone and region of a project in one paged call (`project`, scope region `*`, or one scope
 * per asked region); global collections are one scope `global` per project (`project_global`).
 * A raw item is an entry: the item and the aggregated-list key it came under.
 */
export interface GcpKindReader extends KindReader<RawEntry, GcpReadContext> {
  readonly fanout: "project" | "project_global";
}
