import type { RegionInfo } from "@cloudsync/cloud";
import { type DbOrTx, cloudRegions } from "@cloudsync/db";
import { sql } from "drizzle-orm";

/**
 * Keeps `cloud_regions` in step with what syncs see: each region once per provider, with the
 * catalog's name, zones and geography. Remembers what it wrote (code → row id), so a page costs
 * nothing when its regions are known.
 */
export class RegionRegistry {
  readonly #known = new Map<string, string>();
  readonly #catalog = new Map<string, RegionInfo>();
  /** Codes being inserted right now, with the insert to wait for. */
  readonly #writing = new Map<string, Promise<void>>();

  constructor(
    private readonly db: DbOrTx,
    private readonly provider: { organizationId: string; providerId: string },
    catalog: readonly RegionInfo[] = [],
  ) {
    for (const region of catalog) this.#catalog.set(region.code, region);
  }

  /**
   * Makes sure every code has a row; unknown codes get a bare row named after the code. Calls
   * may overlap (the resource writer has pages in flight): a code already being written is
   * waited for, not written twice, and codes go in sorted order, so two inserts never take the
   * same rows' locks in opposite orders.
   */
  async ensure(codes: Iterable<string>): Promise<void> {
    const wanted = [...new Set(codes)].filter((code) => !this.#known.has(code));
    if (wanted.length === 0) return;
    const others = wanted.filter((code) => this.#writing.has(code)).map((code) => this.#writing.get(code));
    const missing = wanted.filter((code) => !this.#writing.has(code)).sort();
    const own = missing.length > 0 ? this.#insert(missing) : null;
    if (own) {
      for (const code of missing) this.#writing.set(code, own);
      const done = () => {
        for (const code of missing) this.#writing.delete(code);
      };
      own.then(done, done);
    }
    await Promise.allSettled(others);
    if (own) await own;
    // A code another call failed to write is still unknown: write it here, and fail here if it fails.
    const stillMissing = wanted.filter((code) => !this.#known.has(code));
    if (stillMissing.length > 0) await this.#insert(stillMissing.sort());
  }

  async #insert(missing: readonly string[]): Promise<void> {
    const rows = await this.db
      .insert(cloudRegions)
      .values(
        missing.map((code) => {
          const info = this.#catalog.get(code);
          return {
            organizationId: this.provider.organizationId,
            providerId: this.provider.providerId,
            regionCode: code,
            regionName: info?.name ?? (code === "global" ? "Global" : code),
            availabilityZones: info?.availabilityZones ?? [],
            ...(info ? { geographicLocation: info.geographicLocation } : {}),
          };
        }),
      )
      .onConflictDoUpdate({
        target: [cloudRegions.organizationId, cloudRegions.providerId, cloudRegions.regionCode],
        // Refresh the catalog's facts, but only when the row still has the bare placeholder.
        set: {
          regionName: sql`case when ${cloudRegions.regionName} = excluded.region_code then excluded.region_name else ${cloudRegions.regionName} end`,
          availabilityZones: sql`case when ${cloudRegions.availabilityZones} = '[]'::jsonb then excluded.availability_zones else ${cloudRegions.availabilityZones} end`,
          geographicLocation: sql`case when ${cloudRegions.geographicLocation} ->> 'country' = '' then excluded.geographic_location else ${cloudRegions.geographicLocation} end`,
        },
      })
      .returning({ id: cloudRegions.id, code: cloudRegions.regionCode });
    for (const row of rows) this.#known.set(row.code, row.id);
  }

  /** The row id of a region {@link ensure} has seen. */
  idOf(code: string): string {
    const id = this.#known.get(code);
    if (id === undefined) throw new Error(`region ${code} was not ensured before use (a writer bug)`);
    return id;
  }
}
