import type { EmulatedLocation } from "./catalog.ts";
import type { EstateItem } from "./estate.ts";

/** ARM's JSON shapes, as the REST reference documents them. */

export interface RenderOptions {
  /** `$expand=createdTime,changedTime,provisioningState` asks for these generic fields. */
  expand: ReadonlySet<string>;
  malformed: boolean;
}

/** One `GenericResourceExpanded` of `GET /subscriptions/{id}/resources`. */
export function renderGenericResource(item: EstateItem, options: RenderOptions): Record<string, unknown> {
  const out: Record<string, unknown> = { id: item.id, name: item.name, type: item.type };
  if (item.sku) out.sku = { ...item.sku };
  if (item.kind) out.kind = item.kind;
  out.location = item.location;
  if (item.zones) out.zones = [...item.zones];
  if (item.tags) out.tags = { ...item.tags };
  if (options.expand.has("createdtime")) out.createdTime = item.createdTime;
  if (options.expand.has("changedtime")) out.changedTime = item.changedTime;
  if (options.expand.has("provisioningstate")) out.provisioningState = item.provisioningState;
  if (options.malformed) {
    // A broken provider answer: the fields every resource must have are missing.
    delete out.type;
    delete out.location;
  }
  return out;
}

/** One VM of `GET …/providers/Microsoft.Compute/virtualMachines?statusOnly=true`. */
export function renderVmStatus(item: EstateItem): Record<string, unknown> {
  const vm = item.vm;
  if (!vm) throw new Error(`${item.id} is not a virtual machine`);
  const statuses: Record<string, unknown>[] = [
    {
      code: `ProvisioningState/${vm.provisioningState}`,
      level: vm.provisioningState === "failed" ? "Error" : "Info",
      displayStatus: vm.provisioningState === "failed" ? "Provisioning failed" : `Provisioning ${vm.provisioningState}`,
      time: item.changedTime,
    },
  ];
  if (vm.powerState) {
    statuses.push({ code: `PowerState/${vm.powerState}`, level: "Info", displayStatus: `VM ${vm.powerState}` });
  }
  const out: Record<string, unknown> = {
    name: item.name,
    id: item.id,
    type: "Microsoft.Compute/virtualMachines",
    location: item.location,
  };
  if (item.tags) out.tags = { ...item.tags };
  out.properties = {
    vmId: vm.vmId,
    hardwareProfile: { vmSize: vm.vmSize },
    provisioningState: item.provisioningState,
    timeCreated: item.createdTime,
    instanceView: { statuses },
  };
  if (item.zones) out.zones = [...item.zones];
  return out;
}

export function renderLocation(subscriptionId: string, location: EmulatedLocation): Record<string, unknown> {
  const id = `/subscriptions/${subscriptionId}/locations/${location.name}`;
  const metadata: Record<string, unknown> = {
    regionType: location.regionType,
    regionCategory: location.regionType === "Physical" ? "Recommended" : "Other",
  };
  if (location.regionType === "Physical") {
    Object.assign(metadata, {
      geography: location.geography,
      geographyGroup: location.geographyGroup,
      longitude: location.longitude,
      latitude: location.latitude,
      physicalLocation: location.physicalLocation,
      pairedRegion: [],
    });
  }
  const out: Record<string, unknown> = {
    id,
    name: location.name,
    type: "Region",
    displayName: location.displayName,
    regionalDisplayName: location.geographyGroup ? `(${location.geographyGroup}) ${location.displayName}` : location.displayName,
    metadata,
  };
  if (location.zones) {
    out.availabilityZoneMappings = ["1", "2", "3"].map((z) => ({ logicalZone: z, physicalZone: `${location.name}-az${z}` }));
  }
  return out;
}

export function armError(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

/** Page tokens are positions in the subscription's listing; opaque to clients, cheap to resume. */
export function encodeSkipToken(position: number): string {
  return Buffer.from(`p:${position}`, "utf8").toString("base64url");
}

export function decodeSkipToken(token: string): number | null {
  const text = Buffer.from(token, "base64url").toString("utf8");
  const match = /^p:(\d+)$/.exec(text);
  return match ? Number(match[1]) : null;
}
