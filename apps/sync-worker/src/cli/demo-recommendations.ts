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
  const byType = new Map<string, { count: number; resources: number; savings: number; currency: string; example: string }>();
  for (const f of findings) {
    const t = byType.get(f.type) ?? { count: 0, resources: 0, savings: 0, currency: f.currency, example: f.action };
    t.count++;
    t.resources += f.resourceKeys.length;
    t.savings += f.monthlySavings;
    byType.set(f.type, t);
  }
  const rows = [...byType.entries()].sort((a, b) => b[1].savings - a[1].savings);
  const total = rows.reduce((s, [, t]) => s + t.savings, 0);
  out(
    `Recommendations (cost_optimization_recommendations; rules in docs/recommendations.md, usage over the last hour)\n${renderTable(
      ["type", "findings", "resources", "monthly savings", "currency", "for example"],
      rows.map(([type, t]) => [type, t.count, t.resources, t.savings.toFixed(2), t.currency, t.example]),
    )}\nTotal: ${total.toFixed(2)} a month, each resource counted once.\n`,
  );
}
