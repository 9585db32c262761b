import { createRng, type Rng } from "../rng.ts";
import {
  emulatedLocations,
  environments,
  owners,
  placementLocations,
  type ResourceTemplate,
  resourceTemplates,
  type SkuChoice,
  teams,
  vmSizes,
} from "./catalog.ts";

/**
 * The emulated Azure estate. Items are computed from (seed, index) on demand and never stored,
 * so a million-resource estate costs no memory; mutations are kept as small overlays (removed
 * ids, retagged ids, added items). Subscriptions own contiguous index ranges, which makes a
 * positional page token enough to resume a listing.
 */
export interface EstateItem {
  subscriptionId: string;
  id: string;
  name: string;
  type: string;
  /** As ARM serves it (usually a region code, sometimes a display name or `global`). */
  location: string;
  resourceGroup: string;
  tags: Record<string, string> | undefined;
  sku?: SkuChoice;
  kind?: string;
  zones?: string[];
  createdTime: string;
  changedTime: string;
  provisioningState: string;
  vm?: VmDetails;
  expectedKind: string;
}

export interface VmDetails {
  vmId: string;
  vmSize: string;
  /** Lower-case provisioning state as the instance view reports it (`succeeded`, `creating`, …). */
  provisioningState: string;
  /** `running`, `deallocated`, …; null while the VM is still being created. */
  powerState: string | null;
}

/** What a test may compare the adapter's output with. */
export interface ExpectedResource {
  account: string;
  region: string;
  kind: string;
  resourceId: string;
  name: string;
  status: string;
  tags: Record<string, string>;
}

export interface AddResourceInput {
  subscriptionId?: string;
  type?: string;
  name?: string;
  location?: string;
  resourceGroup?: string;
  tags?: Record<string, string>;
  /** For a VM: its size (default Standard_B2s) and power state (default running). */
  vmSize?: string;
  powerState?: string | null;
}

export interface EstateOptions {
  seed: number | string;
  size: number;
  subscriptions: readonly string[];
}

export interface ScanResult {
  items: EstateItem[];
  /** Position to resume from, or null when the listing is complete. */
  next: number | null;
}

export class AzureEstate {
  readonly seed: string;
  readonly size: number;
  readonly subscriptions: readonly string[];
  private readonly removed = new Set<string>();
  private readonly retagged = new Map<string, Record<string, string>>();
  private readonly added = new Map<string, EstateItem[]>();
  private addedCount = 0;
  /** Counts mutations, so a reader that derives something from the whole estate can keep it until the next one. */
  private mutations = 0;

  get version(): number {
    return this.mutations;
  }

  constructor(options: EstateOptions) {
    if (options.subscriptions.length === 0) throw new RangeError("the estate needs at least one subscription");
    this.seed = String(options.seed);
    this.size = Math.max(0, Math.floor(options.size));
    this.subscriptions = options.subscriptions;
  }

  hasSubscription(subscriptionId: string): boolean {
    return this.subscriptions.some((s) => s.toLowerCase() === subscriptionId.toLowerCase());
  }

  /** Reads up to `max` live items of one subscription from `position`, looking at no more than `scanLimit` slots. */
  scan(
    subscriptionId: string,
    position: number,
    max: number,
    accept: (item: EstateItem) => boolean,
    scanLimit = Number.POSITIVE_INFINITY,
  ): ScanResult {
    const sub = this.canonicalSubscription(subscriptionId);
    const { start, end } = this.range(sub);
    const generated = end - start;
    const extra = this.added.get(sub) ?? [];
    const total = generated + extra.length;
    const items: EstateItem[] = [];
    let pos = Math.max(0, position);
    let looked = 0;
    while (pos < total && items.length < max && looked < scanLimit) {
      const item = pos < generated ? this.generate(sub, start + pos) : (extra[pos - generated] as EstateItem);
      pos += 1;
      looked += 1;
      if (this.removed.has(item.id.toLowerCase())) continue;
      const tags = this.retagged.get(item.id.toLowerCase());
      const live = tags ? { ...item, tags: { ...tags } } : item;
      if (accept(live)) items.push(live);
    }
    return { items, next: pos < total ? pos : null };
  }

  *expected(): Generator<ExpectedResource> {
    for (const sub of this.subscriptions) {
      let position: number | null = 0;
      while (position !== null) {
        const page: ScanResult = this.scan(sub, position, 1000, () => true);
        for (const item of page.items) yield expectedOf(item);
        position = page.next;
      }
    }
  }

  /**
   * The live item at one position of a subscription's listing: undefined past the end, null
   * when the item there was removed. Lets a caller walk the listing with its own cursor.
   */
  slot(subscriptionId: string, position: number): EstateItem | null | undefined {
    const sub = this.canonicalSubscription(subscriptionId);
    const { start, end } = this.range(sub);
    const generated = end - start;
    const extra = this.added.get(sub) ?? [];
    if (position < 0 || position >= generated + extra.length) return undefined;
    const item = position < generated ? this.generate(sub, start + position) : (extra[position - generated] as EstateItem);
    return this.live(item);
  }

  /**
   * The live item with this ARM id (any casing), or null. Generated names end in the item's
   * index (base 36), so the lookup generates one item instead of scanning the estate.
   */
  find(id: string): EstateItem | null {
    const lower = id.toLowerCase();
    const sub = this.subscriptions.find((s) => lower.startsWith(`/subscriptions/${s.toLowerCase()}/`));
    if (!sub) return null;
    for (const item of this.added.get(sub) ?? []) if (item.id.toLowerCase() === lower) return this.live(item);
    const { start, end } = this.range(sub);
    for (const suffix of indexSuffixes(lower)) {
      const index = Number.parseInt(suffix, 36);
      if (!Number.isSafeInteger(index) || index < start || index >= end) continue;
      const item = this.generate(sub, index);
      if (item.id.toLowerCase() === lower) return this.live(item);
    }
    return null;
  }

  private live(item: EstateItem): EstateItem | null {
    if (this.removed.has(item.id.toLowerCase())) return null;
    const tags = this.retagged.get(item.id.toLowerCase());
    return tags ? { ...item, tags: { ...tags } } : item;
  }

  remove(id: string): void {
    this.mutations++;
    this.removed.add(id.toLowerCase());
  }

  retag(id: string, tags: Record<string, string>): void {
    this.mutations++;
    this.retagged.set(id.toLowerCase(), { ...tags });
  }

  add(input: AddResourceInput = {}): EstateItem {
    this.mutations++;
    const sub = this.canonicalSubscription(input.subscriptionId ?? (this.subscriptions[0] as string));
    const type = input.type ?? "Microsoft.Storage/storageAccounts";
    const template = resourceTemplates.find((t) => t.type.toLowerCase() === type.toLowerCase());
    this.addedCount += 1;
    const name = input.name ?? `added${this.addedCount}`;
    const resourceGroup = input.resourceGroup ?? "rg-added";
    const now = new Date().toISOString();
    const item: EstateItem = {
      subscriptionId: sub,
      id: `/subscriptions/${sub}/resourceGroups/${resourceGroup}/providers/${type}/${name}`,
      name,
      type,
      location: input.location ?? "eastus",
      resourceGroup,
      tags: input.tags ? { ...input.tags } : undefined,
      createdTime: now,
      changedTime: now,
      provisioningState: "Succeeded",
      expectedKind: template?.expectedKind ?? `azure_${type.replace(/^Microsoft\./i, "").replace(/[^A-Za-z0-9]+/g, "_").toLowerCase()}`,
    };
    if (type.toLowerCase() === "microsoft.compute/virtualmachines") {
      item.vm = {
        vmId: uuidFrom(createRng(`${this.seed}:added:${this.addedCount}`)),
        vmSize: input.vmSize ?? "Standard_B2s",
        provisioningState: "succeeded",
        powerState: input.powerState === undefined ? "running" : input.powerState,
      };
    }
    const list = this.added.get(sub) ?? [];
    list.push(item);
    this.added.set(sub, list);
    return item;
  }

  private canonicalSubscription(subscriptionId: string): string {
    const found = this.subscriptions.find((s) => s.toLowerCase() === subscriptionId.toLowerCase());
    if (!found) throw new RangeError(`unknown subscription ${subscriptionId}`);
    return found;
  }

  private range(sub: string): { start: number; end: number } {
    const k = this.subscriptions.indexOf(sub);
    const n = this.subscriptions.length;
    return { start: Math.floor((k * this.size) / n), end: Math.floor(((k + 1) * this.size) / n) };
  }

  private generate(sub: string, index: number): EstateItem {
    const rng = createRng(`${this.seed}:${index}`);
    const template = weighted(rng, resourceTemplates, (t) => t.weight);
    const team = rng.pick(teams);
    const env = rng.pick(environments);
    // A few resource groups were created in upper case; ARM keeps the case in ids.
    const resourceGroup = rng.next() < 0.05 ? `RG-${team.toUpperCase()}-${env.toUpperCase()}` : `rg-${team}-${env}`;
    const suffix = index.toString(36);
    const { name, idTail } = nameFor(template, team, env, suffix, index);
    const locationCode = weighted(rng, placementLocations, (l) => l.weight).name;
    const location = template.globalLocation
      ? "global"
      : template.displayLocationShare && rng.next() < template.displayLocationShare
        ? (emulatedLocations.find((l) => l.name === locationCode)?.displayName ?? locationCode)
        : locationCode;
    const created = Date.UTC(2021, 0, 1) + rng.int(0, 1500) * 86_400_000 + rng.int(0, 86_400) * 1000;
    const item: EstateItem = {
      subscriptionId: sub,
      id: `/subscriptions/${sub}/resourceGroups/${resourceGroup}/providers/${template.type}/${idTail}`,
      name,
      type: template.type,
      location,
      resourceGroup,
      tags: tagsFor(rng, team, env),
      createdTime: new Date(created).toISOString(),
      changedTime: new Date(created + rng.int(0, 200) * 86_400_000).toISOString(),
      provisioningState: weighted(rng, provisioningStates, (p) => p.weight).state,
      expectedKind: template.expectedKind,
    };
    if (template.skus) item.sku = rng.pick(template.skus);
    if (template.kinds) item.kind = rng.pick(template.kinds);
    if (template.zonal && !template.globalLocation && rng.next() < 0.4) item.zones = [String(rng.int(1, 4))];
    if (template.type === "Microsoft.Compute/virtualMachines") {
      const vmState = weighted(rng, vmStates, (s) => s.weight);
      item.provisioningState = vmState.provisioning === "succeeded" ? "Succeeded" : capitalize(vmState.provisioning);
      item.vm = {
        vmId: uuidFrom(rng),
        vmSize: rng.pick(vmSizes),
        provisioningState: vmState.provisioning,
        powerState: vmState.power,
      };
    }
    return item;
  }
}

const provisioningStates = [
  { state: "Succeeded", weight: 94 },
  { state: "Creating", weight: 2 },
  { state: "Updating", weight: 2 },
  { state: "Failed", weight: 1 },
  { state: "Deleting", weight: 1 },
] as const;

const vmStates: readonly { provisioning: string; power: string | null; weight: number }[] = [
  { provisioning: "succeeded", power: "running", weight: 60 },
  { provisioning: "succeeded", power: "deallocated", weight: 18 },
  { provisioning: "succeeded", power: "stopped", weight: 7 },
  { provisioning: "updating", power: "running", weight: 3 },
  { provisioning: "succeeded", power: "starting", weight: 3 },
  { provisioning: "succeeded", power: "stopping", weight: 2 },
  { provisioning: "succeeded", power: "deallocating", weight: 2 },
  { provisioning: "creating", power: null, weight: 3 },
  { provisioning: "failed", power: "stopped", weight: 2 },
];

/**
 * The base-36 index suffixes an id may end with: after its last hyphen, or, for a storage account
 * (whose name has no hyphen), after `st<team><env>` for each team and environment that fits.
 */
function indexSuffixes(lowerId: string): string[] {
  const hyphen = /-([0-9a-z]+)$/.exec(lowerId)?.[1];
  if (hyphen) return [hyphen];
  const name = lowerId.slice(lowerId.lastIndexOf("/") + 1);
  const out: string[] = [];
  for (const team of teams) {
    for (const env of environments) {
      const prefix = `st${team.slice(0, 6)}${env.slice(0, 4)}`.toLowerCase();
      if (name.startsWith(prefix) && name.length > prefix.length) out.push(name.slice(prefix.length));
    }
  }
  return out;
}

function nameFor(
  template: ResourceTemplate,
  team: string,
  env: string,
  suffix: string,
  index: number,
): { name: string; idTail: string } {
  if (template.type === "Microsoft.Storage/storageAccounts") {
    // Storage account names are 3–24 lower-case letters and digits.
    const name = `st${team.slice(0, 6)}${env.slice(0, 4)}${suffix}`.slice(0, 24);
    return { name, idTail: name };
  }
  if (template.parentPrefix) {
    const parent = `${template.parentPrefix}-${team}-${env}-${Math.floor(index / 8).toString(36)}`;
    const child = `${template.namePrefix}-${team}-${suffix}`;
    return { name: `${parent}/${child}`, idTail: `${parent}/databases/${child}` };
  }
  const name = `${template.namePrefix}-${team}-${env}-${suffix}`;
  return { name, idTail: name };
}

function tagsFor(rng: Rng, team: string, env: string): Record<string, string> | undefined {
  const roll = rng.next();
  if (roll < 0.2) return undefined;
  const tags: Record<string, string> = { env, team };
  if (rng.next() < 0.6) tags.owner = rng.pick(owners);
  if (rng.next() < 0.3) tags["cost-center"] = rng.pick(["R&D / EMEA", "CC-1042", "shared"]);
  if (rng.next() < 0.05) tags.temporary = "";
  if (rng.next() < 0.03) tags["hidden-link:/app-insights-resource-id"] = "/subscriptions/x/resourceGroups/y";
  return tags;
}

function weighted<T>(rng: Rng, items: readonly T[], weightOf: (item: T) => number): T {
  let total = 0;
  for (const item of items) total += weightOf(item);
  let roll = rng.next() * total;
  for (const item of items) {
    roll -= weightOf(item);
    if (roll < 0) return item;
  }
  return items[items.length - 1] as T;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function uuidFrom(rng: Rng): string {
  const h = rng.hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The status the adapter should report, derived independently of the adapter's tables. */
export function expectedOf(item: EstateItem): ExpectedResource {
  return {
    account: item.subscriptionId,
    region: item.location.toLowerCase().replace(/\s+/g, ""),
    kind: item.expectedKind,
    resourceId: item.id,
    name: item.name,
    status: expectedStatus(item),
    tags: { ...(item.tags ?? {}) },
  };
}

function expectedStatus(item: EstateItem): string {
  if (item.vm) {
    if (item.vm.provisioningState === "failed") return "error";
    switch (item.vm.powerState) {
      case "running":
        return "running";
      case "stopped":
      case "deallocated":
        return "stopped";
      case "stopping":
      case "deallocating":
        return "stopping";
      case "starting":
        return "starting";
      default:
        return "provisioning";
    }
  }
  switch (item.provisioningState) {
    case "Succeeded":
      // A scale set scaled in to zero instances runs nothing.
      return item.type === "Microsoft.Compute/virtualMachineScaleSets" && item.sku?.capacity === 0 ? "stopped" : "running";
    case "Failed":
      return "error";
    case "Deleting":
      return "stopping";
    default:
      return "provisioning";
  }
}
