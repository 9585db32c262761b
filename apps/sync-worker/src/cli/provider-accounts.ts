import type { DbOrTx } from "@cloudsync/db";
import type { ProviderSummary } from "../providers/registry.ts";
import { type DiscoveredAccountCounts, discoveredAccountCounts, listDiscoveredAccounts } from "../write/discovered-accounts.ts";
import { printRows } from "./output.ts";

/** The order states are shown in: what is read, what is not, what left. */
const stateOrder = ["active", "suspended", "excluded", "left"];

/** `o-abc: 4 active, 1 suspended, 1 left`, or `-` for a provider that discovers nothing. */
export function describeDiscovered(counts: DiscoveredAccountCounts | undefined): string {
  if (!counts) return "-";
  const parts = stateOrder.filter((s) => (counts.byState[s] ?? 0) > 0).map((s) => `${counts.byState[s]} ${s}`);
  return `${counts.root ?? "?"}: ${parts.join(", ")}`;
}

/**
 * `provider list`: the providers and, for those that discover an organization, how many of its
 * accounts are in each state; with `--json`, every discovered account with when it was first
 * and last seen and when it left.
 */
export async function printProviders(db: DbOrTx, providers: readonly ProviderSummary[], json: boolean): Promise<void> {
  const counts = await discoveredAccountCounts(db);
  if (json) {
    const rows = [];
    for (const p of providers) {
      const c = counts.get(p.id);
      rows.push({
        ...p,
        discovery: c ? { root: c.root, accountsByState: c.byState, lastSeenAt: c.lastSeenAt, accounts: await listDiscoveredAccounts(db, p.id) } : null,
      });
    }
    printRows(true, rows, { headers: [], cells: () => [], empty: "" });
    return;
  }
  printRows(false, providers, {
    headers: ["id", "cloud", "name", "active", "health", "last sync", "discovered accounts"],
    cells: (p) => [p.id, p.providerName, p.displayName, p.isActive ? "yes" : "no", p.healthStatus ?? "unknown", p.lastSyncAt?.toISOString() ?? "never", describeDiscovered(counts.get(p.id))],
    empty: "no providers yet: `cloudsync provider add --org ID --credentials FILE`",
  });
}
