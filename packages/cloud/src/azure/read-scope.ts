import type { AdapterLogger, InventoryEvent, NormalizedResource } from "../types.ts";
import type { SubscriptionClients } from "./clients.ts";
import { type ErrorContext, toAzureError } from "./errors.ts";
import { normalizeGenericResource, type VmStatus } from "./normalize.ts";
import type { ScopePlan } from "./scopes.ts";
import { readVmStatuses } from "./vm-statuses.ts";

export interface ScopeReadSettings {
  pageSize: number;
  timeoutMs: number;
  maxAttempts: number;
  secrets: readonly string[];
  signal?: AbortSignal;
  logger?: AdapterLogger;
}

/** `$expand` gives the generic listing the provisioning state and creation time it lacks by default. */
const expand = "createdTime,changedTime,provisioningState";

/**
 * Reads one scope: the VM statuses first (so a VM is never reported with a guessed state), then
 * `resources.list` page by page. Each API page becomes one `page` event, preceded by an
 * `item_skipped` for each item that could not be normalized; the next page is only requested
 * when the consumer pulls. Ends with exactly one `scope_completed` or `scope_failed`.
 */
export async function* readScope(
  plan: ScopePlan,
  clients: SubscriptionClients,
  settings: ScopeReadSettings,
): AsyncGenerator<InventoryEvent> {
  const { scope } = plan;
  const request = { abortSignal: settings.signal, timeoutMs: settings.timeoutMs };
  const errorContext = (operation: string): ErrorContext => ({
    subscriptionId: scope.account,
    operation,
    maxAttempts: settings.maxAttempts,
    timeoutMs: settings.timeoutMs,
    callerSignal: settings.signal,
    secrets: settings.secrets,
  });
  let operation = "virtualMachines.listAll";
  let resourceCount = 0;
  try {
    let vmStatuses: ReadonlyMap<string, VmStatus> = new Map();
    if (plan.readVmStatuses) vmStatuses = await readVmStatuses(clients.virtualMachines, request);
    operation = "resources.list";
    const pages = clients.resources.listPages({ ...request, top: settings.pageSize, filter: plan.serverFilter, expand });
    for await (const page of pages) {
      const resources: NormalizedResource[] = [];
      for (const raw of page) {
        const result = normalizeGenericResource(raw, { subscriptionId: scope.account, vmStatuses });
        if (!result.ok) {
          yield { type: "item_skipped", scope, itemId: result.itemId, reason: result.reason };
          continue;
        }
        if (inScope(result.resource, plan)) resources.push(result.resource);
      }
      if (resources.length === 0) continue;
      resourceCount += resources.length;
      yield { type: "page", scope, resources };
    }
    settings.logger?.debug({ scope, resourceCount }, "azure scope completed");
    yield { type: "scope_completed", scope, resourceCount };
  } catch (error) {
    const failure = toAzureError(error, errorContext(operation));
    settings.logger?.warn({ scope, error: failure.message }, "azure scope failed");
    yield { type: "scope_failed", scope, error: failure };
  }
}

/** The server filters on one side only (see scopes.ts); the other side is checked here. */
function inScope(resource: NormalizedResource, plan: ScopePlan): boolean {
  return (plan.region === "*" || resource.regionCode === plan.region) && (plan.kind === "*" || resource.kind === plan.kind);
}
