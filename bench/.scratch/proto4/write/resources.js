import { scopeKey } from "@cloudsync/cloud";
import { queryRows } from "@cloudsync/db";
import { toResourceRow } from "../resources/row.js";
import { storedHashesStatement, terminateResourcesStatement, upsertResourcesStatement, } from "./resource-sql.js";
/** Terminations go out in slices so one statement never carries an unbounded id list. */
const TERMINATE_BATCH = 5_000;
/**
 * Writes one provider's resources scope by scope. For each scope it loads the stored content
 * hashes once, writes only the resources whose hash differs (a re-sync that changed nothing
 * writes nothing), and when the scope was read completely, terminates what the cloud no longer
 * returned. A failed scope is forgotten: nothing in it is terminated.
 */
export class ResourceWriter {
    db;
    regions;
    ctx;
    counts = { inserted: 0, updated: 0, unchanged: 0, terminated: 0, scaled: 0 };
    /** Per open scope: resource id → stored hash, shrinking as the cloud confirms resources. */
    #open = new Map();
    #kinds = new Map();
    constructor(db, regions, ctx) {
        this.db = db;
        this.regions = regions;
        this.ctx = ctx;
    }
    /** Kinds seen so far with their resource type, for the service catalog. */
    get kindsSeen() {
        return this.#kinds;
    }
    async writePage(scope, resources) {
        const stored = await this.#storedFor(scope);
        const changed = [];
        for (const resource of resources) {
            const row = toResourceRow(resource, scope);
            this.#kinds.set(row.resource_subtype, row.resource_type);
            const previous = stored.get(row.resource_id);
            stored.delete(row.resource_id);
            if (previous !== undefined && previous === row.content_hash)
                this.counts.unchanged++;
            else
                changed.push(row);
        }
        if (changed.length === 0)
            return;
        await this.regions.ensure(changed.map((r) => r.region_code));
        const [result] = await queryRows(this.db, upsertResourcesStatement(changed, this.ctx));
        const inserted = result?.inserted ?? 0;
        const updated = result?.updated ?? 0;
        this.counts.inserted += inserted;
        this.counts.updated += updated;
        this.counts.scaled += result?.scalings ?? 0;
        // Rows another writer had already brought up to date are unchanged for this run.
        this.counts.unchanged += changed.length - inserted - updated;
    }
    /** The scope was read completely: whatever it stored and the cloud did not return is gone. */
    async completeScope(scope) {
        const key = scopeKey(scope);
        const stored = await this.#storedFor(scope);
        this.#open.delete(key);
        const vanished = [...stored.keys()];
        let terminated = 0;
        for (let i = 0; i < vanished.length; i += TERMINATE_BATCH) {
            const [result] = await queryRows(this.db, terminateResourcesStatement(key, vanished.slice(i, i + TERMINATE_BATCH), this.ctx));
            terminated += result?.terminated ?? 0;
        }
        this.counts.terminated += terminated;
        return terminated;
    }
    /** The scope could not be read completely: keep every stored resource as it is. */
    failScope(scope) {
        this.#open.delete(scopeKey(scope));
    }
    async #storedFor(scope) {
        const key = scopeKey(scope);
        let stored = this.#open.get(key);
        if (!stored) {
            const rows = await queryRows(this.db, storedHashesStatement(this.ctx.providerId, key));
            stored = new Map(rows.map((r) => [r.resource_id, r.content_hash]));
            this.#open.set(key, stored);
        }
        return stored;
    }
}
//# sourceMappingURL=resources.js.map