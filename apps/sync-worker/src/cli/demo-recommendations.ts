import type { CloudAdapter, CloudName, PriceSource } from "@cloudsync/cloud";
import { type Database, queryRows, withOrganization } from "@cloudsync/db";
import { sql } from "drizzle-orm";
import { priceQueriesFor, syncPrices } from "../jobs/sync-prices.ts";
import type { Logger } from "../logger.ts";
import { createAdapter } from "../providers/adapters.ts";
import type { ProviderForSync, ProviderSummary } from "../providers/registry.ts";
import { refreshRecommendations } from "../write/recommendations.ts";
import { renderTable } from "./output.ts";

export interface DemoRecommendationDeps {
  db: Database;
  logger: Logger;
  providers: readonly ProviderSummary[];
  loadProvider(id: string): Promise<ProviderForSync>;
}

/**
 * The demo's recommendations: list prices read from each emulated pricing API into
 * `cloud_prices`, then the rules of docs/recommendations.md over the estate, judged on the
 * hour of metrics the demo collected (a real deployment judges 30 days), and a summary per type.
 */
export async function printRecommendations(deps: DemoRecommendationDeps, organizationId: string, out: (line: string) => void): Promise<void> {
  const queries = await priceQueriesFor(deps.db, organizationId);
  const adapters = new Map<CloudName, CloudAdapter & Partial<PriceSource>>();
  const opened: { close?: () => Promise<void> }[] = [];
  try {
    for (const p of deps.providers) {
      const provider = await deps.loadProvider(p.id);
      const adapter = await createAdapter(provider.credentials, { regions: provider.regions, requestsPerSecond: 1000 });
      opened.push(adapter);
      adapters.set(provider.credentials.cloud, adapter);
    }
    const priced = await syncPrices(deps, adapters, queries);
    out(
      `List prices (cloud_prices), from each cloud's pricing API\n${renderTable(
        ["cloud", "prices", "note"],
        priced.map((r) => [r.cloud, r.stored, r.error ?? ""]),
      )}\n`,
    );
  } finally {
    await Promise.all(opened.map((a) => a.close?.()));
  }
  // The window is the hour the demo's metrics sync read: it ends where its last 5-minute period ends.
  const [last] = await queryRows<{ at: Date | string | null }>(
    deps.db,
    sql`select max(monitoring_timestamp) as at from infrastructure_monitoring where organization_id = ${organizationId}::uuid`,
  );
  const now = last?.at ? new Date(new Date(last.at).getTime() + 300_000) : new Date();
  const { findings } = await withOrganization(deps.db, organizationId, (tx) => refreshRecommendations(tx, organizationId, { windowHours: 1, now }), { role: null });
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
