import type { ResourceFacts } from "../recommendations/facts.ts";

type Known = Omit<ResourceFacts, "key" | "cloud" | "kind" | "region" | "status" | "tags">;

/**
 * The signals the recommendation rules read from an Azure `resources.list` item (plus the VM's
 * instance view the reader merges in as `vmStatus`). `managedBy` is ARM's pointer from a disk
 * to the VM that has it attached. The list carries no properties, so a public IP's association,
 * a disk's size and a VM's scale set are unknown here and their rules do not fire.
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
      const props = config.properties as { diskSizeGB?: number; diskState?: string } | undefined;
      return {
        role: "volume",
        size: sku?.name,
        sizeGb: props?.diskSizeGB,
        attached: props?.diskState ? props.diskState !== "Unattached" : "managedBy" in config ? Boolean(config.managedBy) : undefined,
      };
    }
    case "azure_public_ip": {
      const props = config.properties as { ipConfiguration?: unknown } | undefined;
      return { role: "public_ip", associated: props ? Boolean(props.ipConfiguration) : undefined };
    }
    case "azure_load_balancer": {
      const props = config.properties as { backendAddressPools?: { properties?: { loadBalancerBackendAddresses?: unknown[] } }[] } | undefined;
      const pools = props?.backendAddressPools;
      return {
        role: "load_balancer",
        targetCount: pools ? pools.reduce((n, p) => n + (p.properties?.loadBalancerBackendAddresses?.length ?? 0), 0) : undefined,
      };
    }
    default:
      return { role: "other" };
  }
}
