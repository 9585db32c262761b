import { sql } from "drizzle-orm";
import type { DbOrTx } from "../client.ts";
import { requireUuid } from "../validate.ts";
import { queryRows } from "./rows.ts";

/**
 * What `get_infrastructure_health_score` returns (rules: docs/health-and-costs.md). Resources
 * without a health signal are `unknown_resources`: they count toward coverage, never toward
 * healthy or critical.
 */
export interface InfrastructureHealthScore {
  /** Running resources. */
  total_resources: number;
  /** Running resources with a verdict (healthy + warning + critical). */
  judged_resources: number;
  healthy_resources: number;
  warning_resources: number;
  critical_resources: number;
  /** Running resources without a signal: `unknown`, or never judged. */
  unknown_resources: number;
  /** judged / total × 100; null when nothing is running. */
  coverage_percentage: number | null;
  /** healthy / judged × 100; null when nothing is judged. */
  health_percentage: number | null;
  /** Mean `response_time_ms` of the last hour's samples; null when none carried one. */
  avg_response_time_ms: number | null;
  /** `unknown` when nothing is judged; `critical` when ≥ 10 % of the judged are critical. */
  overall_status: "healthy" | "warning" | "critical" | "unknown";
  last_updated: string;
}

export interface HealthScoreParams {
  organizationId: string;
  /** Only these providers (default: all of the organization's). */
  providerIds?: readonly string[] | undefined;
}

/** Health of an organization's running resources. Call inside `withOrganization` for that organization. */
export async function getInfrastructureHealthScore(db: DbOrTx, params: HealthScoreParams): Promise<InfrastructureHealthScore> {
  const orgId = requireUuid("organizationId", params.organizationId);
  const providerIds = params.providerIds?.map((id, i) => requireUuid(`providerIds[${i}]`, id));
  const providers = providerIds ? sql`${`{${providerIds.join(",")}}`}::uuid[]` : sql`null::uuid[]`;
  const [row] = await queryRows<{ score: InfrastructureHealthScore | string }>(
    db,
    sql`select get_infrastructure_health_score(${orgId}::uuid, ${providers}) as score`,
  );
  const score = typeof row?.score === "string" ? (JSON.parse(row.score) as InfrastructureHealthScore) : row?.score;
  if (!score) throw new Error("get_infrastructure_health_score returned no row");
  const num = (v: number | string | null) => (v === null ? null : Number(v));
  return {
    ...score,
    coverage_percentage: num(score.coverage_percentage),
    health_percentage: num(score.health_percentage),
    avg_response_time_ms: num(score.avg_response_time_ms),
  };
}

export interface RebuildResponseTimeMinutesParams {
  /** The organization whose minutes to count again; null for every organization. */
  organizationId: string | null;
  /** From this instant (widened to its minute); omitted: the oldest sample. */
  from?: Date | undefined;
  /** Up to this instant (widened to a whole minute); omitted: the newest sample. */
  to?: Date | undefined;
}

/**
 * Counts `response_time_minutes` (what the health score's mean response time sums, migration
 * 0038) again from the samples, and returns the rows written. Only needed after writing samples
 * in a way that bypasses triggers (COPY with `session_replication_role = replica`, a partition
 * attached by hand): the triggers keep it exact otherwise. Holds writers of samples off while it
 * runs; not inside a REPEATABLE READ transaction. The owner or the worker role may call it.
 */
export async function rebuildResponseTimeMinutes(db: DbOrTx, params: RebuildResponseTimeMinutesParams): Promise<number> {
  const orgId = params.organizationId === null ? null : requireUuid("organizationId", params.organizationId);
  const [row] = await queryRows<{ written: string }>(
    db,
    sql`select rebuild_response_time_minutes(${orgId}::uuid, ${params.from?.toISOString() ?? null}::timestamptz, ${params.to?.toISOString() ?? null}::timestamptz)::text as written`,
  );
  return Number(row?.written ?? 0);
}
