import type { NormalizedResource, ScopeRef } from "@cloudsync/cloud";
import { scopeKey } from "@cloudsync/cloud";
import { type DbOrTx, queryRows } from "@cloudsync/db";
import { type ResourceRow, resourceContentHash, toResourceRow } from "../resources/row.ts";
import type { RegionRegistry } from "./regions.ts";
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
  /** Scaling rows recorded because a size category changed. */
  scaled: number;
}

/** Terminations go out in slices so one statement never carries an unbounded id list. */
const TERMINATE_BATCH = 5_000;

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
  readonly #open = new Map<string, Map<string, string | null>>();
  readonly #kinds = new Map<string, string>();
  /** Ids of items listed but skipped as malformed: present in the cloud, so kept as stored. */
  readonly #skipped = new Set<string>();
  /** Scopes where an item without an id was skipped: any stored resource may be that item. */
  readonly #unidentified = new Set<string>();
  #inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: DbOrTx,
    private readonly regions: RegionRegistry,
    private readonly ctx: WriteContext,
  ) {}

  /** Kinds seen so far with their resource type, for the service catalog. */
  get kindsSeen(): ReadonlyMap<string, string> {
    return this.#kinds;
  }

  async writePage(scope: ScopeRef, resources: readonly NormalizedResource[]): Promise<void> {
    const stored = await this.#storedFor(scope);
    const key = scopeKey(scope);
    const fresh: ResourceRow[] = [];
    const changed: ResourceRow[] = [];
    for (const resource of resources) {
      this.#kinds.set(resource.kind, resource.resourceType);
      const hash = resourceContentHash(resource, key);
      const previous = stored.get(resource.resourceId);
      stored.delete(resource.resourceId);
      if (previous === hash) this.counts.unchanged++;
      else (previous === undefined ? fresh : changed).push(toResourceRow(resource, scope, hash));
    }
    // One page in flight: this page is written while the caller reads and hashes the next one
    // (on two cores, Node and PostgreSQL work at once). A failed write surfaces here, at the
    // next page, or at completeScope()/flush(), before anything is terminated or committed.
    await this.#inFlight;
    if (fresh.length === 0 && changed.length === 0) return;
    const write = this.#write(fresh, changed);
    write.catch(() => {}); // observed by whoever awaits #inFlight next; never an unhandled rejection
    this.#inFlight = write;
  }

  /** Waits for the page still being written, and rethrows its error if it failed. */
  async flush(): Promise<void> {
    await this.#inFlight;
  }

  async #write(fresh: ResourceRow[], changed: ResourceRow[]): Promise<void> {
    await this.regions.ensure([...fresh, ...changed].map((r) => r.region_code));
    if (fresh.length > 0) {
      // The scope has never stored these: insert them without diffing. Any that exist after all
      // (moved from another scope, or written by a competing worker) go through the upsert.
      const inserted = await queryRows<{ resource_id: string }>(
        this.db,
        insertNewResourcesStatement(fresh, (code) => this.regions.idOf(code), this.ctx),
      );
      this.counts.inserted += inserted.length;
      const written = new Set(inserted.map((r) => r.resource_id));
      for (const row of fresh) if (!written.has(row.resource_id)) changed.push(row);
    }
    if (changed.length === 0) return;
    const [result] = await queryRows<{ inserted: number; updated: number; scalings: number }>(
      this.db,
      upsertResourcesStatement(changed, this.ctx),
    );
    const inserted = result?.inserted ?? 0;
    const updated = result?.updated ?? 0;
    this.counts.inserted += inserted;
    this.counts.updated += updated;
    this.counts.scaled += result?.scalings ?? 0;
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

  /** The scope was read completely: whatever it stored and the cloud did not return is gone. */
  async completeScope(scope: ScopeRef): Promise<number> {
    await this.flush();
    const key = scopeKey(scope);
    const stored = await this.#storedFor(scope);
    this.#open.delete(key);
    const vanished = this.#unidentified.has(key) ? [] : [...stored.keys()].filter((id) => !this.#skipped.has(id));
    let terminated = 0;
    for (let i = 0; i < vanished.length; i += TERMINATE_BATCH) {
      const [result] = await queryRows<{ terminated: number }>(
        this.db,
        terminateResourcesStatement(key, vanished.slice(i, i + TERMINATE_BATCH), this.ctx),
      );
      terminated += result?.terminated ?? 0;
    }
    this.counts.terminated += terminated;
    return terminated;
  }

  /** The scope could not be read completely: keep every stored resource as it is. */
  failScope(scope: ScopeRef): void {
    this.#open.delete(scopeKey(scope));
  }

  async #storedFor(scope: ScopeRef): Promise<Map<string, string | null>> {
    const key = scopeKey(scope);
    let stored = this.#open.get(key);
    if (!stored) {
      const rows = await queryRows<{ resource_id: string; content_hash: string | null }>(
        this.db,
        storedHashesStatement(this.ctx.providerId, key),
      );
      stored = new Map(rows.map((r) => [r.resource_id, r.content_hash]));
      this.#open.set(key, stored);
    }
    return stored;
  }
}
