import type { ReadState, ReadStep, ScopeRead } from "../core/scope-runner.ts";
import type { BackupRecord, ScopeRef } from "../types.ts";
import type { BackupApi } from "./backup-client.ts";
import { configurationOfProtectedItem, executionOfJob, type PolicyFacts, policyFacts, type ProtectedItemRef, type VaultWhere } from "./normalize-backups.ts";

/**
 * Azure Backup of one subscription: every Recovery Services vault, its policies, its protected
 * items (→ configurations) and its Backup jobs since the query's start (→ executions, linked to
 * the vault's item of the same friendly name). One scope per subscription,
 * `azure:<subscription>:*:backups`.
 */
export function azureBackupRead(subscriptionId: string, since: Date, now: () => Date, api: () => BackupApi, timeoutMs: number): ScopeRead<BackupRecord> {
  const scope: ScopeRef = { cloud: "azure", account: subscriptionId, region: "*", kind: "backups" };
  return { scopes: [scope], operation: "vaults.listBySubscriptionId", read: (state) => steps(subscriptionId, since, now(), api(), timeoutMs, state) };
}

function resourceGroupOf(id: string): string | null {
  return /\/resourceGroups\/([^/]+)\//i.exec(id)?.[1] ?? null;
}

async function* steps(subscriptionId: string, since: Date, until: Date, api: BackupApi, timeoutMs: number, state: ReadState): AsyncGenerator<ReadStep<BackupRecord>> {
  const o = { abortSignal: state.signal, timeoutMs };
  for await (const vaults of api.vaultPages(o)) {
    for (const vault of vaults) {
      const rg = vault.id ? resourceGroupOf(vault.id) : null;
      if (!vault.id || !vault.name || !rg) {
        yield { type: "skipped", itemId: vault.id ?? null, reason: "a Recovery Services vault without id, name or resource group" };
        continue;
      }
      const where: VaultWhere = { subscriptionId, vaultId: vault.id, location: vault.location ?? null };
      state.operation = "backupPolicies.list";
      const policies = new Map<string, PolicyFacts>();
      for await (const page of api.policyPages(rg, vault.name, o)) {
        for (const policy of page) {
          const facts = policyFacts(policy.properties);
          if (policy.id && facts) policies.set(policy.id.toLowerCase(), facts);
        }
      }
      state.operation = "backupProtectedItems.list";
      const items: ProtectedItemRef[] = [];
      for await (const page of api.protectedItemPages(rg, vault.name, o)) {
        const records: BackupRecord[] = [];
        for (const item of page) {
          const out = configurationOfProtectedItem(item, policies, where);
          if ("skip" in out) {
            yield { type: "skipped", itemId: item.id ?? null, reason: out.skip };
            continue;
          }
          records.push(out);
          items.push({ itemId: out.sourceId, resourceId: out.resourceId, friendlyName: String(out.details.friendly_name ?? "") });
        }
        if (records.length > 0) yield { type: "items", items: records };
      }
      state.operation = "backupJobs.list";
      for await (const page of api.jobPages(rg, vault.name, since, until, o)) {
        const records: BackupRecord[] = [];
        for (const job of page) {
          const out = executionOfJob(job, items, where);
          if (out === null) continue;
          if ("skip" in out) yield { type: "skipped", itemId: job.name ?? null, reason: out.skip };
          else records.push(out);
        }
        if (records.length > 0) yield { type: "items", items: records };
      }
      state.operation = "vaults.listBySubscriptionId";
    }
  }
}
