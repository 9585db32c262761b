/**
 * What the emulated Azure estate is made of: resource type templates (how often each appears,
 * its SKUs, its naming) and the locations the subscription reports. Plain data, so the estate
 * generator stays a small loop over (seed, index).
 */

export interface SkuChoice {
  name: string;
  tier?: string;
  family?: string;
  capacity?: number;
}

export interface ResourceTemplate {
  type: string;
  /** The kind the adapter is expected to report (an independent oracle, not the adapter's table). */
  expectedKind: string;
  weight: number;
  namePrefix: string;
  skus?: readonly SkuChoice[];
  /** ARM's `kind` field (storage account kind, app service kind). */
  kinds?: readonly string[];
  /** Resources that live in one location for the whole cloud (CDN profiles). */
  globalLocation?: boolean;
  /** Some resource providers still answer with the display name ("West Europe"). */
  displayLocationShare?: number;
  zonal?: boolean;
  /** Nested resources are named `parent/child` in the generic listing. */
  parentPrefix?: string;
}

export const vmSizes = [
  "Standard_B1ls",
  "Standard_B1s",
  "Standard_B1ms",
  "Standard_B2s",
  "Standard_B2ms",
  "Standard_D2s_v5",
  "Standard_D2as_v5",
  "Standard_F2s_v2",
  "Standard_D4s_v5",
  "Standard_E4-2s_v5",
  "Standard_D8s_v5",
  "Standard_E16s_v5",
  "Standard_NC6s_v3",
  "Standard_M128ms",
] as const;

export const resourceTemplates: readonly ResourceTemplate[] = [
  { type: "Microsoft.Compute/virtualMachines", expectedKind: "azure_vm", weight: 22, namePrefix: "vm", zonal: true },
  {
    type: "Microsoft.Compute/virtualMachineScaleSets",
    expectedKind: "azure_vmss",
    weight: 3,
    namePrefix: "vmss",
    zonal: true,
    // `capacity` is the instance count; a set scaled in to zero is expected `stopped`.
    skus: [
      { name: "Standard_D2s_v5", tier: "Standard", capacity: 3 },
      { name: "Standard_D4s_v5", tier: "Standard", capacity: 6 },
      { name: "Standard_B2s", tier: "Standard", capacity: 2 },
      { name: "Standard_F2s_v2", tier: "Standard", capacity: 0 },
      { name: "Standard_E16s_v5", tier: "Standard", capacity: 12 },
    ],
  },
  {
    type: "Microsoft.Compute/disks",
    expectedKind: "azure_disk",
    weight: 16,
    namePrefix: "disk",
    zonal: true,
    skus: [
      { name: "Premium_LRS", tier: "Premium" },
      { name: "StandardSSD_LRS", tier: "Standard" },
      { name: "Standard_LRS", tier: "Standard" },
      { name: "PremiumV2_LRS", tier: "Premium" },
    ],
  },
  {
    type: "Microsoft.Storage/storageAccounts",
    expectedKind: "azure_storage_account",
    weight: 9,
    namePrefix: "st",
    skus: [
      { name: "Standard_LRS", tier: "Standard" },
      { name: "Standard_GRS", tier: "Standard" },
      { name: "Standard_ZRS", tier: "Standard" },
      { name: "Premium_LRS", tier: "Premium" },
    ],
    kinds: ["StorageV2", "StorageV2", "BlobStorage", "FileStorage"],
  },
  { type: "Microsoft.Network/virtualNetworks", expectedKind: "azure_vnet", weight: 6, namePrefix: "vnet" },
  { type: "Microsoft.Network/networkSecurityGroups", expectedKind: "azure_nsg", weight: 8, namePrefix: "nsg" },
  {
    type: "Microsoft.Network/publicIPAddresses",
    expectedKind: "azure_public_ip",
    weight: 7,
    namePrefix: "pip",
    zonal: true,
    skus: [
      { name: "Standard", tier: "Regional" },
      { name: "Basic", tier: "Regional" },
    ],
  },
  {
    type: "Microsoft.Network/loadBalancers",
    expectedKind: "azure_load_balancer",
    weight: 4,
    namePrefix: "lb",
    skus: [
      { name: "Standard", tier: "Regional" },
      { name: "Basic", tier: "Regional" },
    ],
  },
  { type: "Microsoft.Network/applicationGateways", expectedKind: "azure_app_gateway", weight: 2, namePrefix: "agw" },
  {
    type: "Microsoft.Sql/servers/databases",
    expectedKind: "azure_sql_database",
    weight: 5,
    namePrefix: "sqldb",
    parentPrefix: "sql",
    skus: [
      { name: "GP_Gen5_2", tier: "GeneralPurpose", family: "Gen5", capacity: 2 },
      { name: "GP_S_Gen5_1", tier: "GeneralPurpose", family: "Gen5", capacity: 1 },
      { name: "BC_Gen5_8", tier: "BusinessCritical", family: "Gen5", capacity: 8 },
      { name: "S0", tier: "Standard", capacity: 10 },
      { name: "Basic", tier: "Basic", capacity: 5 },
      { name: "P2", tier: "Premium", capacity: 250 },
    ],
  },
  {
    type: "Microsoft.DBforPostgreSQL/flexibleServers",
    expectedKind: "azure_postgres_flexible",
    weight: 4,
    namePrefix: "psql",
    skus: [
      { name: "Standard_B1ms", tier: "Burstable" },
      { name: "Standard_D2ds_v4", tier: "GeneralPurpose" },
      { name: "Standard_D4ds_v5", tier: "GeneralPurpose" },
      { name: "Standard_E8ds_v4", tier: "MemoryOptimized" },
    ],
  },
  {
    type: "Microsoft.Cdn/profiles",
    expectedKind: "azure_cdn_profile",
    weight: 2,
    namePrefix: "cdn",
    globalLocation: true,
    skus: [{ name: "Standard_Microsoft" }, { name: "Standard_AzureFrontDoor" }, { name: "Premium_AzureFrontDoor" }],
  },
  {
    type: "Microsoft.Web/sites",
    expectedKind: "azure_app_service",
    weight: 6,
    namePrefix: "app",
    kinds: ["app", "app,linux", "functionapp", "app,linux,container"],
    displayLocationShare: 0.3,
  },
  // Classic Front Door: a Microsoft.Network type that is a CDN.
  { type: "Microsoft.Network/frontDoors", expectedKind: "azure_front_door", weight: 1, namePrefix: "fd", globalLocation: true },
  { type: "Microsoft.Synapse/workspaces", expectedKind: "azure_synapse", weight: 1, namePrefix: "syn" },
  {
    type: "Microsoft.Databricks/workspaces",
    expectedKind: "azure_databricks_workspace",
    weight: 1,
    namePrefix: "dbw",
    skus: [{ name: "premium" }, { name: "standard" }],
  },
  // A type outside the adapter's table whose provider namespace it still knows.
  {
    type: "Microsoft.ContainerService/managedClusters",
    expectedKind: "azure_containerservice_managedclusters",
    weight: 1,
    namePrefix: "aks",
  },
];

/** Where resources are placed, with weights that look like a European/US company. */
export const placementLocations: readonly { name: string; weight: number }[] = [
  { name: "eastus", weight: 10 },
  { name: "eastus2", weight: 6 },
  { name: "westus2", weight: 5 },
  { name: "centralus", weight: 3 },
  { name: "westeurope", weight: 9 },
  { name: "northeurope", weight: 6 },
  { name: "uksouth", weight: 4 },
  { name: "germanywestcentral", weight: 3 },
  { name: "francecentral", weight: 2 },
  { name: "swedencentral", weight: 1 },
  { name: "southeastasia", weight: 3 },
  { name: "japaneast", weight: 2 },
  { name: "australiaeast", weight: 2 },
  { name: "canadacentral", weight: 1 },
  { name: "brazilsouth", weight: 1 },
  { name: "centralindia", weight: 1 },
];

export interface EmulatedLocation {
  name: string;
  displayName: string;
  geography: string;
  geographyGroup: string;
  physicalLocation: string;
  latitude: string;
  longitude: string;
  zones: boolean;
  regionType: "Physical" | "Logical";
}

/** What `GET /subscriptions/{id}/locations` reports, including a region newer than most catalogs and a logical one. */
export const emulatedLocations: readonly EmulatedLocation[] = [
  loc("eastus", "East US", "United States", "US", "Virginia", "37.3719", "-79.8164", true),
  loc("eastus2", "East US 2", "United States", "US", "Virginia", "36.6681", "-78.3889", true),
  loc("westus2", "West US 2", "United States", "US", "Washington", "47.233", "-119.852", true),
  loc("westus3", "West US 3", "United States", "US", "Phoenix", "33.448376", "-112.074036", true),
  loc("centralus", "Central US", "United States", "US", "Iowa", "41.5908", "-93.6208", true),
  loc("westeurope", "West Europe", "Netherlands", "Europe", "Netherlands", "52.3667", "4.9", true),
  loc("northeurope", "North Europe", "Ireland", "Europe", "Ireland", "53.3478", "-6.2597", true),
  loc("uksouth", "UK South", "United Kingdom", "UK", "London", "50.941", "-0.799", true),
  loc("germanywestcentral", "Germany West Central", "Germany", "Europe", "Frankfurt", "50.110924", "8.682127", true),
  loc("francecentral", "France Central", "France", "Europe", "Paris", "46.3772", "2.373", true),
  loc("swedencentral", "Sweden Central", "Sweden", "Europe", "Gävle", "60.67488", "17.14127", true),
  loc("southeastasia", "Southeast Asia", "Asia Pacific", "Asia Pacific", "Singapore", "1.283", "103.833", true),
  loc("japaneast", "Japan East", "Japan", "Asia Pacific", "Tokyo, Saitama", "35.68", "139.77", true),
  loc("australiaeast", "Australia East", "Australia", "Asia Pacific", "New South Wales", "-33.86", "151.2094", true),
  loc("canadacentral", "Canada Central", "Canada", "Canada", "Toronto", "43.653", "-79.383", true),
  loc("brazilsouth", "Brazil South", "Brazil", "South America", "Sao Paulo State", "-23.55", "-46.633", true),
  loc("centralindia", "Central India", "India", "Asia Pacific", "Pune", "18.5822", "73.9197", true),
  loc("italynorth", "Italy North", "Italy", "Europe", "Milan", "45.46888", "9.18109", true),
  loc("polandcentral", "Poland Central", "Poland", "Europe", "Warsaw", "52.23334", "21.01666", true),
  // The catalog in the adapter does not know this one: it must still come back.
  loc("newzealandnorth", "New Zealand North", "New Zealand", "Asia Pacific", "Auckland", "-36.84853", "174.76349", true),
  { ...loc("europe", "Europe", "", "", "", "", "", false), regionType: "Logical" },
];

function loc(
  name: string,
  displayName: string,
  geography: string,
  geographyGroup: string,
  physicalLocation: string,
  latitude: string,
  longitude: string,
  zones: boolean,
): EmulatedLocation {
  return { name, displayName, geography, geographyGroup, physicalLocation, latitude, longitude, zones, regionType: "Physical" };
}

export const teams = ["payments", "search", "identity", "data", "platform", "mobile", "ml", "growth"] as const;
export const environments = ["prod", "prod", "staging", "dev", "test"] as const;
export const owners = ["ana", "bilal", "chen", "dara", "eli", "zoë", "lukas", "maría"] as const;
