import { MalformedItemError } from "../errors.ts";
import type { KindDescription, NormalizedResource, ScopeRef } from "../types.ts";
import type { ReadState, ReadStep, ScopeRead } from "./scope-runner.ts";

/**
 * The unit of the integration layer: one resource kind, in one file under `src/<cloud>/kinds/`.
 * It says what it is (the `KindDescription` consumers see), how to list it over the official
 * SDK, and how one raw item becomes one resource. Everything else — scopes, paging order,
 * concurrency, skipped items, failures, cancellation — is the shared runner's.
 */
export interface KindReader<Raw, Ctx> extends KindDescription {
  /** The list call that pages this kind (`DescribeInstances`, `aggregated/instances`), for errors and rate-limit keys. */
  readonly operation: string;
  /** Raw items, one array per API page, following every token to the end. Throws when the listing fails. */
  pages(ctx: Ctx): AsyncIterable<Raw[]>;
  /** Pure: one raw item → one resource; throws MalformedItemError for an item that cannot be trusted. */
  normalize(raw: Raw, where: ItemWhere): NormalizedResource;
}

/**
 * A reader whose one listing reports many kinds (Azure's `resources.list`): it describes the
 * kinds it reports instead of being one.
 */
export interface MultiKindReader<Raw, Ctx> extends Omit<KindReader<Raw, Ctx>, keyof KindDescription> {
  readonly fanout: KindDescription["fanout"];
  readonly reports: readonly KindDescription[];
}

/** Where a raw item was read: the scope's account and region. */
export interface ItemWhere {
  account: string;
  region: string;
}

/** How one read of a kind maps onto scopes; the cloud's scope planner makes these. */
export interface KindReadPlan<Raw> {
  /** The scopes this read vouches for (one, except when a single listing feeds several, e.g. regions of a GCP aggregated list). */
  scopes: readonly ScopeRef[];
  /** Whose credentials the read uses, when not the scope's account. */
  credentialAccount?: string;
  where: ItemWhere;
  /** The scope a resource belongs to, or undefined to drop it (a region or kind the caller did not ask for). Default: the first scope. */
  scopeOf?(resource: NormalizedResource): ScopeRef | undefined;
  /** The scope a skipped item is reported under (default: the first). */
  skippedScopeOf?(raw: Raw): ScopeRef | undefined;
}

/** Just what consumers may know of a kind, without its functions. */
export function describeKind(kind: KindDescription): KindDescription {
  return {
    kind: kind.kind,
    resourceType: kind.resourceType,
    fanout: kind.fanout,
    metricKeys: [...kind.metricKeys],
    relations: kind.relations.map((r) => ({ ...r })),
    ...(kind.resourceKinds ? { resourceKinds: [...kind.resourceKinds] } : {}),
    ...(kind.statusChecks ? { statusChecks: [...kind.statusChecks] } : {}),
  };
}

/** The read of one kind over one plan, for the shared runner. */
export function kindRead<Raw, Ctx>(
  reader: Pick<KindReader<Raw, Ctx>, "operation" | "pages" | "normalize">,
  plan: KindReadPlan<Raw>,
  context: (state: ReadState) => Ctx,
): ScopeRead<NormalizedResource> {
  return {
    scopes: plan.scopes,
    ...(plan.credentialAccount ? { credentialAccount: plan.credentialAccount } : {}),
    operation: reader.operation,
    read: (state) => normalizedPages(reader, reader.pages(context(state)), plan),
  };
}

/**
 * Normalizes each raw page: malformed items become skipped steps (before the page they were
 * on), the rest one items step per scope they belong to.
 */
export async function* normalizedPages<Raw>(
  reader: Pick<KindReader<Raw, unknown>, "normalize">,
  pages: AsyncIterable<Raw[]>,
  plan: KindReadPlan<Raw>,
): AsyncGenerator<ReadStep<NormalizedResource>> {
  const first = plan.scopes[0] as ScopeRef;
  for await (const page of pages) {
    // Most reads vouch for one scope and keep everything: no grouping needed.
    const single: NormalizedResource[] = [];
    const grouped = plan.scopeOf ? new Map<ScopeRef, NormalizedResource[]>() : null;
    for (const raw of page) {
      let resource: NormalizedResource;
      try {
        resource = reader.normalize(raw, plan.where);
      } catch (error) {
        if (!(error instanceof MalformedItemError)) throw error;
        yield { type: "skipped", scope: plan.skippedScopeOf?.(raw) ?? first, itemId: error.itemId, reason: error.message };
        continue;
      }
      if (!grouped) {
        single.push(resource);
        continue;
      }
      const scope = plan.scopeOf?.(resource);
      if (!scope) continue;
      const group = grouped.get(scope);
      if (group) group.push(resource);
      else grouped.set(scope, [resource]);
    }
    if (grouped) {
      for (const [scope, items] of grouped) yield { type: "items", scope, items };
    } else if (single.length > 0) {
      yield { type: "items", scope: first, items: single };
    }
  }
}

/** Fits a requested page size into an API's allowed range; the maximum when none is asked. */
export function clampPageSize(requested: number | undefined, min: number, max: number): number {
  if (requested === undefined || !Number.isFinite(requested)) return max;
  return Math.min(max, Math.max(min, Math.floor(requested)));
}

/** The readers for the asked kinds, or every reader; an unknown kind is the caller's mistake. */
export function selectReaders<R extends { kind: string }>(
  readers: readonly R[],
  kinds: readonly string[] | undefined,
  cloudLabel: string,
  alias: (kind: string) => string = (k) => k,
): R[] {
  if (!kinds) return [...readers];
  const wanted = new Set(kinds.map(alias));
  const unknown = [...wanted].filter((k) => !readers.some((r) => r.kind === k));
  if (unknown.length > 0) {
    throw new RangeError(`the ${cloudLabel} adapter does not read ${unknown.join(", ")}; known kinds: ${readers.map((r) => r.kind).join(", ")}`);
  }
  return readers.filter((r) => wanted.has(r.kind));
}
