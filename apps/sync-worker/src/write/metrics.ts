import { type HealthLevel, type MetricSample, type Thresholds, defaultThresholds, evaluateHealth } from "@cloudsync/cloud";
import { type Database, queryRows } from "@cloudsync/db";
import { sql } from "drizzle-orm";
import { WritesInFlight } from "./in-flight.ts";

/** One sample as the page statement reads it. */
interface SampleRow {
  resource: string;
  ts: string;
  metrics: MetricSample["metrics"];
  score: number;
  alerts: { metric: string; level: string }[];
}

export interface MetricTargetRow {
  /** Our row id. */
  id: string;
  /** The provider's id, as samples name it. */
  resourceId: string;
  isWeddingCritical: boolean;
  name: string;
}

export interface MetricWriteContext {
  organizationId: string;
  providerId: string;
}

/**
 * Writes samples into the partitioned `infrastructure_monitoring` in bulk, each scored against
 * the thresholds. A sample's id is derived from its resource and instant, so reading the same
 * window twice stores it once. At the end, each resource's `health_status` follows its latest
 * sample and the provider's follows its resources. Alerts are the alert rules' business
 * (src/alerts), which the metrics job runs once this writer has finished.
 */
export class MetricWriter {
  readonly counts = { samples: 0, stored: 0, unknownResources: 0 };
  readonly #byProviderId = new Map<string, MetricTargetRow>();
  readonly #latest = new Map<string, { at: string; status: HealthLevel }>();
  readonly #inFlight: WritesInFlight;

  constructor(
    private readonly db: Database,
    private readonly ctx: MetricWriteContext,
    targets: readonly MetricTargetRow[],
    private readonly thresholds: { warning: Thresholds; critical: Thresholds } = defaultThresholds,
    options: { pagesInFlight?: number } = {},
  ) {
    for (const t of targets) this.#byProviderId.set(t.resourceId.toLowerCase(), t);
    this.#inFlight = new WritesInFlight(options.pagesInFlight);
  }

  async writePage(samples: readonly MetricSample[]): Promise<void> {
    this.#inFlight.throwIfFailed();
    const rows: SampleRow[] = [];
    for (const s of samples) {
      this.counts.samples++;
      const target = this.#byProviderId.get(s.resourceId.toLowerCase());
      if (!target) {
        this.counts.unknownResources++;
        continue;
      }
      const health = evaluateHealth(s.metrics, this.thresholds);
      rows.push({
        resource: target.id,
        ts: s.timestamp,
        metrics: s.metrics,
        score: health.healthScore,
        alerts: [...health.criticals.map((k) => ({ metric: k, level: "critical" })), ...health.warnings.map((k) => ({ metric: k, level: "warning" }))],
      });
      const latest = this.#latest.get(target.id);
      if (!latest || latest.at < s.timestamp) this.#latest.set(target.id, { at: s.timestamp, status: health.status });
    }
    if (rows.length === 0) return;
    // Written while the caller reads the next page, up to `pagesInFlight` pages at once. Pages
    // need no order among themselves: a sample's id is its resource and instant, and a sample
    // stored once is never written again.
    await this.#inFlight.admit();
    this.#inFlight.start(() => this.#insert(rows));
  }

  /** Waits for every page still being written, and rethrows the first error if one failed. */
  async flush(): Promise<void> {
    await this.#inFlight.flush();
  }

  async #insert(rows: readonly SampleRow[]): Promise<void> {
    const [result] = await queryRows<{ n: number }>(
      this.db,
      sql`with stored as (
            insert into infrastructure_monitoring (id, organization_id, resource_id, monitoring_timestamp, monitoring_type,
                                                   metrics, thresholds, alerts_triggered, health_score)
            select md5(x.resource::text || ':' || extract(epoch from x.ts)::text)::uuid, ${this.ctx.organizationId}::uuid,
                   x.resource, x.ts, 'performance', x.metrics, ${JSON.stringify(this.thresholds)}::jsonb, x.alerts, x.score
              from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(resource uuid, ts timestamptz, metrics jsonb, score int, alerts jsonb)
            on conflict (id, monitoring_timestamp) do nothing
            returning 1)
          select count(*)::int as n from stored`,
    );
    this.counts.stored += result?.n ?? 0;
  }

  /** Waits for the pages in flight, then applies the latest readings to resources and the provider. */
  async finish(): Promise<{ providerHealth: "healthy" | "degraded" | "critical" | "unknown" }> {
    await this.flush();
    if (this.#latest.size === 0) return { providerHealth: "unknown" };
    const latest = [...this.#latest].map(([id, v]) => ({ id, status: v.status }));
    await this.db.execute(
      sql`update cloud_resources r set health_status = x.status
            from jsonb_to_recordset(${JSON.stringify(latest)}::jsonb) as x(id uuid, status text)
           where r.organization_id = ${this.ctx.organizationId}::uuid and r.id = x.id
             and r.health_status is distinct from x.status`,
    );
    const critical = latest.filter((l) => l.status === "critical").map((l) => l.id);
    const share = critical.length / latest.length;
    const anyWarning = latest.some((l) => l.status !== "healthy");
    const providerHealth = share >= 0.1 ? "critical" : anyWarning ? "degraded" : "healthy";
    return { providerHealth };
  }
}
