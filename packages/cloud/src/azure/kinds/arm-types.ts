import type { KindDescription, MetricKey, ResourceType } from "../../types.ts";
import { azureKeysOf } from "../metric-table.ts";
import { vmMetricKeys } from "../normalize-metrics.ts";

/**
 * ARM resource types → cloudsync kinds. The table names the types cloudsync models on purpose;
 * any other type is still kept when its provider namespace tells what it is (see
 * `namespaceResourceTypes`), under the derived kind `azure_<namespace>_<type path>`, e.g.
 * `Microsoft.ContainerService/managedClusters` → `azure_containerservice_managedclusters`.
 * Only types of namespaces nobody mapped (identities, policy, monitoring plumbing…) are
 * skipped, each reported as `item_skipped` with the type in the reason, so nothing is guessed.
 */
export interface AzureKindInfo {
  kind: string;
  resourceType: ResourceType;
  /** The ARM type, in ARM's own casing, used for `$filter=resourceType eq '…'`. */
  armType: string;
  /** What Azure Monitor reports for VMs (`streamMetrics`); other kinds take theirs from metric-table.ts. */
  metricKeys?: readonly MetricKey[];
}

/**
 * The kinds `resources.list` reports that a caller may ask for by name: one line each. A type
 * that needs an API of its own gets a reader file instead (see ./index.ts).
 */
export const azureKindTable: readonly AzureKindInfo[] = [
  { armType: "Microsoft.Compute/virtualMachines", kind: "azure_vm", resourceType: "compute", metricKeys: vmMetricKeys },
  { armType: "Microsoft.Compute/virtualMachineScaleSets", kind: "azure_vmss", resourceType: "compute" },
  { armType: "Microsoft.Compute/disks", kind: "azure_disk", resourceType: "storage" },
  { armType: "Microsoft.Storage/storageAccounts", kind: "azure_storage_account", resourceType: "storage" },
  { armType: "Microsoft.Network/virtualNetworks", kind: "azure_vnet", resourceType: "network" },
  { armType: "Microsoft.Network/networkSecurityGroups", kind: "azure_nsg", resourceType: "network" },
  { armType: "Microsoft.Network/publicIPAddresses", kind: "azure_public_ip", resourceType: "network" },
  { armType: "Microsoft.Network/loadBalancers", kind: "azure_load_balancer", resourceType: "load_balancer" },
  { armType: "Microsoft.Network/applicationGateways", kind: "azure_app_gateway", resourceType: "load_balancer" },
  { armType: "Microsoft.Sql/servers/databases", kind: "azure_sql_database", resourceType: "database" },
  { armType: "Microsoft.DBforPostgreSQL/flexibleServers", kind: "azure_postgres_flexible", resourceType: "database" },
  { armType: "Microsoft.Cdn/profiles", kind: "azure_cdn_profile", resourceType: "cdn" },
  // Classic Front Door lives in Microsoft.Network but is a CDN; Standard/Premium ones are Cdn profiles.
  { armType: "Microsoft.Network/frontDoors", kind: "azure_front_door", resourceType: "cdn" },
  { armType: "Microsoft.Web/sites", kind: "azure_app_service", resourceType: "compute" },
  { armType: "Microsoft.Synapse/workspaces", kind: "azure_synapse", resourceType: "analytics" },
  { armType: "Microsoft.Databricks/workspaces", kind: "azure_databricks_workspace", resourceType: "analytics" },
];

/** The kinds a caller may ask for by name (derived kinds come along in unfiltered streams only). */
export const azureKinds: readonly string[] = azureKindTable.map((k) => k.kind);

/** The table's kinds as consumers see them: one read per subscription covers them all. */
export const azureKindDescriptions: readonly KindDescription[] = azureKindTable.map((k) => ({
  kind: k.kind,
  resourceType: k.resourceType,
  fanout: "subscription",
  metricKeys: [...(k.metricKeys ?? azureKeysOf(k.kind))],
  relations:
    k.kind === "azure_vm"
      ? [
          { name: "boot_volume", targetKind: "azure_disk" },
          { name: "data_volume", targetKind: "azure_disk" },
          { name: "network_interface", targetKind: "azure_network_networkinterfaces" },
        ]
      : [],
}));

/** Provider namespaces (lower case) whose other types are still kept, with the resource_type they get. */
export const namespaceResourceTypes: Readonly<Record<string, ResourceType>> = {
  "microsoft.compute": "compute",
  "microsoft.web": "compute",
  "microsoft.containerservice": "compute",
  "microsoft.containerinstance": "compute",
  "microsoft.app": "compute",
  "microsoft.batch": "compute",
  "microsoft.storage": "storage",
  "microsoft.storagecache": "storage",
  "microsoft.netapp": "storage",
  "microsoft.containerregistry": "storage",
  "microsoft.network": "network",
  "microsoft.sql": "database",
  "microsoft.dbforpostgresql": "database",
  "microsoft.dbformysql": "database",
  "microsoft.dbformariadb": "database",
  "microsoft.documentdb": "database",
  "microsoft.cache": "database",
  "microsoft.cdn": "cdn",
  "microsoft.synapse": "analytics",
  "microsoft.databricks": "analytics",
  "microsoft.datafactory": "analytics",
  "microsoft.hdinsight": "analytics",
  "microsoft.kusto": "analytics",
  "microsoft.streamanalytics": "analytics",
  "microsoft.eventhub": "analytics",
};

const byArmType = new Map(azureKindTable.map((k) => [k.armType.toLowerCase(), k]));
const byKind = new Map(azureKindTable.map((k) => [k.kind, k]));

/** The kind and resource_type of an ARM type, or null when its namespace is not mapped. */
export function kindForArmType(armType: string): { kind: string; resourceType: ResourceType } | null {
  const lower = armType.trim().toLowerCase();
  const known = byArmType.get(lower);
  if (known) return { kind: known.kind, resourceType: known.resourceType };
  const slash = lower.indexOf("/");
  if (slash <= 0 || slash === lower.length - 1) return null;
  const resourceType = namespaceResourceTypes[lower.slice(0, slash)];
  if (!resourceType) return null;
  return { kind: `azure_${lower.replace(/^microsoft\./, "").replace(/[^a-z0-9]+/g, "_")}`, resourceType };
}

export function kindInfo(kind: string): AzureKindInfo | undefined {
  return byKind.get(kind);
}

export const virtualMachineArmType = "microsoft.compute/virtualmachines";
export const scaleSetArmType = "microsoft.compute/virtualmachinescalesets";
