import { dependencyOf, withDependencies } from "../core/relations.ts";
import type { NormalizedResource, ResourceStatus, SizeCategory } from "../types.ts";
import { kindForArmType, scaleSetArmType, virtualMachineArmType } from "./kinds/arm-types.ts";

/**
 * Pure functions from ARM's vocabulary to cloudsync's. Nothing here does I/O, so every rule is
 * covered by the table tests in test/azure-normalize.test.ts.
 */

/** The fields of a `GenericResourceExpanded` that normalization reads; the rest rides along. */
export interface RawGenericResource {
  id?: string;
  name?: string;
  type?: string;
  location?: string;
  tags?: Record<string, unknown> | null;
  sku?: { name?: string; tier?: string; capacity?: number } | null;
  kind?: string;
  provisioningState?: string;
  createdTime?: Date | string;
  [key: string]: unknown;
}

/** What the VM status listing told about one VM (lower-case state names). */
export interface VmStatus {
  powerState: string | null;
  provisioningState: string | null;
  vmSize: string | null;
  /** ARM ids of the VM's OS disk, data disks and network interfaces, when the listing names any. */
  osDiskId?: string;
  dataDiskIds?: string[];
  nicIds?: string[];
}

export type NormalizeResult =
  | { ok: true; resource: NormalizedResource }
  | { ok: false; itemId: string | null; reason: string };

/** `East US`, `eastus` and `EastUS` are the same region; ARM answers with any of them. */
export function normalizeRegion(location: string): string {
  return location.replace(/\s+/g, "").toLowerCase();
}

/** ARM tags are strings already; anything else is stringified so the record stays flat. */
export function normalizeTags(tags: unknown): Record<string, string> {
  if (!tags || typeof tags !== "object" || Array.isArray(tags)) return {};
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags as Record<string, unknown>)) {
    out[key] = value === null || value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);
  }
  return out;
}

/**
 * Status of a resource that has no power state, from ARM's `provisioningState`. No state at all
 * means the provider does not report one, and a listed resource exists, so it counts as running.
 * Unknown states are treated as transitional (the terminal ones are Succeeded/Failed/Canceled).
 */
export function statusFromProvisioningState(state: string | null | undefined): ResourceStatus {
  if (!state) return "running";
  switch (state.toLowerCase()) {
    case "succeeded":
    case "ready":
      return "running";
    case "failed":
    case "canceled":
    case "cancelled":
      return "error";
    case "deleting":
      return "stopping";
    case "deleted":
      return "terminated";
    default:
      return "provisioning";
  }
}

/**
 * Status of a VM from its instance view. A failed provisioning wins over the power state; a VM
 * without a power state (still being created, or created after the status listing was read)
 * is reported as provisioning rather than guessed running.
 */
export function statusFromVm(status: Pick<VmStatus, "powerState" | "provisioningState">): ResourceStatus {
  if (status.provisioningState?.toLowerCase() === "failed") return "error";
  switch (status.powerState?.toLowerCase()) {
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
      break;
  }
  if (status.provisioningState?.toLowerCase() === "deleting") return "stopping";
  return "provisioning";
}

/** Reads `PowerState/…` and `ProvisioningState/…` out of an instance view's statuses. */
export function vmStatusFromInstanceView(
  statuses: readonly { code?: string }[] | undefined,
  vmSize: string | undefined,
): VmStatus {
  let powerState: string | null = null;
  let provisioningState: string | null = null;
  for (const s of statuses ?? []) {
    const [group, value] = (s.code ?? "").split("/");
    if (!value) continue;
    if (group?.toLowerCase() === "powerstate") powerState = value.toLowerCase();
    else if (group?.toLowerCase() === "provisioningstate") provisioningState = value.toLowerCase();
  }
  return { powerState, provisioningState, vmSize: vmSize ?? null };
}

/**
 * Size of a VM size name (`Standard_D4s_v5`), by its vCPU count (the first number after the
 * family letters; constrained sizes such as `E4-2s` count the full size):
 * B1ls → nano, B1s → micro, shared-core A0 → nano; 1 vCPU → small; 2 vCPUs → medium, except the
 * burstable B-series → small; 3–4 → large; 5 and more → xlarge. Names that do not parse → custom.
 */
export function sizeFromVmSize(vmSize: string | null | undefined): SizeCategory {
  const match = /^(?:[Ss]tandard|[Bb]asic)_([A-Z]+)(\d+)(?:-\d+)?([a-z]*)(?:_.*)?$/.exec(vmSize?.trim() ?? "");
  if (!match) return "custom";
  const family = match[1] as string;
  const vcpus = Number(match[2]);
  const suffix = match[3] as string;
  if (family === "B" && vcpus === 1 && suffix === "ls") return "nano";
  if (family === "B" && vcpus === 1 && suffix === "s") return "micro";
  return sizeFromVcpus(vcpus, family === "B");
}

function sizeFromVcpus(vcpus: number, burstable: boolean): SizeCategory {
  if (vcpus < 1) return "nano";
  if (vcpus === 1) return "small";
  if (vcpus === 2) return burstable ? "small" : "medium";
  if (vcpus <= 4) return "large";
  return "xlarge";
}

const dtuSizes: Readonly<Record<string, SizeCategory>> = {
  basic: "nano",
  s0: "micro",
  s1: "micro",
  s2: "small",
  s3: "small",
  p1: "large",
  p2: "large",
};

/**
 * A VM scale set carries its instance count in `sku.capacity`: one scaled in to zero costs
 * nothing and serves nothing, like a deallocated VM, so a healthy one at zero is `stopped`.
 * Its size is its instances' VM size (`sku.name`), by the VM rule.
 */
export function scaleSetStatus(provisioningStatus: ResourceStatus, sku: RawGenericResource["sku"]): ResourceStatus {
  return provisioningStatus === "running" && sku?.capacity === 0 ? "stopped" : provisioningStatus;
}

/**
 * Size of a non-VM resource from its `sku`: VM-style names (PostgreSQL flexible servers) use the
 * VM rule; SQL vCore SKUs (`GP_Gen5_2`, `BC_Gen5_8`, `GP_S_Gen5_1`) use the vCPU rule on their last
 * number; SQL DTU SKUs: Basic → nano, S0–S1 → micro, S2–S3 → small, S4–S12 → medium, P1–P2 →
 * large, larger P → xlarge. Storage, network and CDN SKUs name a tier, not a size → custom.
 */
export function sizeFromSku(sku: RawGenericResource["sku"]): SizeCategory {
  const name = sku?.name?.trim();
  if (!name) return "custom";
  const vmLike = sizeFromVmSize(name);
  if (vmLike !== "custom") return vmLike;
  const vcore = /^(?:GP|BC|HS)_(?:S_)?[A-Za-z0-9]+_(\d+)$/.exec(name);
  if (vcore) return sizeFromVcpus(Number(vcore[1]), false);
  const lower = name.toLowerCase();
  const dtu = dtuSizes[lower];
  if (dtu) return dtu;
  const tier = /^([sp])(\d+)$/.exec(lower);
  if (tier) return tier[1] === "s" ? "medium" : "xlarge";
  return "custom";
}

/** Dates become ISO strings and undefined fields disappear, so the item can be stored as JSON. */
export function toJsonSafe(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJsonSafe);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = toJsonSafe(v);
    return out;
  }
  if (typeof value === "bigint") return value.toString();
  return value;
}

/**
 * One item of `resources.list` → one NormalizedResource. VMs take status and size from the VM
 * status listing (`vmStatuses`, keyed by lower-case ARM id, since ARM does not keep resource group
 * casing stable between APIs); their raw configuration gains a `vmStatus` field with what it said.
 */
export function normalizeGenericResource(
  raw: RawGenericResource,
  context: { subscriptionId: string; vmStatuses: ReadonlyMap<string, VmStatus> },
): NormalizeResult {
  const id = typeof raw.id === "string" && raw.id.trim() ? raw.id : null;
  if (!id) return { ok: false, itemId: null, reason: "the item has no id" };
  if (typeof raw.type !== "string" || !raw.type.trim()) return { ok: false, itemId: id, reason: "the item has no resource type" };
  if (typeof raw.location !== "string" || !raw.location.trim()) {
    return { ok: false, itemId: id, reason: "the item has no location" };
  }
  const kind = kindForArmType(raw.type);
  if (!kind) {
    return {
      ok: false,
      itemId: id,
      reason: `resource type ${raw.type} belongs to a provider namespace cloudsync does not map to a resource_type`,
    };
  }
  const isVm = raw.type.toLowerCase() === virtualMachineArmType;
  const vmStatus = isVm ? context.vmStatuses.get(id.toLowerCase()) : undefined;
  const provisioned = statusFromProvisioningState(raw.provisioningState);
  const status = isVm
    ? statusFromVm(vmStatus ?? { powerState: null, provisioningState: raw.provisioningState ?? null })
    : raw.type.toLowerCase() === scaleSetArmType
      ? scaleSetStatus(provisioned, raw.sku)
      : provisioned;
  const sizeCategory = isVm ? sizeFromVmSize(vmStatus?.vmSize) : sizeFromSku(raw.sku);
  const configuration = toJsonSafe(raw) as Record<string, unknown>;
  if (vmStatus) configuration.vmStatus = { ...vmStatus };
  // A VM depends on its disks (the OS disk is its boot volume) and network interfaces.
  const dependencies = withDependencies([
    vmStatus?.osDiskId ? dependencyOf("boot_volume", vmStatus.osDiskId) : null,
    ...(vmStatus?.dataDiskIds ?? []).map((id) => dependencyOf("data_volume", id)),
    ...(vmStatus?.nicIds ?? []).map((id) => dependencyOf("network_interface", id)),
  ]);
  return {
    ok: true,
    resource: {
      cloud: "azure",
      account: context.subscriptionId,
      regionCode: normalizeRegion(raw.location),
      kind: kind.kind,
      resourceId: id,
      name: typeof raw.name === "string" && raw.name ? raw.name : (id.split("/").pop() ?? id),
      resourceType: kind.resourceType,
      status,
      sizeCategory,
      tags: normalizeTags(raw.tags),
      configuration,
      providerCreatedAt: createdAt(raw.createdTime),
      ...dependencies,
    },
  };
}

function createdAt(value: Date | string | undefined): string | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value === "string" && !Number.isNaN(Date.parse(value))) return new Date(value).toISOString();
  return null;
}
