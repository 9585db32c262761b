import {
  type MetricSample,
  type ResourceHealth,
  type ScopeRef,
  type StatusCheckSignal,
  type SustainedRule,
  type HealthThresholds,
  defaultSustained,
  defaultThresholds,
  evaluateHealth,
  judgeResource,
} from "@cloudsync/cloud";
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
  /** Where the resource lives, so a completed scope can vouch that it sent no samples. */
  account?: string;
  regionCode?: string;
}

export interface MetricWriteContext {
  organizationId: string;
  providerId: string;
}

type RecentSample = Pick<MetricSample, "timestamp" | "metrics">;

/**
 * Writes samples into the partitioned `infrastructure_monitoring` in bulk, each scored against
 * the thresholds. A sample's id is derived from its resource and instant, so reading the same
 * window twice stores it once. At the end each resource's `health_status` is judged by the rules
 * of docs/health-and-costs.md (sustained breaches over its latest samples, the cloud's status
 * checks); a resource of a completed scope that sent neither is `unknown`. The provider's status
 * follows the judged resources. Alerts are the alert rules' business (src/alerts), which the
 * metrics job runs once this writer has finished.
 */
export class MetricWriter {
  readonly counts = { samples: 0, stored: 0, unknownResources: 0 };
  readonly #byProviderId = new Map<string, MetricTargetRow>();
  /** Per resource row id, its latest samples (at most the sustained window), newest last. */
  readonly #recent = new Map<string, RecentSample[]>();
  readonly #checks = new Map<string, StatusCheckSignal[]>();
  readonly #completedScopes: ScopeRef[] = [];
  readonly #inFlight: WritesInFlight;
  readonly #sustained: SustainedRule;

  constructor(
    private readonly db: Database,
    private readonly ctx: MetricWriteContext,
    targets: readonly MetricTargetRow[],
    private readonly thresholds: HealthThresholds = defaultThresholds,
    options: { pagesInFlight?: number; sustained?: SustainedRule } = {},
  ) {
    for (const t of targets) this.#byProviderId.set(t.resourceId.toLowerCase(), t);
    this.#inFlight = new WritesInFlight(options.pagesInFlight);
    this.#sustained = options.sustained ?? defaultSustained;
  }

  /** A scope the cloud answered in full: its targets without samples or checks have no signal. */
  completeScope(scope: ScopeRef): void {
    this.#completedScopes.push(scope);
  }

  /** The cloud's own status checks for resources, by the provider's id. */
  addStatusChecks(resourceId: string, checks: readonly StatusCheckSignal[]): void {
    const target = this.#byProviderId.get(resourceId.toLowerCase());
    if (!target) return;
    this.#checks.set(target.id, [...(this.#checks.get(target.id) ?? []), ...checks]);
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
      this.#remember(target.id, s);
    }
    if (rows.length === 0) return;
    // Written while the caller reads the next page, up to `pagesInFlight` pages at once. Pages
    // need no order among themselves: a sample's id is its resource and instant, and a sample
    // stored once is never written again.
    await this.#inFlight.admit();
    this.#inFlight.start(() => this.#insert(rows));
  }

  /** Our row ids of the resources that had at least one sample in this run. */
  get sampledResourceIds(): string[] {
    return [...this.#recent.keys()];
  }

  /** Keeps the newest `window` samples of a resource; re-read instants replace, not duplicate. */
  #remember(id: string, sample: RecentSample): void {
    const kept = (this.#recent.get(id) ?? []).filter((k) => k.timestamp !== sample.timestamp);
    kept.push({ timestamp: sample.timestamp, metrics: sample.metrics });
    kept.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
    this.#recent.set(id, kept.slice(-this.#sustained.window));
  }

  /** Each target's verdict: judged from samples and checks, `unknown` when a completed scope sent neither. */
  #verdicts(): { id: string; status: ResourceHealth }[] {
    const verdicts: { id: string; status: ResourceHealth }[] = [];
    for (const t of this.#byProviderId.values()) {
      const samples = this.#recent.get(t.id) ?? [];
      const checks = this.#checks.get(t.id) ?? [];
      if (samples.length === 0 && checks.length === 0) {
        if (this.#vouched(t)) verdicts.push({ id: t.id, status: "unknown" });
        continue;
      }
      verdicts.push({ id: t.id, status: judgeResource(samples, checks, this.thresholds, this.#sustained).status });
    }
    return verdicts;
  }

  /** Whether a completed scope covered the target's account and region (`*` covers every region). */
  #vouched(t: MetricTargetRow): boolean {
    if (t.account === undefined || t.regionCode === undefined) return false;
    return this.#completedScopes.some((s) => s.account === t.account && (s.region === "*" || s.region === t.regionCode));
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
            -- No conflict target: the key is (id, monitoring_timestamp) here and carries
            -- organization_id too where the table is distributed (docs/scaling.md).
            on conflict do nothing
            returning 1)
          select count(*)::int as n from stored`,
    );
    this.counts.stored += result?.n ?? 0;
  }

  /** Waits for the pages in flight, then applies the verdicts to resources and the provider. */
  async finish(): Promise<{ providerHealth: "healthy" | "degraded" | "critical" | "unknown" }> {
    await this.flush();
    const latest = this.#verdicts();
    if (latest.length === 0) return { providerHealth: "unknown" };
    await this.db.execute(
      sql`update cloud_resources r set health_status = x.status
            from jsonb_to_recordset(${JSON.stringify(latest)}::jsonb) as x(id uuid, status text)
           where r.organization_id = ${this.ctx.organizationId}::uuid and r.id = x.id
             and r.health_status is distinct from x.status`,
    );
    const critical = latest.filter((l) => l.status === "critical").map((l) => l.id);
    // The provider is judged on the resources that have a signal; none judged says nothing.
    const judged = latest.filter((l) => l.status !== "unknown");
    if (judged.length === 0) return { providerHealth: "unknown" };
    const share = critical.length / judged.length;
    const anyWarning = judged.some((l) => l.status !== "healthy");
    const providerHealth = share >= 0.1 ? "critical" : anyWarning ? "degraded" : "healthy";
    return { providerHealth };
  }
}
