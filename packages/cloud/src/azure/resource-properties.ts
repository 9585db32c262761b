import type { ProviderResourcesApi, RequestOptions } from "./clients.ts";

/**
 * The kinds whose recommendation signals live in `properties`, which the generic
 * `resources.list` does not return: each is read from its provider's own subscription-wide list
 * (one paged call per kind and subscription, only when the scope can hold that kind), and the
 * few fields the rules need are merged into the listed item before it is normalized.
 * docs/recommendations.md lists them; recommendation-facts.ts reads them.
 */
export const propertyListings: readonly { kind: string; armType: string; apiVersion: string }[] = [
  { kind: "azure_disk", armType: "Microsoft.Compute/disks", apiVersion: "2023-04-02" },
  { kind: "azure_public_ip", armType: "Microsoft.Network/publicIPAddresses", apiVersion: "2023-09-01" },
  { kind: "azure_load_balancer", armType: "Microsoft.Network/loadBalancers", apiVersion: "2023-09-01" },
];

/** What is kept of one full resource: ARM's own field names, so the stored configuration reads like ARM. */
export interface SlimProperties {
  managedBy?: string | null;
  properties: Record<string, unknown>;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined);

/**
 * The signals of one full resource, by ARM type:
 * - a disk: `managedBy` (null when attached to nothing), `diskState`, `diskSizeGB`;
 * - a public IP: `ipConfiguration` (its id only; null when associated with nothing);
 * - a load balancer: each backend pool's members, as counts' worth of ids
 *   (`backendIPConfigurations` for NIC members, `loadBalancerBackendAddresses` for IP members).
 * Another type gives undefined.
 */
export function slimProperties(armType: string, item: Obj): SlimProperties | undefined {
  const props = obj(item.properties) ?? {};
  switch (armType.toLowerCase()) {
    case "microsoft.compute/disks":
      return {
        managedBy: typeof item.managedBy === "string" && item.managedBy ? item.managedBy : null,
        properties: {
          ...(typeof props.diskState === "string" ? { diskState: props.diskState } : {}),
          ...(typeof props.diskSizeGB === "number" ? { diskSizeGB: props.diskSizeGB } : {}),
        },
      };
    case "microsoft.network/publicipaddresses": {
      const id = obj(props.ipConfiguration)?.id;
      return { properties: { ipConfiguration: typeof id === "string" && id ? { id } : null } };
    }
    case "microsoft.network/loadbalancers": {
      const pools = Array.isArray(props.backendAddressPools) ? props.backendAddressPools : [];
      const ids = (list: unknown) => (Array.isArray(list) ? list.map((m) => ({ id: String(obj(m)?.id ?? obj(m)?.name ?? "") })) : []);
      return {
        properties: {
          backendAddressPools: pools.map((p) => {
            const pool = obj(p) ?? {};
            const poolProps = obj(pool.properties) ?? {};
            return {
              id: pool.id,
              properties: { backendIPConfigurations: ids(poolProps.backendIPConfigurations), loadBalancerBackendAddresses: ids(poolProps.loadBalancerBackendAddresses) },
            };
          }),
        },
      };
    }
    default:
      return undefined;
  }
}

/**
 * The listings a scope needs: every one for a whole subscription (`*`), that kind's for a scope
 * narrowed to it, none otherwise.
 */
export function listingsFor(kind: string): typeof propertyListings {
  return kind === "*" ? propertyListings : propertyListings.filter((l) => l.kind === kind);
}

/** Reads the asked listings of one subscription into a map by lower-case ARM id. */
export async function readResourceProperties(
  api: ProviderResourcesApi,
  listings: typeof propertyListings,
  options: RequestOptions,
): Promise<Map<string, SlimProperties>> {
  const out = new Map<string, SlimProperties>();
  for (const l of listings) {
    for await (const page of api.listPages(l.armType, l.apiVersion, options)) {
      for (const item of page) {
        const slim = slimProperties(l.armType, item);
        if (slim && typeof item.id === "string") out.set(item.id.toLowerCase(), slim);
      }
    }
  }
  return out;
}
