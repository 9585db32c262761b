import { type Database, queryRows, withOrganization } from "@cloudsync/db";
import { sql } from "drizzle-orm";
import { refreshRecommendations } from "../write/recommendations.ts";
import { renderTable } from "./output.ts";

/**
 * The demo's recommendations: the list prices each cost sync read from the emulated pricing
 * APIs into `cloud_prices`, then the rules of docs/recommendations.md over the estate, judged on
 * the hour of metrics the demo collected (a real deployment judges 30 days), summed per type.
 */
export async function printRecommendations(db: Database, organizationId: string, out: (line: string) => void): Promise<void> {
  const priced = await queryRows<{ cloud: string; prices: number; terms: string }>(
    db,
    sql`select p.provider_name as cloud, count(c.*)::int as prices, coalesce(string_agg(distinct c.term, ', '), '') as terms
          from cloud_providers p left join cloud_prices c on c.cloud = p.provider_name
         where p.organization_id = ${organizationId}::uuid
         group by 1 order by 1`,
  );
  out(
    `List prices (cloud_prices), read from each cloud's pricing API with its bill\n${renderTable(
      ["cloud", "prices", "terms"],
      priced.map((r) => [r.cloud, r.prices, r.prices > 0 ? r.terms : "no pricing reader yet: no recommendation for this cloud"]),
    )}\n`,
  );
  // The window is the hour the demo's metrics sync read: it ends where its last 5-minute period ends.
  const [last] = await queryRows<{ at: Date | string | null }>(
    db,
    sql`select max(monitoring_timestamp) as at from infrastructure_monitoring where organization_id = ${organizationId}::uuid`,
  );
  const now = last?.at ? new Date(new Date(last.at).getTime() + 300_000) : new Date();
  const { findings } = await withOrganization(db, organizationId, (tx) => refreshRecommendations(tx, organizationId, { windowHours: 1, now }), { role: null });
  // Each finding's cloud, from its first resource, so every cloud's priced rows show.
  const keys = [...new Set(findings.map((f) => f.resourceKeys[0]).filter((k): k is string => !!k))];
  const clouds = new Map(
    keys.length === 0
      ? []
      : (
          await queryRows<{ id: string; cloud: string }>(
            db,
            sql`select cr.id, p.provider_name as cloud from cloud_resources cr join cloud_providers p on p.id = cr.provider_id
                 where cr.organization_id = ${organizationId}::uuid and cr.id = any(string_to_array(${keys.join(",")}, ',')::uuid[])`,
          )
        ).map((r) => [r.id, r.cloud] as const),
  );
  const byType = new Map<string, { type: string; cloud: string; count: number; resources: number; savings: number; currency: string; example: string }>();
  for (const f of findings) {
    const cloud = clouds.get(f.resourceKeys[0] ?? "") ?? "?";
    const key = `${f.type}|${cloud}`;
    const t = byType.get(key) ?? { type: f.type, cloud, count: 0, resources: 0, savings: 0, currency: f.currency, example: f.action };
    t.count++;
    t.resources += f.resourceKeys.length;
    t.savings += f.monthlySavings;
    byType.set(key, t);
  }
  const rows = [...byType.values()].sort((a, b) => a.type.localeCompare(b.type) || b.savings - a.savings);
  const total = rows.reduce((s, t) => s + t.savings, 0);
  out(
    `Recommendations (cost_optimization_recommendations; rules in docs/recommendations.md, usage over the last hour), by type and cloud\n${renderTable(
      ["type", "cloud", "findings", "resources", "monthly savings", "currency", "for example"],
      rows.map((t) => [t.type, t.cloud, t.count, t.resources, t.savings.toFixed(2), t.currency, t.example]),
    )}\nTotal: ${total.toFixed(2)} a month, each resource counted once.\n`,
  );
}
