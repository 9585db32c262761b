import { sql } from "drizzle-orm";
import type { DbOrTx } from "../client.ts";
import { requireUuid } from "../validate.ts";
import { queryRows } from "./rows.ts";

/** What `get_infrastructure_health_score` returns. */
export interface InfrastructureHealthScore {
  total_resources: number;
  healthy_resources: number;
  warning_resources: number;
  critical_resources: number;
  health_percentage: number;
  avg_response_time_ms: number;
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
  return { ...score, health_percentage: Number(score.health_percentage), avg_response_time_ms: Number(score.avg_response_time_ms) };
}
