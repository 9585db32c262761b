import type { ResourceFacts } from "../recommendations/facts.ts";
import { azureDiskTier } from "./disk-tiers.ts";

type Known = Omit<ResourceFacts, "key" | "cloud" | "kind" | "region" | "status" | "tags">;

/**
 * The signals the recommendation rules read from an Azure `resources.list` item, plus what the
 * reader merges in: the VM's instance view as `vmStatus`, and for disks, public IPs and load
 * balancers the fields of their provider's own list (resource-properties.ts): a disk's
 * `managedBy` (ARM's pointer to the VM that has it attached) and `diskState`, a public IP's
 * `ipConfiguration`, a load balancer's backend pool members. A VM's scale set is not read, so
 * spot advice does not fire for Azure VMs.
 */
export function azureRecommendationFacts(kind: string, config: Record<string, unknown>, _tags: Record<string, string>): Known {
  switch (kind) {
    case "azure_vm": {
      const vmStatus = config.vmStatus as { vmSize?: string | null } | undefined;
      const props = config.properties as { virtualMachineScaleSet?: { id?: string } } | undefined;
      return {
        role: "compute",
        size: vmStatus?.vmSize ?? undefined,
        scalingGroup: props ? (props.virtualMachineScaleSet?.id ?? null) : undefined,
      };
    }
    case "azure_disk": {
      const sku = config.sku as { name?: string } | undefined;
      const props = config.properties as { diskSizeGB?: number; diskState?: string; tier?: string } | undefined;
      return {
        role: "volume",
        // Priced by the tier it is billed at (P10_LRS…); a disk not billed by tier keeps its sku name and finds no price.
        size: azureDiskTier(sku?.name, props?.diskSizeGB, props?.tier) ?? sku?.name,
        sizeGb: props?.diskSizeGB,
        attached: props?.diskState ? props.diskState !== "Unattached" : "managedBy" in config ? Boolean(config.managedBy) : undefined,
      };
    }
    case "azure_public_ip": {
      const props = config.properties as { ipConfiguration?: unknown } | undefined;
      return { role: "public_ip", associated: props ? Boolean(props.ipConfiguration) : undefined };
    }
    case "azure_load_balancer": {
      type Pool = { properties?: { loadBalancerBackendAddresses?: unknown[]; backendIPConfigurations?: unknown[] } };
      const props = config.properties as { backendAddressPools?: Pool[] } | undefined;
      const pools = props?.backendAddressPools;
      // NIC-based pools list members in backendIPConfigurations, IP-based ones in
      // loadBalancerBackendAddresses (which may also mirror NIC members): a pool has the larger.
      const members = (p: Pool) => Math.max(p.properties?.backendIPConfigurations?.length ?? 0, p.properties?.loadBalancerBackendAddresses?.length ?? 0);
      return {
        role: "load_balancer",
        targetCount: pools ? pools.reduce((n, p) => n + members(p), 0) : undefined,
      };
    }
    default:
      return { role: "other" };
  }
}
