import { hashString } from "../rng.ts";
import type { EstateItem } from "./estate.ts";
import { renderGenericResource } from "./wire.ts";

/**
 * The resource providers' own subscription-wide lists, which carry the `properties` that the
 * generic `resources.list` leaves out (REST reference: Disks - List, Public IP Addresses - List
 * All, Load Balancers - List All): `{ value: [...], nextLink }`, each item the full resource.
 * - a disk: `managedBy` (the VM it is attached to; absent when unattached) and
 *   `properties.diskState` (`Attached`, `Unattached`, `Reserved`), `diskSizeGB`, `timeCreated`;
 * - a public IP: `properties.ipConfiguration.id` (the NIC or LB frontend it is associated with;
 *   absent when unassociated), `ipAddress`, `publicIPAllocationMethod`;
 * - a load balancer: `properties.backendAddressPools[].properties.backendIPConfigurations` (NIC
 *   members) and `loadBalancerBackendAddresses` (IP members), both empty for an empty pool.
 * Who is attached, associated or empty is decided from a hash of the id, so a test can ask the
 * emulator what it decided (`expectedUsage`) without reading the adapter.
 */
export const providerListTypes: Readonly<Record<string, { armType: string; apiVersions: ReadonlySet<string> }>> = {
  "/providers/microsoft.compute/disks": { armType: "Microsoft.Compute/disks", apiVersions: new Set(["2023-04-02", "2023-10-02", "2024-03-02"]) },
  "/providers/microsoft.network/publicipaddresses": { armType: "Microsoft.Network/publicIPAddresses", apiVersions: new Set(["2023-09-01", "2023-11-01", "2024-05-01"]) },
  "/providers/microsoft.network/loadbalancers": { armType: "Microsoft.Network/loadBalancers", apiVersions: new Set(["2023-09-01", "2023-11-01", "2024-05-01"]) },
};

/** What the emulator decided for one resource: the signals the adapter should report. */
export interface ExpectedUsage {
  attached?: boolean;
  associated?: boolean;
  backendCount?: number;
}

function bucket(id: string, salt: string): number {
  return hashString(`${salt}:${id.toLowerCase()}`) % 100;
}

export function expectedUsage(item: Pick<EstateItem, "id" | "type">): ExpectedUsage {
  switch (item.type) {
    case "Microsoft.Compute/disks":
      return { attached: bucket(item.id, "disk") >= 25 };
    case "Microsoft.Network/publicIPAddresses":
      return { associated: bucket(item.id, "pip") >= 30 };
    case "Microsoft.Network/loadBalancers": {
      const b = bucket(item.id, "lb");
      return { backendCount: b < 30 ? 0 : 1 + (b % 4) };
    }
    default:
      return {};
  }
}

const resourceGroupOf = (id: string) => id.split("/").slice(0, 5).join("/");

/** The full resource as its provider's list renders it. */
export function renderProviderResource(item: EstateItem): Record<string, unknown> {
  const base = renderGenericResource(item, { expand: new Set(), malformed: false });
  const usage = expectedUsage(item);
  const rg = resourceGroupOf(item.id);
  switch (item.type) {
    case "Microsoft.Compute/disks": {
      const size = [32, 64, 128, 256, 512, 1024][bucket(item.id, "size") % 6] as number;
      const out: Record<string, unknown> = {
        ...base,
        properties: {
          creationData: { createOption: "Empty" },
          diskSizeGB: size,
          diskSizeBytes: size * 1024 ** 3,
          diskState: usage.attached ? "Attached" : "Unattached",
          provisioningState: "Succeeded",
          timeCreated: item.createdTime,
          uniqueId: item.id.length.toString(16).padStart(8, "0") + "-0000-4000-8000-000000000000",
        },
      };
      if (usage.attached) out.managedBy = `${rg}/providers/Microsoft.Compute/virtualMachines/vm-${item.name}`;
      return out;
    }
    case "Microsoft.Network/publicIPAddresses": {
      const b = bucket(item.id, "addr");
      const properties: Record<string, unknown> = {
        provisioningState: "Succeeded",
        ipAddress: `20.${b}.${(b * 7) % 256}.${(b * 13) % 256}`,
        publicIPAddressVersion: "IPv4",
        publicIPAllocationMethod: "Static",
        idleTimeoutInMinutes: 4,
      };
      if (usage.associated) properties.ipConfiguration = { id: `${rg}/providers/Microsoft.Network/networkInterfaces/nic-${item.name}/ipConfigurations/ipconfig1` };
      return { ...base, properties };
    }
    case "Microsoft.Network/loadBalancers": {
      const members = usage.backendCount ?? 0;
      const pool = `${item.id}/backendAddressPools/pool1`;
      return {
        ...base,
        properties: {
          provisioningState: "Succeeded",
          frontendIPConfigurations: [{ id: `${item.id}/frontendIPConfigurations/fe1`, name: "fe1", properties: { privateIPAllocationMethod: "Dynamic" } }],
          backendAddressPools: [
            {
              id: pool,
              name: "pool1",
              properties: {
                provisioningState: "Succeeded",
                // NIC-based pools list their members here; IP-based pools in loadBalancerBackendAddresses.
                backendIPConfigurations: Array.from({ length: members }, (_, i) => ({ id: `${rg}/providers/Microsoft.Network/networkInterfaces/nic-${item.name}-${i}/ipConfigurations/ipconfig1` })),
                loadBalancerBackendAddresses: [],
              },
            },
          ],
          loadBalancingRules: [],
        },
      };
    }
    default:
      return base;
  }
}
