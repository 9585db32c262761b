import type { NormalizedResource, ScopeRef } from "@cloudsync/cloud";
import { scopeKey } from "@cloudsync/cloud";
import { type DbOrTx, queryRows } from "@cloudsync/db";
import { type ResourceRow, resourceContentHash, toResourceRow } from "../resources/row.ts";
import { WritesInFlight } from "./in-flight.ts";
import type { RegionRegistry } from "./regions.ts";
import { insertScalingStatement, type ResizedRow, scalingRowsFor } from "./scaling.ts";
import {
  type WriteContext,
  insertNewResourcesStatement,
  storedHashesStatement,
  terminateResourcesStatement,
  upsertResourcesStatement,
} from "./resource-sql.ts";

export interface ResourceWriteCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  terminated: number;
  /** Scaling rows recorded because a size changed (write/scaling.ts). */
  scaled: number;
}

/** Terminations go out in slices so one statement never carries an unbounded id list. */
const TERMINATE_BATCH = 5_000;

/**
 * The writer's statements run once per page with the same text: parsed and planned once per
 * connection, they skip 2–3 ms of parse and plan each (measured on the upsert).
 */
const PREPARED = { prepare: true } as const;

export interface ResourceWriterOptions {
  /** Pages written concurrently (default 2); 1 writes each page before the next starts. */
  pagesInFlight?: number;
  /** Told how many resources a completed scope marked terminated, once they are. */
  onTerminated?: ((scope: ScopeRef, count: number) => void) | undefined;
}

/**
 * Writes one provider's resources scope by scope. For each scope it loads the stored content
 * hashes once, writes only the resources whose hash differs (a re-sync that changed nothing
 * writes nothing), and when the scope was read completely, terminates what the cloud no longer
 * returned. A failed scope is forgotten: nothing in it is terminated. An item the cloud listed
 * but that could not be read (`item_skipped`) still exists, so it is never taken for vanished.
 */
export class ResourceWriter {
  readonly counts: ResourceWriteCounts = { inserted: 0, updated: 0, unchanged: 0, terminated: 0, scaled: 0 };
  /** Per open scope: resource id → stored hash, shrinking as the cloud confirms resources. */
  readonly #open = new Map<string, Promise<Map<string, string | null>>>();
  readonly #kinds = new Map<string, string>();
  /** Ids of items listed but skipped as malformed: present in the cloud, so kept as stored. */
  readonly #skipped = new Set<string>();
  /** Scopes where an item without an id was skipped: any stored resource may be that item. */
  readonly #unidentified = new Set<string>();
  /** Pages being written and scopes' terminations. */
  readonly #inFlight: WritesInFlight;
  readonly #onTerminated: ResourceWriterOptions["onTerminated"];

  constructor(
    private readonly db: DbOrTx,
    private readonly regions: RegionRegistry,
    private readonly ctx: WriteContext,
    options: ResourceWriterOptions = {},
  ) {
    this.#onTerminated = options.onTerminated;
    this.#inFlight = new WritesInFlight(options.pagesInFlight);
  }

  /** Kinds seen so far with their resource type, for the service catalog. */
  get kindsSeen(): ReadonlyMap<string, string> {
    return this.#kinds;
  }

  async writePage(scope: ScopeRef, resources: readonly NormalizedResource[]): Promise<void> {
    const key = scopeKey(scope);
    // A new scope's stored hashes load while this page is hashed: on an unchanged re-sync the
    // two are most of the time, and neither needs the other.
    const loading = this.#storedFor(scope);
    loading.catch(() => {}); // awaited below; never an unhandled rejection
    const hashes = resources.map((resource) => resourceContentHash(resource, key));
    const stored = await loading;
    const fresh: ResourceRow[] = [];
    const changed: ResourceRow[] = [];
    for (const [i, resource] of resources.entries()) {
      this.#kinds.set(resource.kind, resource.resourceType);
      const hash = hashes[i]!;
      const previous = stored.get(resource.resourceId);
      stored.delete(resource.resourceId);
      if (previous === hash) this.counts.unchanged++;
      else (previous === undefined ? fresh : changed).push(toResourceRow(resource, scope, hash));
    }
    this.#inFlight.throwIfFailed();
    if (fresh.length === 0 && changed.length === 0) return;
    // Pages are written while the caller reads and hashes the next ones. A page that lists a
    // resource still in flight (paging that shifted under a read lists it twice) waits for it,
    // so the later version wins. A failed write surfaces here, at a later page, or at
    // completeScope()/flush(), before anything is terminated or committed.
    const ids = new Set<string>();
    for (const row of fresh) ids.add(row.resource_id);
    for (const row of changed) ids.add(row.resource_id);
    await this.#inFlight.admit(ids);
    this.#inFlight.start(() => this.#write(fresh, changed), { ids });
  }

  /** Waits for every page and termination still being written, and rethrows the first error if one failed. */
  async flush(): Promise<void> {
    await this.#inFlight.flush();
  }

  async #write(fresh: ResourceRow[], changed: ResourceRow[]): Promise<void> {
    await this.regions.ensure([...fresh, ...changed].map((r) => r.region_code));
    if (fresh.length > 0) {
      // The scope has never stored these: insert them without diffing. Any that exist after all
      // (moved from another scope, or written by a competing worker) go through the upsert.
      const inserted = await queryRows<{ resource_id: string }>(
        this.db,
        insertNewResourcesStatement(fresh, (code) => this.regions.idOf(code), this.ctx),
        PREPARED,
      );
      this.counts.inserted += inserted.length;
      const written = new Set(inserted.map((r) => r.resource_id));
      for (const row of fresh) if (!written.has(row.resource_id)) changed.push(row);
    }
    if (changed.length === 0) return;
    const [result] = await queryRows<{ inserted: number; updated: number; resized: ResizedRow[] | string | null }>(
      this.db,
      upsertResourcesStatement(changed, this.ctx),
      PREPARED,
    );
    const inserted = result?.inserted ?? 0;
    const updated = result?.updated ?? 0;
    this.counts.inserted += inserted;
    this.counts.updated += updated;
    const resized: ResizedRow[] = typeof result?.resized === "string" ? JSON.parse(result.resized) : (result?.resized ?? []);
    if (resized.length > 0) {
      // A second statement, because the judgement (size table, rules) is TypeScript's. Should it
      // fail, the page's error fails the run before anything is terminated or the run recorded.
      const scalings = scalingRowsFor(resized, new Map(changed.map((row) => [row.resource_id, row])), new Date());
      if (scalings.length > 0) {
        await queryRows(this.db, insertScalingStatement(scalings, this.ctx));
        this.counts.scaled += scalings.length;
      }
    }
    // Rows another writer had already brought up to date are unchanged for this run.
    this.counts.unchanged += changed.length - inserted - updated;
  }

  /**
   * The cloud listed an item that could not be normalized. Its stored row (if any) is left as it
   * was rather than terminated; without an id it could be any of the scope's stored resources,
   * so that scope terminates nothing in this run.
   */
  itemSkipped(scope: ScopeRef, itemId: string | null): void {
    if (itemId === null) this.#unidentified.add(scopeKey(scope));
    else this.#skipped.add(itemId);
  }

  /**
   * The scope was read completely: whatever it stored and the cloud did not return is gone.
   * The terminations are queued behind the pages already in flight and run beside later pages,
   * so the caller moves on to the next scope at once; `flush()` waits for them (and
   * `onTerminated` hears each scope's count). Should one of those pages fail, the scope
   * terminates nothing and the error surfaces at the next call.
   */
  async completeScope(scope: ScopeRef): Promise<void> {
    this.#inFlight.throwIfFailed();
    const key = scopeKey(scope);
    const stored = await this.#storedFor(scope);
    this.#open.delete(key);
    const vanished = this.#unidentified.has(key) ? [] : [...stored.keys()].filter((id) => !this.#skipped.has(id));
    if (vanished.length === 0) return;
    const before = this.#inFlight.settled();
    // Its ids keep a later page that lists one of them again (a resource back within the same
    // run) from overtaking the termination.
    this.#inFlight.start(
      async () => {
        await before;
        if (this.#inFlight.failed) return;
        let terminated = 0;
        for (let i = 0; i < vanished.length; i += TERMINATE_BATCH) {
          const [result] = await queryRows<{ terminated: number }>(
            this.db,
            terminateResourcesStatement(key, vanished.slice(i, i + TERMINATE_BATCH), this.ctx),
            PREPARED,
          );
          terminated += result?.terminated ?? 0;
        }
        this.counts.terminated += terminated;
        if (terminated > 0) this.#onTerminated?.(scope, terminated);
      },
      { ids: new Set(vanished), isPage: false },
    );
  }

  /** The scope could not be read completely: keep every stored resource as it is. */
  failScope(scope: ScopeRef): void {
    this.#open.delete(scopeKey(scope));
  }

  /** The scope's stored hashes, loaded once per open scope (a failed load is tried again next time). */
  #storedFor(scope: ScopeRef): Promise<Map<string, string | null>> {
    const key = scopeKey(scope);
    let stored = this.#open.get(key);
    if (!stored) {
      const loading = queryRows<{ resource_id: string; content_hash: string | null }>(
        this.db,
        storedHashesStatement(this.ctx, key),
        PREPARED,
      ).then((rows) => new Map(rows.map((r) => [r.resource_id, r.content_hash])));
      loading.catch(() => {
        if (this.#open.get(key) === loading) this.#open.delete(key);
      });
      stored = loading;
      this.#open.set(key, stored);
    }
    return stored;
  }
}
