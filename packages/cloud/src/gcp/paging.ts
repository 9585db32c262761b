import type { AggregatedLister, GcpCallOptions, NextListRequest, PagedLister } from "./clients.ts";
import { CloudError } from "../errors.ts";
import type { RawEntry, RawPage, ScopeWarning } from "./kinds/kind.ts";

/**
 * Scoped-list warnings meaning "this zone's items are missing", so the list is incomplete.
 * Others (NO_RESULTS_ON_PAGE for empty zones, deprecation notices) are informational.
 */
const INCOMPLETE_WARNINGS = new Set(["UNREACHABLE", "PARTIAL_SUCCESS"]);

/**
 * Reads an aggregated list through the SDK's async iterator (which requests one API page of
 * `pageSize` items at a time) and regroups its `[zone, items]` pairs into pages of at most
 * `pageSize` items, so a consumer sees few, full pages; at most the page being built and the
 * SDK's one cached API page are held.
 */
export async function* aggregatedPages(
  lister: AggregatedLister,
  field: string,
  request: { project: string; pageSize: number; callOptions: GcpCallOptions },
): AsyncGenerator<RawPage> {
  let entries: RawEntry[] = [];
  let warnings: ScopeWarning[] = [];
  const iterable = lister.aggregatedListAsync(
    { project: request.project, maxResults: request.pageSize },
    request.callOptions,
  );
  for await (const [scopeKey, scoped] of iterable) {
    const list = scoped as Record<string, unknown>;
    const items = Array.isArray(list[field]) ? (list[field] as object[]) : [];
    const warning = list.warning as { code?: unknown; message?: unknown } | null | undefined;
    if (warning && typeof warning.code === "string" && INCOMPLETE_WARNINGS.has(warning.code)) {
      warnings.push({ scopeKey, code: warning.code, message: typeof warning.message === "string" ? warning.message : "" });
    }
    if (items.length === 0) continue;
    if (entries.length > 0 && entries.length + items.length > request.pageSize) {
      yield { entries, warnings };
      entries = [];
      warnings = [];
    }
    // A single zone's slice never exceeds the API page, which never exceeds pageSize.
    for (const item of items) entries.push({ item, scopeKey });
  }
  if (entries.length > 0 || warnings.length > 0) yield { entries, warnings };
}

/** Reads a plain list one API page per call. */
export async function* listPages(
  lister: PagedLister,
  request: { project: string; pageSize: number; callOptions: GcpCallOptions },
): AsyncGenerator<RawPage> {
  let next: NextListRequest | null | undefined = { project: request.project, maxResults: request.pageSize };
  while (next) {
    const [items, following]: [object[], NextListRequest | null | undefined, unknown] = await lister.list(
      next,
      request.callOptions,
    );
    if (items.length > 0) yield { entries: items.map((item) => ({ item, scopeKey: null })), warnings: [] };
    next = following;
  }
}

/**
 * The entries of an aggregated list, page by page; once every page is read, a list that some
 * zone did not answer (UNREACHABLE) throws, so its scope fails instead of vouching for items it
 * never saw.
 */
export async function* completeAggregatedPages(
  lister: AggregatedLister,
  field: string,
  request: { project: string; pageSize: number; callOptions: GcpCallOptions },
): AsyncGenerator<RawEntry[]> {
  const unreachable: string[] = [];
  for await (const page of aggregatedPages(lister, field, request)) {
    for (const warning of page.warnings) unreachable.push(`${warning.scopeKey} (${warning.code})`);
    if (page.entries.length > 0) yield page.entries;
  }
  if (unreachable.length > 0) {
    throw new CloudError(
      "gcp",
      `aggregated/${field} in GCP project ${request.project} is incomplete: ${unreachable.slice(0, 5).join(", ")} did not answer; try again later`,
      { account: request.project },
    );
  }
}

/** The entries of a plain list, one API page per call. */
export async function* listEntries(
  lister: PagedLister,
  request: { project: string; pageSize: number; callOptions: GcpCallOptions },
): AsyncGenerator<RawEntry[]> {
  for await (const page of listPages(lister, request)) yield page.entries;
}
