import { createComputeManagement } from "@azure/arm-compute/api";
import { applyMembershipRules, type ListedMember } from "../core/membership.ts";
import type { AccountDiscovery } from "../types.ts";
import { pipelineOptions } from "./arm-pipeline.ts";
import type { ClientSettings } from "./clients.ts";

/**
 * Whole-organization discovery over ARM's tenant-level reads: every subscription the principal
 * can see (`GET /subscriptions`, with its state), or, for a management group, its descendants
 * (`GET …/managementGroups/{group}/descendants`, each naming its parent, so group rules apply
 * at any depth) joined with the states from the first call. Sent through the same pipeline as
 * every ARM call (credential, retries, TLS, rate limit under the key `tenant:arm`).
 */

export interface AzureOrganizationConfig {
  /** Read the subscriptions below this management group (its name, e.g. the tenant id for the root); default: every subscription the principal sees. */
  managementGroup?: string;
  include?: { subscriptions?: readonly string[]; managementGroups?: readonly string[] };
  exclude?: { subscriptions?: readonly string[]; managementGroups?: readonly string[] };
}

const subscriptionsApiVersion = "2022-12-01";
const managementGroupsApiVersion = "2020-05-01";
/** States in which ARM still serves reads of a subscription; `Disabled`, `Deleted` and `PastDue` it does not (or soon will not). */
const readableStates = new Set(["Enabled", "Warned"]);

interface Page<T> {
  value?: T[];
  nextLink?: string;
  error?: { code?: string; message?: string };
}

interface SubscriptionItem {
  subscriptionId?: string;
  displayName?: string;
  state?: string;
}

interface DescendantItem {
  type?: string;
  name?: string;
  properties?: { displayName?: string; parent?: { id?: string } };
}

export async function discoverAzureSubscriptions(
  settings: ClientSettings,
  config: AzureOrganizationConfig,
  options: { timeoutMs: number; abortSignal?: AbortSignal },
): Promise<AccountDiscovery> {
  const arm = createComputeManagement(settings.credential, "tenant", pipelineOptions(settings, "tenant", "arm"));
  async function* pages<T>(path: string, apiVersion: string): AsyncGenerator<T[]> {
    let next: string | undefined;
    let first = true;
    while (first || next) {
      const request = first
        ? arm.path(path as never).get({ queryParameters: { "api-version": apiVersion }, abortSignal: options.abortSignal, timeout: options.timeoutMs })
        : arm.pathUnchecked(next as string).get({ abortSignal: options.abortSignal, timeout: options.timeoutMs });
      first = false;
      const response = await request;
      const body = (response.body ?? {}) as Page<T>;
      if (response.status !== "200") {
        throw Object.assign(new Error(body.error?.message ?? `HTTP ${response.status}`), {
          name: "RestError",
          statusCode: Number(response.status),
          code: body.error?.code,
        });
      }
      yield body.value ?? [];
      next = body.nextLink;
    }
  }

  const states = new Map<string, SubscriptionItem>();
  for await (const page of pages<SubscriptionItem>("/subscriptions", subscriptionsApiVersion)) {
    for (const s of page) if (s.subscriptionId) states.set(s.subscriptionId, s);
  }
  const unusable = (id: string) => {
    const state = states.get(id)?.state;
    if (state === undefined) return "the principal cannot see it (no role on it)";
    return readableStates.has(state) ? null : `ARM reports it ${state}`;
  };
  const members: ListedMember[] = [];
  const root = config.managementGroup;
  if (root === undefined) {
    for (const [id, s] of states) members.push({ account: id, name: s.displayName ?? id, ancestors: [], parentPath: null, unusable: unusable(id) });
  } else {
    const parentOf = new Map<string, string>();
    const subs: DescendantItem[] = [];
    const path = `/providers/Microsoft.Management/managementGroups/${encodeURIComponent(root)}/descendants`;
    for await (const page of pages<DescendantItem>(path, managementGroupsApiVersion)) {
      for (const d of page) {
        const parent = d.properties?.parent?.id?.split("/").at(-1);
        if (!d.name || !parent) continue;
        if (d.type === "Microsoft.Management/managementGroups") parentOf.set(d.name, parent);
        else subs.push(d);
      }
    }
    for (const d of subs) {
      const ancestors: string[] = [];
      for (let at: string | undefined = d.properties?.parent?.id?.split("/").at(-1); at; at = at === root ? undefined : parentOf.get(at)) ancestors.push(at);
      members.push({
        account: d.name as string,
        name: d.properties?.displayName ?? (d.name as string),
        ancestors,
        parentPath: [...ancestors].reverse().join("/"),
        unusable: unusable(d.name as string),
      });
    }
  }
  const rules = {
    include: { accounts: config.include?.subscriptions ?? [], parents: config.include?.managementGroups ?? [] },
    exclude: { accounts: config.exclude?.subscriptions ?? [], parents: config.exclude?.managementGroups ?? [] },
  };
  return { root: root === undefined ? "tenant" : `managementGroups/${root}`, accounts: applyMembershipRules(members, rules) };
}
