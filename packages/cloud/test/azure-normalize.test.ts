import { describe, expect, it } from "vitest";
import { kindForArmType } from "../src/azure/kinds/arm-types.ts";
import { mergeRegions } from "../src/azure/list-regions.ts";
import {
  normalizeGenericResource,
  normalizeRegion,
  normalizeTags,
  type RawGenericResource,
  scaleSetStatus,
  sizeFromSku,
  sizeFromVmSize,
  statusFromProvisioningState,
  statusFromVm,
  type VmStatus,
  vmStatusFromInstanceView,
} from "../src/azure/normalize.ts";
import { azureRegionCatalog } from "../src/azure/regions.ts";
import { planScopes } from "../src/azure/scopes.ts";
import { resourceStatuses, resourceTypes, sizeCategories } from "../src/types.ts";

const sub = "00000000-0000-4000-8000-000000000001";

describe("kinds", () => {
  it.each([
    ["Microsoft.Compute/virtualMachines", "azure_vm", "compute"],
    ["microsoft.compute/VIRTUALMACHINES", "azure_vm", "compute"],
    ["Microsoft.Compute/disks", "azure_disk", "storage"],
    ["Microsoft.Storage/storageAccounts", "azure_storage_account", "storage"],
    ["Microsoft.Network/virtualNetworks", "azure_vnet", "network"],
    ["Microsoft.Network/networkSecurityGroups", "azure_nsg", "network"],
    ["Microsoft.Network/publicIPAddresses", "azure_public_ip", "network"],
    ["Microsoft.Network/loadBalancers", "azure_load_balancer", "load_balancer"],
    ["Microsoft.Network/applicationGateways", "azure_app_gateway", "load_balancer"],
    ["Microsoft.Sql/servers/databases", "azure_sql_database", "database"],
    ["Microsoft.DBforPostgreSQL/flexibleServers", "azure_postgres_flexible", "database"],
    ["Microsoft.Cdn/profiles", "azure_cdn_profile", "cdn"],
    ["Microsoft.Web/sites", "azure_app_service", "compute"],
    ["Microsoft.Synapse/workspaces", "azure_synapse", "analytics"],
    ["Microsoft.Compute/virtualMachineScaleSets", "azure_vmss", "compute"],
    ["Microsoft.Network/frontDoors", "azure_front_door", "cdn"],
    ["Microsoft.Databricks/workspaces", "azure_databricks_workspace", "analytics"],
    // Not in the table, but the namespace says what it is.
    ["Microsoft.ContainerService/managedClusters", "azure_containerservice_managedclusters", "compute"],
    ["Microsoft.Sql/servers", "azure_sql_servers", "database"],
    ["Microsoft.DBforMySQL/flexibleServers", "azure_dbformysql_flexibleservers", "database"],
    ["Microsoft.Network/privateDnsZones/virtualNetworkLinks", "azure_network_privatednszones_virtualnetworklinks", "network"],
  ])("%s → %s / %s", (armType, kind, resourceType) => {
    expect(kindForArmType(armType)).toEqual({ kind, resourceType });
    expect(resourceTypes).toContain(resourceType);
  });

  it.each([["Microsoft.ManagedIdentity/userAssignedIdentities"], ["Microsoft.Insights/actionGroups"], ["nonsense"], ["Microsoft.Web/"], [""]])(
    "%s has no mapping",
    (armType) => {
      expect(kindForArmType(armType)).toBeNull();
    },
  );
});

describe("statuses", () => {
  it.each([
    [undefined, "running"],
    ["Succeeded", "running"],
    ["succeeded", "running"],
    ["Creating", "provisioning"],
    ["Updating", "provisioning"],
    ["Accepted", "provisioning"],
    ["ResolvingDNS", "provisioning"],
    ["Failed", "error"],
    ["Canceled", "error"],
    ["Deleting", "stopping"],
    ["Deleted", "terminated"],
  ])("provisioningState %s → %s", (state, status) => {
    expect(statusFromProvisioningState(state)).toBe(status);
    expect(resourceStatuses).toContain(status);
  });

  it.each<[string | null, string | null, string]>([
    ["running", "succeeded", "running"],
    ["running", "updating", "running"],
    ["stopped", "succeeded", "stopped"],
    ["deallocated", "succeeded", "stopped"],
    ["stopping", "succeeded", "stopping"],
    ["deallocating", "succeeded", "stopping"],
    ["starting", "succeeded", "starting"],
    ["running", "failed", "error"],
    ["stopped", "Failed", "error"],
    [null, "creating", "provisioning"],
    [null, "deleting", "stopping"],
    [null, null, "provisioning"],
    ["unknown", "succeeded", "provisioning"],
  ])("VM power %s, provisioning %s → %s", (powerState, provisioningState, status) => {
    expect(statusFromVm({ powerState, provisioningState })).toBe(status);
  });

  it.each([
    [[{ code: "ProvisioningState/succeeded" }, { code: "PowerState/running" }], "Standard_B1s", { powerState: "running", provisioningState: "succeeded", vmSize: "Standard_B1s" }],
    [[{ code: "PowerState/Deallocated" }], undefined, { powerState: "deallocated", provisioningState: null, vmSize: null }],
    [[{ code: "ProvisioningState/failed/InternalOperationError" }], "Standard_D2s_v5", { powerState: null, provisioningState: "failed", vmSize: "Standard_D2s_v5" }],
    [[{ code: "OSState/generalized" }, {}], undefined, { powerState: null, provisioningState: null, vmSize: null }],
    [undefined, undefined, { powerState: null, provisioningState: null, vmSize: null }],
  ])("instance view %j → %j", (statuses, vmSize, expected) => {
    expect(vmStatusFromInstanceView(statuses, vmSize)).toEqual(expected);
  });
});

describe("sizes", () => {
  it.each([
    ["Standard_B1ls", "nano"],
    ["Standard_B1s", "micro"],
    ["Standard_B1ms", "small"],
    ["Standard_B2s", "small"],
    ["Standard_B2ms", "small"],
    ["Standard_A1_v2", "small"],
    ["Basic_A0", "nano"],
    ["Standard_D2s_v5", "medium"],
    ["Standard_D2as_v5", "medium"],
    ["Standard_F2s_v2", "medium"],
    ["Standard_D4s_v5", "large"],
    ["Standard_E4-2s_v5", "large"],
    ["Standard_NC6s_v3", "xlarge"],
    ["Standard_D8s_v5", "xlarge"],
    ["Standard_E16s_v5", "xlarge"],
    ["Standard_M128ms", "xlarge"],
    ["Standard_NV6ads_A10_v5", "xlarge"],
    ["Custom_Thing", "custom"],
    ["", "custom"],
    [null, "custom"],
  ])("VM size %s → %s", (vmSize, category) => {
    expect(sizeFromVmSize(vmSize)).toBe(category);
    expect(sizeCategories).toContain(category);
  });

  it.each([
    [{ name: "Standard_B1ms", tier: "Burstable" }, "small"],
    [{ name: "Standard_D2ds_v4", tier: "GeneralPurpose" }, "medium"],
    [{ name: "Standard_E8ds_v4" }, "xlarge"],
    [{ name: "GP_Gen5_2", capacity: 2 }, "medium"],
    [{ name: "GP_S_Gen5_1" }, "small"],
    [{ name: "BC_Gen5_8" }, "xlarge"],
    [{ name: "HS_Gen5_4" }, "large"],
    [{ name: "Basic" }, "nano"],
    [{ name: "S0" }, "micro"],
    [{ name: "S3" }, "small"],
    [{ name: "S6" }, "medium"],
    [{ name: "P2" }, "large"],
    [{ name: "P11" }, "xlarge"],
    [{ name: "Standard_LRS" }, "custom"],
    [{ name: "Premium_LRS" }, "custom"],
    [{ name: "Standard" }, "custom"],
    [{ name: "Standard_AzureFrontDoor" }, "custom"],
    [{}, "custom"],
    [null, "custom"],
    [undefined, "custom"],
  ])("sku %j → %s", (sku, category) => {
    expect(sizeFromSku(sku)).toBe(category);
  });
});

describe("tags and regions", () => {
  it.each([
    [undefined, {}],
    [null, {}],
    [{}, {}],
    [{ env: "prod", team: "data" }, { env: "prod", team: "data" }],
    [{ temporary: "" }, { temporary: "" }],
    [{ owner: "zoë", "cost-center": "R&D / EMEA" }, { owner: "zoë", "cost-center": "R&D / EMEA" }],
    [{ n: 3, flag: true, missing: null }, { n: "3", flag: "true", missing: "" }],
    [["not", "tags"], {}],
    ["env=prod", {}],
  ])("tags %j → %j", (tags, expected) => {
    expect(normalizeTags(tags)).toEqual(expected);
  });

  it.each([
    ["eastus", "eastus"],
    ["East US", "eastus"],
    ["West Europe", "westeurope"],
    ["EastUS2", "eastus2"],
    ["Germany West Central", "germanywestcentral"],
    ["global", "global"],
  ])("location %s → %s", (location, code) => {
    expect(normalizeRegion(location)).toBe(code);
  });
});

describe("normalizeGenericResource", () => {
  const vmId = `/subscriptions/${sub}/resourceGroups/RG-A/providers/Microsoft.Compute/virtualMachines/vm-1`;
  const vmStatuses = new Map<string, VmStatus>([[vmId.toLowerCase(), { powerState: "deallocated", provisioningState: "succeeded", vmSize: "Standard_D4s_v5" }]]);
  const context = { subscriptionId: sub, vmStatuses };

  it("takes a VM's status and size from the status listing, matching ids case-insensitively", () => {
    const raw: RawGenericResource = {
      id: vmId.replace("RG-A", "rg-a"),
      name: "vm-1",
      type: "Microsoft.Compute/virtualMachines",
      location: "East US",
      tags: { env: "prod" },
      provisioningState: "Succeeded",
      createdTime: new Date("2023-04-05T06:07:08Z"),
    };
    const result = normalizeGenericResource(raw, context);
    expect(result).toMatchObject({
      ok: true,
      resource: {
        cloud: "azure",
        account: sub,
        regionCode: "eastus",
        kind: "azure_vm",
        resourceType: "compute",
        resourceId: raw.id,
        name: "vm-1",
        status: "stopped",
        sizeCategory: "large",
        tags: { env: "prod" },
        providerCreatedAt: "2023-04-05T06:07:08.000Z",
      },
    });
    if (!result.ok) throw new Error("unreachable");
    expect(result.resource.configuration.createdTime).toBe("2023-04-05T06:07:08.000Z");
    expect(result.resource.configuration.vmStatus).toEqual({ powerState: "deallocated", provisioningState: "succeeded", vmSize: "Standard_D4s_v5" });
    expect(JSON.parse(JSON.stringify(result.resource.configuration))).toEqual(result.resource.configuration);
  });

  it("reports a VM missing from the status listing as provisioning, not running", () => {
    const result = normalizeGenericResource(
      { id: `${vmId}-new`, name: "vm-new", type: "Microsoft.Compute/virtualMachines", location: "eastus", provisioningState: "Succeeded" },
      context,
    );
    expect(result).toMatchObject({ ok: true, resource: { status: "provisioning", sizeCategory: "custom" } });
  });

  it.each<[string, RawGenericResource, Partial<Record<string, unknown>>]>([
    [
      "nested SQL database",
      {
        id: `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.Sql/servers/sql-1/databases/db-1`,
        name: "sql-1/db-1",
        type: "Microsoft.Sql/servers/databases",
        location: "westeurope",
        sku: { name: "GP_Gen5_2" },
        provisioningState: "Succeeded",
      },
      { kind: "azure_sql_database", resourceType: "database", name: "sql-1/db-1", status: "running", sizeCategory: "medium", tags: {} },
    ],
    [
      "global CDN profile without provisioning state",
      { id: `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.Cdn/profiles/cdn-1`, name: "cdn-1", type: "Microsoft.Cdn/profiles", location: "global" },
      { kind: "azure_cdn_profile", regionCode: "global", status: "running", sizeCategory: "custom", providerCreatedAt: null },
    ],
    [
      "failed storage account",
      {
        id: `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st1`,
        name: "st1",
        type: "Microsoft.Storage/storageAccounts",
        location: "uksouth",
        provisioningState: "Failed",
        sku: { name: "Standard_LRS" },
      },
      { kind: "azure_storage_account", status: "error" },
    ],
    [
      "item without a name",
      { id: `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-9`, type: "Microsoft.Network/virtualNetworks", location: "eastus" },
      { name: "vnet-9", kind: "azure_vnet" },
    ],
  ])("%s", (_label, raw, expected) => {
    const result = normalizeGenericResource(raw, context);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.resource).toMatchObject(expected);
  });

  it.each<[string, RawGenericResource, string | null, RegExp]>([
    ["no id", { name: "x", type: "Microsoft.Compute/disks", location: "eastus" }, null, /no id/],
    ["no type", { id: "/subscriptions/s/x", location: "eastus" }, "/subscriptions/s/x", /no resource type/],
    ["no location", { id: "/subscriptions/s/y", type: "Microsoft.Compute/disks" }, "/subscriptions/s/y", /no location/],
    [
      "unmapped namespace",
      { id: "/subscriptions/s/z", type: "Microsoft.ManagedIdentity/userAssignedIdentities", location: "eastus" },
      "/subscriptions/s/z",
      /Microsoft\.ManagedIdentity\/userAssignedIdentities/,
    ],
  ])("skips an item with %s", (_label, raw, itemId, reason) => {
    const result = normalizeGenericResource(raw, context);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.itemId).toBe(itemId);
      expect(result.reason).toMatch(reason);
    }
  });
});

describe("mergeRegions", () => {
  it("enriches known regions from the catalog, keeps unknown ones, drops logical ones", () => {
    const merged = mergeRegions([
      { name: "eastus", displayName: "East US", metadata: { regionType: "Physical" }, availabilityZoneMappings: [{ logicalZone: "2" }, { logicalZone: "1" }, { logicalZone: "3" }] },
      { name: "westeurope", displayName: "West Europe", metadata: { regionType: "Physical" } },
      {
        name: "newzealandnorth",
        displayName: "New Zealand North",
        metadata: { regionType: "Physical", latitude: "-36.84", longitude: "174.76", physicalLocation: "Auckland", geography: "New Zealand" },
      },
      { name: "mars1", displayName: "Mars 1" },
      { name: "europe", displayName: "Europe", metadata: { regionType: "Logical" } },
      { displayName: "nameless" },
    ]);
    expect(merged.map((r) => r.code)).toEqual(["eastus", "westeurope", "newzealandnorth", "mars1"]);
    expect(merged[0]).toMatchObject({ cloud: "azure", name: "East US", availabilityZones: ["1", "2", "3"], geographicLocation: { country: "United States", city: "Virginia" } });
    expect(merged[1]?.availabilityZones).toEqual(["1", "2", "3"]);
    expect(merged[2]).toMatchObject({
      name: "New Zealand North",
      availabilityZones: [],
      geographicLocation: { continent: "", country: "New Zealand", city: "Auckland", coordinates: { lat: -36.84, lng: 174.76 } },
    });
    expect(merged[3]?.geographicLocation).toEqual({ continent: "", country: "", city: "", coordinates: { lat: 0, lng: 0 } });
  });

  it("has a catalog of the main regions with geography", () => {
    expect(azureRegionCatalog.length).toBeGreaterThanOrEqual(20);
    for (const code of ["eastus", "westus2", "northeurope", "westeurope", "uksouth", "southeastasia", "japaneast", "australiaeast", "brazilsouth"]) {
      const region = azureRegionCatalog.find((r) => r.code === code);
      expect(region?.geographicLocation.city, code).toBeTruthy();
      expect(Math.abs(region?.geographicLocation.coordinates.lat ?? 0), code).toBeGreaterThan(0);
    }
    expect(new Set(azureRegionCatalog.map((r) => r.code)).size).toBe(azureRegionCatalog.length);
  });
});

describe("planScopes", () => {
  it.each<[string, { regions?: string[]; kinds?: string[] }, { account: string; region: string; kind: string; serverFilter?: string; readVmStatuses: boolean }[]]>([
    ["whole subscriptions", {}, [
      { account: "a", region: "*", kind: "*", readVmStatuses: true },
      { account: "b", region: "*", kind: "*", readVmStatuses: true },
    ]],
    ["one kind", { kinds: ["azure_disk", "ec2_instance"] }, [
      { account: "a", region: "*", kind: "azure_disk", serverFilter: "resourceType eq 'Microsoft.Compute/disks'", readVmStatuses: false },
      { account: "b", region: "*", kind: "azure_disk", serverFilter: "resourceType eq 'Microsoft.Compute/disks'", readVmStatuses: false },
    ]],
    ["a region", { regions: ["West Europe"] }, [
      { account: "a", region: "westeurope", kind: "*", serverFilter: "location eq 'westeurope'", readVmStatuses: true },
      { account: "b", region: "westeurope", kind: "*", serverFilter: "location eq 'westeurope'", readVmStatuses: true },
    ]],
    ["a region and VMs", { regions: ["eastus"], kinds: ["azure_vm"] }, [
      { account: "a", region: "eastus", kind: "azure_vm", serverFilter: "resourceType eq 'Microsoft.Compute/virtualMachines'", readVmStatuses: true },
      { account: "b", region: "eastus", kind: "azure_vm", serverFilter: "resourceType eq 'Microsoft.Compute/virtualMachines'", readVmStatuses: true },
    ]],
    ["only foreign kinds", { kinds: ["gce_instance"] }, []],
  ])("%s", (_label, narrowing, expected) => {
    const plans = planScopes(["a", "b"], narrowing);
    expect(
      plans.map((p) => ({
        account: p.scope.account,
        region: p.scope.region,
        kind: p.scope.kind,
        ...(p.serverFilter ? { serverFilter: p.serverFilter } : {}),
        readVmStatuses: p.readVmStatuses,
      })),
    ).toEqual(expected);
    for (const p of plans) expect(p.scope.cloud).toBe("azure");
  });
});

describe("VM scale sets", () => {
  it.each([
    ["running", { name: "Standard_D2s_v5", capacity: 3 }, "running"],
    ["running", { name: "Standard_D2s_v5", capacity: 0 }, "stopped"],
    // Only a healthy set at zero is stopped: a failed or changing one keeps what ARM says.
    ["error", { name: "Standard_D2s_v5", capacity: 0 }, "error"],
    ["provisioning", { name: "Standard_D2s_v5", capacity: 0 }, "provisioning"],
    ["running", null, "running"],
    ["running", { name: "Standard_D2s_v5" }, "running"],
  ] as const)("provisioning %s with sku %j → %s", (provisioned, sku, status) => {
    expect(scaleSetStatus(provisioned, sku)).toBe(status);
  });

  it("takes its size from the instances' VM size and its status from its capacity", () => {
    const result = normalizeGenericResource(
      {
        id: `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/web`,
        name: "web",
        type: "Microsoft.Compute/virtualMachineScaleSets",
        location: "westeurope",
        sku: { name: "Standard_D4s_v5", tier: "Standard", capacity: 0 },
        provisioningState: "Succeeded",
      },
      { subscriptionId: sub, vmStatuses: new Map() },
    );
    expect(result.ok && result.resource).toMatchObject({ kind: "azure_vmss", resourceType: "compute", status: "stopped", sizeCategory: sizeFromVmSize("Standard_D4s_v5") });
  });
});
