import { armError } from "./wire.ts";

/**
 * ARM's tenant-level reads that whole-organization discovery uses: `GET /subscriptions` (every
 * subscription the principal sees, with its `state`) and `GET /providers/Microsoft.Management/
 * managementGroups/{group}/descendants` (management groups and subscriptions below a group, each
 * naming its parent), both paged with `nextLink`. The tenant root group's name is the tenant id.
 */

export type AzureSubscriptionState = "Enabled" | "Warned" | "PastDue" | "Disabled" | "Deleted";

export interface AzureEmulatorTenantSubscription {
  subscriptionId: string;
  displayName?: string;
  state?: AzureSubscriptionState;
  /** Management group name (default: the tenant root group). */
  managementGroup?: string;
}

export interface AzureEmulatorManagementGroup {
  name: string;
  displayName?: string;
  /** Parent group name (default: the tenant root group). */
  parent?: string;
}

export interface AzureEmulatorTenant {
  /** Default: every subscription of the emulator, Enabled, under the root group. */
  subscriptions?: readonly AzureEmulatorTenantSubscription[];
  managementGroups?: readonly AzureEmulatorManagementGroup[];
}

interface Answer {
  status: number;
  body: unknown;
}

const groupId = (name: string) => `/providers/Microsoft.Management/managementGroups/${name}`;
const pageSize = 2;

export class TenantApi {
  readonly subscriptions: Map<string, Required<AzureEmulatorTenantSubscription>>;
  readonly groups: Required<AzureEmulatorManagementGroup>[];

  constructor(
    private readonly tenantId: string,
    tenant: AzureEmulatorTenant,
    emulatorSubscriptions: readonly string[],
  ) {
    const listed = tenant.subscriptions ?? emulatorSubscriptions.map((subscriptionId): AzureEmulatorTenantSubscription => ({ subscriptionId }));
    this.subscriptions = new Map(
      listed.map((s) => [
        s.subscriptionId,
        { subscriptionId: s.subscriptionId, displayName: s.displayName ?? `subscription ${s.subscriptionId.slice(0, 8)}`, state: s.state ?? "Enabled", managementGroup: s.managementGroup ?? tenantId },
      ]),
    );
    this.groups = (tenant.managementGroups ?? []).map((g) => ({ name: g.name, displayName: g.displayName ?? g.name, parent: g.parent ?? tenantId }));
  }

  /** `GET /subscriptions`, a page of two per call so that paging is exercised. */
  listSubscriptions(url: URL, baseUrl: string): Answer {
    const start = Number(url.searchParams.get("$skiptoken") ?? 0);
    if (!Number.isInteger(start) || start < 0) return { status: 400, body: armError("InvalidSkipToken", "The $skiptoken is not valid.") };
    const all = [...this.subscriptions.values()].filter((s) => s.state !== "Deleted");
    const value = all.slice(start, start + pageSize).map((s) => ({
      id: `/subscriptions/${s.subscriptionId}`,
      authorizationSource: "RoleBased",
      managedByTenants: [],
      subscriptionId: s.subscriptionId,
      tenantId: this.tenantId,
      displayName: s.displayName,
      state: s.state,
      subscriptionPolicies: { locationPlacementId: "Public_2014-09-01", quotaId: "PayAsYouGo_2014-09-01", spendingLimit: "Off" },
    }));
    return { status: 200, body: { value, ...(start + pageSize < all.length ? { nextLink: this.next(url, baseUrl, start + pageSize) } : {}) } };
  }

  /** `GET …/managementGroups/{group}/descendants`: everything below the group, depth first. */
  descendants(group: string, url: URL, baseUrl: string): Answer {
    if (group !== this.tenantId && !this.groups.some((g) => g.name === group)) {
      return {
        status: 403,
        body: armError("AuthorizationFailed", `The client does not have authorization to perform action 'Microsoft.Management/managementGroups/descendants/read' over scope '${groupId(group)}'.`),
      };
    }
    const items: unknown[] = [];
    const walk = (parent: string) => {
      for (const g of this.groups.filter((x) => x.parent === parent)) {
        items.push({ id: groupId(g.name), type: "Microsoft.Management/managementGroups", name: g.name, properties: { displayName: g.displayName, parent: { id: groupId(parent) } } });
        walk(g.name);
      }
      for (const s of [...this.subscriptions.values()].filter((x) => x.managementGroup === parent)) {
        items.push({
          id: `/subscriptions/${s.subscriptionId}`,
          type: "Microsoft.Management/managementGroups/subscriptions",
          name: s.subscriptionId,
          properties: { displayName: s.displayName, parent: { id: groupId(parent) } },
        });
      }
    };
    walk(group);
    const start = Number(url.searchParams.get("$skiptoken") ?? 0);
    if (!Number.isInteger(start) || start < 0) return { status: 400, body: armError("InvalidSkipToken", "The $skiptoken is not valid.") };
    const value = items.slice(start, start + pageSize);
    return { status: 200, body: { value, ...(start + pageSize < items.length ? { nextLink: this.next(url, baseUrl, start + pageSize) } : {}) } };
  }

  private next(url: URL, baseUrl: string, position: number): string {
    const link = new URL(url.pathname, baseUrl);
    link.searchParams.set("api-version", url.searchParams.get("api-version") ?? "");
    link.searchParams.set("$skiptoken", String(position));
    return link.toString();
  }
}
