import type { MultiKindReader } from "../../core/kind-reader.ts";
import type { ReadState } from "../../core/scope-runner.ts";
import { MalformedItemError } from "../../errors.ts";
import type { SubscriptionClients } from "../clients.ts";
import { normalizeGenericResource, type RawGenericResource, type VmStatus } from "../normalize.ts";
import { listingsFor, readResourceProperties, type SlimProperties } from "../resource-properties.ts";
import { readVmStatuses } from "../vm-statuses.ts";
import { azureKindDescriptions } from "./arm-types.ts";

/** What the `resources.list` reader reads with: one subscription's clients and the scope's plan. */
export interface ResourcesListContext {
  clients: Pick<SubscriptionClients, "resources" | "virtualMachines" | "providerResources">;
  pageSize: number;
  timeoutMs: number;
  /** ARM `$filter` (at most one clause: ARM cannot combine resourceType with location). */
  serverFilter: string | undefined;
  /** VM power states are needed whenever VMs can be in the scope. */
  readVmStatuses: boolean;
  /** The kind the scope is narrowed to (`*` for all): decides which provider lists add properties. */
  kind: string;
  state: ReadState;
}

/** An item of `resources.list` with the VM statuses it is normalized against. */
export interface ListedResource {
  item: RawGenericResource;
  vmStatuses: ReadonlyMap<string, VmStatus>;
}

/** `$expand` gives the generic listing the provisioning state and creation time it lacks by default. */
const expand = "createdTime,changedTime,provisioningState";

/**
 * Every ARM resource of a subscription through the generic `resources.list`, one API page at a
 * time: the VM statuses first (so a VM is never reported with a guessed state), then the
 * listing, each item normalized by its ARM type (./arm-types.ts).
 */
export const resourcesListReader: MultiKindReader<ListedResource, ResourcesListContext> = {
  fanout: "subscription",
  reports: azureKindDescriptions,
  operation: "virtualMachines.listAll",
  async *pages(ctx) {
    const request = { abortSignal: ctx.state.signal, timeoutMs: ctx.timeoutMs };
    let vmStatuses: ReadonlyMap<string, VmStatus> = new Map();
    if (ctx.readVmStatuses) vmStatuses = await readVmStatuses(ctx.clients.virtualMachines, request);
    const listings = listingsFor(ctx.kind);
    let properties: ReadonlyMap<string, SlimProperties> = new Map();
    if (listings.length > 0) {
      ctx.state.operation = "providerResources.list";
      properties = await readResourceProperties(ctx.clients.providerResources, listings, request);
    }
    ctx.state.operation = "resources.list";
    const filter = ctx.serverFilter;
    for await (const page of ctx.clients.resources.listPages({ ...request, top: ctx.pageSize, ...(filter ? { filter } : {}), expand })) {
      yield page.map((item) => ({ item: withProperties(item, properties), vmStatuses }));
    }
  },
  normalize(raw, where) {
    const result = normalizeGenericResource(raw.item, { subscriptionId: where.account, vmStatuses: raw.vmStatuses });
    if (!result.ok) throw new MalformedItemError("azure", where.account, result.itemId, result.reason);
    return result.resource;
  },
};

/** The listed item with the signals its provider's own list gave (none when it is not of such a type). */
function withProperties(item: RawGenericResource, properties: ReadonlyMap<string, SlimProperties>): RawGenericResource {
  const slim = item.id ? properties.get(item.id.toLowerCase()) : undefined;
  if (!slim) return item;
  const merged = item as RawGenericResource & { managedBy?: string | null; properties?: Record<string, unknown> };
  return { ...merged, ...("managedBy" in slim ? { managedBy: slim.managedBy } : {}), properties: { ...(merged.properties ?? {}), ...slim.properties } } as RawGenericResource;
}
