import { createRng, hashString, type Rng } from "../rng.ts";
import { diskSchedules } from "./disk-schedules.ts";
import { generateServiceItem } from "./items-services.ts";
import type { GcpApi } from "./token.ts";
import {
  addressStates,
  type EmulatorRegion,
  diskStates,
  diskTypes,
  emulatorRegions,
  environments,
  instanceStates,
  machineTypes,
  roles,
  type StateRow,
  teams,
} from "./catalog.ts";

/** The kinds the emulator serves, with where they live and how the adapter names them. */
export const emulatorKinds = [
  "instance",
  "disk",
  "network",
  "forwardingRule",
  "globalForwardingRule",
  "subnetwork",
  "firewall",
  "address",
  "backendService",
  "instanceGroupManager",
  "bucket",
  "sqlInstance",
  "gkeCluster",
  "cloudFunction",
  "bigqueryDataset",
  "asset",
  "cloudRunService",
] as const;
export type EmulatorKind = (typeof emulatorKinds)[number];

export interface KindInfo {
  adapterKind: string;
  /** Share of the estate. */
  weight: number;
  /** Leading digits of generated ids (`1`…`8`, then `90`…), so an id tells its kind. */
  idCode: string;
  /** The API that lists it (its OAuth scopes, its wire format). */
  api: GcpApi;
  placement: "zone" | "region" | "global";
  /** Field of an aggregated scoped list (`instances`, `disks`, `forwardingRules`). */
  scopedField: string;
  /** Path under `projects/{project}/`. */
  path: string;
  listKind: string;
  /** Where an item keeps its labels (`labels`, `settings.userLabels`…); null when the API has none. */
  labelsAt: readonly string[] | null;
  /** What a malformed item loses: fields the adapter needs, never the ones that identify it. */
  breaks: readonly string[];
}

// Networks, subnetworks, firewalls, backend services and instance group managers have no
// `labels` in the Compute API (the SDK's protobuf drops one): they say so with `labelsAt: null`.
const computeDefaults = { api: "compute", labelsAt: ["labels"], breaks: ["name", "status"] } as const;

export const kindInfo: Record<EmulatorKind, KindInfo> = {
  instance: {
    adapterKind: "gce_instance",
    weight: 40,
    idCode: "1",
    ...computeDefaults,
    placement: "zone",
    scopedField: "instances",
    path: "aggregated/instances",
    listKind: "compute#instanceAggregatedList",
  },
  disk: {
    adapterKind: "gce_disk",
    weight: 35,
    idCode: "2",
    ...computeDefaults,
    placement: "zone",
    scopedField: "disks",
    path: "aggregated/disks",
    listKind: "compute#diskAggregatedList",
  },
  network: {
    adapterKind: "gcp_network",
    weight: 5,
    idCode: "3",
    ...computeDefaults,
    labelsAt: null,
    placement: "global",
    scopedField: "",
    path: "global/networks",
    listKind: "compute#networkList",
  },
  forwardingRule: {
    adapterKind: "gcp_forwarding_rule",
    weight: 12,
    idCode: "4",
    ...computeDefaults,
    placement: "region",
    scopedField: "forwardingRules",
    path: "aggregated/forwardingRules",
    listKind: "compute#forwardingRuleAggregatedList",
  },
  globalForwardingRule: {
    adapterKind: "gcp_global_forwarding_rule",
    weight: 8,
    idCode: "5",
    ...computeDefaults,
    placement: "global",
    scopedField: "",
    path: "global/forwardingRules",
    listKind: "compute#forwardingRuleList",
  },
  subnetwork: {
    adapterKind: "gcp_subnetwork",
    weight: 6,
    idCode: "6",
    ...computeDefaults,
    labelsAt: null,
    placement: "region",
    scopedField: "subnetworks",
    path: "aggregated/subnetworks",
    listKind: "compute#subnetworkAggregatedList",
  },
  firewall: {
    adapterKind: "gcp_firewall",
    weight: 6,
    idCode: "7",
    ...computeDefaults,
    labelsAt: null,
    placement: "global",
    scopedField: "",
    path: "global/firewalls",
    listKind: "compute#firewallList",
  },
  address: {
    adapterKind: "gcp_address",
    weight: 5,
    idCode: "8",
    ...computeDefaults,
    placement: "region",
    scopedField: "addresses",
    path: "aggregated/addresses",
    listKind: "compute#addressAggregatedList",
  },
  // Backend services and managed instance groups have no labels in the Compute API.
  backendService: {
    adapterKind: "gcp_backend_service",
    weight: 4,
    idCode: "90",
    ...computeDefaults,
    labelsAt: null,
    breaks: ["name"],
    placement: "region",
    scopedField: "backendServices",
    path: "aggregated/backendServices",
    listKind: "compute#backendServiceAggregatedList",
  },
  instanceGroupManager: {
    adapterKind: "gce_instance_group_manager",
    weight: 4,
    idCode: "91",
    ...computeDefaults,
    labelsAt: null,
    breaks: ["name"],
    placement: "zone",
    scopedField: "instanceGroupManagers",
    path: "aggregated/instanceGroupManagers",
    listKind: "compute#instanceGroupManagerAggregatedList",
  },
  bucket: {
    adapterKind: "gcs_bucket",
    weight: 6,
    idCode: "92",
    api: "storage",
    labelsAt: ["labels"],
    breaks: ["location"],
    placement: "region",
    scopedField: "",
    path: "storage/v1/b",
    listKind: "storage#buckets",
  },
  sqlInstance: {
    adapterKind: "gcp_sql_instance",
    weight: 4,
    idCode: "93",
    api: "sqladmin",
    labelsAt: ["settings", "userLabels"],
    breaks: ["state", "region"],
    placement: "region",
    scopedField: "",
    path: "v1/instances",
    listKind: "sql#instancesList",
  },
  gkeCluster: {
    adapterKind: "gke_cluster",
    weight: 3,
    idCode: "94",
    api: "container",
    labelsAt: ["resourceLabels"],
    breaks: ["status", "location"],
    placement: "region",
    scopedField: "",
    path: "v1/locations/-/clusters",
    listKind: "",
  },
  cloudFunction: {
    adapterKind: "cloud_function",
    weight: 4,
    idCode: "95",
    api: "cloudfunctions",
    labelsAt: ["labels"],
    breaks: ["state"],
    placement: "region",
    scopedField: "",
    path: "v2/locations/-/functions",
    listKind: "",
  },
  bigqueryDataset: {
    adapterKind: "bigquery_dataset",
    weight: 3,
    idCode: "96",
    api: "bigquery",
    labelsAt: ["labels"],
    breaks: ["location"],
    placement: "region",
    scopedField: "",
    path: "bigquery/v2/datasets",
    listKind: "bigquery#datasetList",
  },
  // Whatever else Cloud Asset Inventory finds; each item's kind comes from its asset type.
  asset: {
    adapterKind: "",
    weight: 6,
    idCode: "98",
    api: "cloudasset",
    labelsAt: ["labels"],
    breaks: ["assetType"],
    placement: "region",
    scopedField: "",
    path: "v1:searchAllResources",
    listKind: "",
  },
  cloudRunService: {
    adapterKind: "cloud_run_service",
    weight: 3,
    idCode: "97",
    api: "run",
    labelsAt: ["labels"],
    breaks: ["terminalCondition"],
    placement: "region",
    scopedField: "",
    path: "v2/locations/{region}/services",
    listKind: "",
  },
};

export type RawItem = Record<string, unknown>;

/** One generated resource: its wire JSON plus what the adapter is expected to make of it. */
export interface GeneratedItem {
  /** The emulator's own handle (`makeId`): the Compute `id`; kinds whose API has none keep it off the wire. */
  id: string;
  /** What the adapter reports as the resource id: the Compute `id`, or the API's own identifier. */
  resourceId: string;
  /** The adapter's kind when it depends on the item (Cloud Asset Inventory results). */
  adapterKind?: string;
  raw: RawItem;
  /** `us-central1`, or `global`. */
  region: string;
  /** Zone or region key of an aggregated list (`zones/us-central1-a`), or null for global lists. */
  scopeKey: string | null;
  /** Seed vocabulary status the adapter should report. */
  status: string;
  providerStatus: string | null;
}

export const API_BASE = "https://www.googleapis.com/compute/v1";

/** 19 digits: kind code (1 or 2 digits), 3-digit project index, the position (12 or 11 digits), 3 digits of noise. */
export function makeId(seed: string, kind: EmulatorKind, projectIndex: number, position: number): string {
  const code = kindInfo[kind].idCode;
  const prefix = `${code}${String(projectIndex).padStart(3, "0")}${String(position).padStart(13 - code.length, "0")}`;
  const noise = hashString(`${seed}:${prefix}`) % 1000;
  return `${prefix}${String(noise).padStart(3, "0")}`;
}

export function parseId(id: string): { kind: EmulatorKind; projectIndex: number; position: number } | null {
  if (!/^\d{19}$/.test(id)) return null;
  const kind = emulatorKinds.find((k) => id.startsWith(kindInfo[k].idCode));
  if (!kind) return null;
  const code = kindInfo[kind].idCode.length;
  return { kind, projectIndex: Number(id.slice(code, code + 3)), position: Number(id.slice(code + 3, 16)) };
}

export function pickWeighted<T extends { weight: number }>(rng: Rng, rows: readonly T[]): T {
  const total = rows.reduce((s, r) => s + r.weight, 0);
  let x = rng.next() * total;
  for (const row of rows) {
    x -= row.weight;
    if (x < 0) return row;
  }
  return rows[rows.length - 1] as T;
}

export function pickState(rng: Rng, rows: readonly StateRow[]): StateRow {
  return pickWeighted(
    rng,
    rows.map((r) => ({ row: r, weight: r[2] })),
  ).row;
}

/** GCP writes timestamps in Pacific time with a numeric offset. */
export function creationTimestamp(rng: Rng): string {
  const t = Date.UTC(2019, 0, 1) + Math.floor(rng.next() * 6 * 365 * 86_400_000);
  const local = new Date(t - 7 * 3_600_000).toISOString().replace("Z", "");
  return `${local}-07:00`;
}

export function labelsFor(rng: Rng, env: string, role: string): Record<string, string> {
  const roll = rng.next();
  // A few resources carry no labels at all, a few carry empty values: both are valid in GCP.
  if (roll < 0.06) return {};
  const labels: Record<string, string> = { env, team: rng.pick(teams), app: role };
  if (rng.next() < 0.5) labels["cost-center"] = `cc-${rng.int(1000, 9999)}`;
  if (rng.next() < 0.3) labels.managed_by = "terraform";
  if (roll > 0.97) labels["owner-email_local"] = "";
  return labels;
}

export function nameFor(rng: Rng, prefix: string, position: number): string {
  const base = `${prefix}-${position.toString(36)}`;
  // GCP names may be 63 characters long; a few use all of them.
  if (rng.next() < 0.01) return `${base}-${"x".repeat(63)}`.slice(0, 63);
  return base;
}

export interface ItemContext {
  seed: string;
  project: string;
  projectIndex: number;
  position: number;
  /** A name to use instead of a generated one (resources added by a test). */
  name?: string;
}

export function generateItem(kind: EmulatorKind, ctx: ItemContext): GeneratedItem {
  const id = makeId(ctx.seed, kind, ctx.projectIndex, ctx.position);
  const item = generateWireItem(kind, ctx, id);
  return { id, resourceId: item.resourceId ?? id, ...item };
}

/** A generated item before its handle is attached; `resourceId` defaults to the handle. */
export type WireItem = Omit<GeneratedItem, "id" | "resourceId"> & { resourceId?: string };

/** What every generator draws first, in this order, so existing kinds keep their items. */
export interface ItemBasics {
  rng: Rng;
  id: string;
  projectUrl: string;
  env: string;
  role: string;
  region: EmulatorRegion;
  zone: string;
  created: string;
}

function generateWireItem(kind: EmulatorKind, ctx: ItemContext, id: string): WireItem {
  const rng = createRng(`${ctx.seed}|${ctx.project}|${kind}|${ctx.position}`);
  const projectUrl = `${API_BASE}/projects/${ctx.project}`;
  const env = rng.pick(environments);
  const role = rng.pick(roles);
  const region = pickWeighted(rng, emulatorRegions);
  const zone = `${region.code}-${rng.pick(region.zones)}`;
  const created = creationTimestamp(rng);
  const basics: ItemBasics = { rng, id, projectUrl, env, role, region, zone, created };
  switch (kind) {
    case "backendService":
    case "instanceGroupManager":
    case "bucket":
    case "sqlInstance":
    case "gkeCluster":
    case "cloudFunction":
    case "bigqueryDataset":
    case "asset":
    case "cloudRunService":
      return generateServiceItem(kind, ctx, basics);
    case "instance": {
      const [providerStatus, status] = pickState(rng, instanceStates);
      const name = nameFor(rng, `${role}-${env}`, ctx.position);
      const machineType = rng.pick(machineTypes);
      const labels = labelsFor(rng, env, role);
      return {
        raw: {
          kind: "compute#instance",
          id,
          creationTimestamp: created,
          name,
          description: rng.next() < 0.05 ? "Équipe données — serveur de calcul" : "",
          tags: { items: role === "web" ? ["http-server", "https-server"] : [], fingerprint: rng.hex(11) },
          machineType: `${projectUrl}/zones/${zone}/machineTypes/${machineType}`,
          status: providerStatus,
          zone: `${projectUrl}/zones/${zone}`,
          canIpForward: false,
          networkInterfaces: [
            {
              kind: "compute#networkInterface",
              network: `${projectUrl}/global/networks/default`,
              subnetwork: `${projectUrl}/regions/${region.code}/subnetworks/default`,
              networkIP: `10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(2, 254)}`,
              name: "nic0",
              stackType: "IPV4_ONLY",
            },
          ],
          disks: [
            {
              kind: "compute#attachedDisk",
              type: "PERSISTENT",
              mode: "READ_WRITE",
              source: `${projectUrl}/zones/${zone}/disks/${name}`,
              deviceName: "persistent-disk-0",
              index: 0,
              boot: true,
              autoDelete: true,
              interface: "SCSI",
              diskSizeGb: String(rng.pick([10, 20, 50, 100])),
            },
          ],
          labels,
          labelFingerprint: rng.hex(11),
          selfLink: `${projectUrl}/zones/${zone}/instances/${name}`,
          scheduling: { onHostMaintenance: "MIGRATE", automaticRestart: true, preemptible: false },
          cpuPlatform: "Intel Cascade Lake",
          deletionProtection: false,
          fingerprint: rng.hex(11),
        },
        region: region.code,
        scopeKey: `zones/${zone}`,
        status,
        providerStatus,
      };
    }
    case "disk": {
      const [providerStatus, status] = pickState(rng, diskStates);
      const name = nameFor(rng, `${role}-${env}-data`, ctx.position);
      const sizeGb = rng.pick([10, 50, 100, 200, 500, 1000, 4096]);
      return {
        raw: {
          kind: "compute#disk",
          id,
          creationTimestamp: created,
          name,
          sizeGb: String(sizeGb),
          zone: `${projectUrl}/zones/${zone}`,
          status: providerStatus,
          selfLink: `${projectUrl}/zones/${zone}/disks/${name}`,
          type: `${projectUrl}/zones/${zone}/diskTypes/${rng.pick(diskTypes)}`,
          labels: labelsFor(rng, env, role),
          labelFingerprint: rng.hex(11),
          physicalBlockSizeBytes: "4096",
          users: rng.next() < 0.7 ? [`${projectUrl}/zones/${zone}/instances/${role}-${env}`] : [],
          // Snapshot schedules attached to the disk (snapshots-api.ts), by id, so no draw of the generator changes.
          ...(diskSchedules(id).length > 0 ? { resourcePolicies: diskSchedules(id).map((p) => `${projectUrl}/regions/${region.code}/resourcePolicies/${p}`) } : {}),
        },
        region: region.code,
        scopeKey: `zones/${zone}`,
        status,
        providerStatus,
      };
    }
    case "network": {
      const name = ctx.position === 0 ? "default" : nameFor(rng, `${env}-vpc`, ctx.position);
      return {
        raw: {
          kind: "compute#network",
          id,
          creationTimestamp: created,
          name,
          description: ctx.position === 0 ? "Default network for the project" : "",
          selfLink: `${projectUrl}/global/networks/${name}`,
          selfLinkWithId: `${projectUrl}/global/networks/${id}`,
          autoCreateSubnetworks: ctx.position === 0,
          subnetworks: [`${projectUrl}/regions/${region.code}/subnetworks/${name}`],
          routingConfig: { routingMode: rng.next() < 0.8 ? "REGIONAL" : "GLOBAL" },
          mtu: rng.pick([1460, 1500, 8896]),
          networkFirewallPolicyEnforcementOrder: "AFTER_CLASSIC_FIREWALL",
        },
        region: "global",
        scopeKey: null,
        status: "running",
        providerStatus: null,
      };
    }
    case "forwardingRule": {
      const name = nameFor(rng, `fr-${role}-${env}`, ctx.position);
      const scheme = rng.pick(["EXTERNAL", "EXTERNAL_MANAGED", "INTERNAL", "INTERNAL_MANAGED"]);
      return {
        raw: {
          kind: "compute#forwardingRule",
          id,
          creationTimestamp: created,
          name,
          region: `${projectUrl}/regions/${region.code}`,
          IPAddress: `34.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
          IPProtocol: rng.pick(["TCP", "TCP", "UDP"]),
          portRange: rng.pick(["80-80", "443-443", "8080-8080"]),
          target: `${projectUrl}/regions/${region.code}/targetPools/${role}-${env}`,
          selfLink: `${projectUrl}/regions/${region.code}/forwardingRules/${name}`,
          loadBalancingScheme: scheme,
          networkTier: "PREMIUM",
          labels: labelsFor(rng, env, role),
          labelFingerprint: rng.hex(11),
          fingerprint: rng.hex(11),
        },
        region: region.code,
        scopeKey: `regions/${region.code}`,
        status: "running",
        providerStatus: null,
      };
    }
    case "subnetwork": {
      const name = ctx.position === 0 ? "default" : nameFor(rng, `${env}-subnet`, ctx.position);
      const prefix = rng.pick([20, 20, 24, 24, 24, 28, 16]);
      const second = rng.int(0, 255);
      // Proxy-only subnetworks are the only ones with a role and a state (DRAINING while demoted).
      const proxyOnly = rng.next() < 0.15;
      const draining = proxyOnly && rng.next() < 0.3;
      const raw: RawItem = {
        kind: "compute#subnetwork",
        id,
        creationTimestamp: created,
        name,
        network: `${projectUrl}/global/networks/${ctx.position === 0 ? "default" : `${env}-vpc`}`,
        ipCidrRange: `10.${second}.0.0/${prefix}`,
        gatewayAddress: `10.${second}.0.1`,
        region: `${projectUrl}/regions/${region.code}`,
        selfLink: `${projectUrl}/regions/${region.code}/subnetworks/${name}`,
        privateIpGoogleAccess: rng.next() < 0.5,
        secondaryIpRanges: [],
        fingerprint: rng.hex(11),
        stackType: "IPV4_ONLY",
        purpose: proxyOnly ? "REGIONAL_MANAGED_PROXY" : "PRIVATE",
      };
      if (proxyOnly) {
        raw.role = draining ? "BACKUP" : "ACTIVE";
        raw.state = draining ? "DRAINING" : "READY";
      }
      return {
        raw,
        region: region.code,
        scopeKey: `regions/${region.code}`,
        status: draining ? "stopping" : "running",
        providerStatus: proxyOnly ? (raw.state as string) : null,
      };
    }
    case "firewall": {
      const name = nameFor(rng, `allow-${role}-${env}`, ctx.position);
      const disabled = rng.next() < 0.1;
      const ingress = rng.next() < 0.8;
      return {
        raw: {
          kind: "compute#firewall",
          id,
          creationTimestamp: created,
          name,
          description: "",
          network: `${projectUrl}/global/networks/${rng.next() < 0.5 ? "default" : `${env}-vpc`}`,
          priority: rng.pick([1000, 1000, 900, 65534]),
          ...(ingress
            ? { sourceRanges: [rng.pick(["0.0.0.0/0", "10.0.0.0/8", "35.191.0.0/16"])], direction: "INGRESS" }
            : { destinationRanges: ["0.0.0.0/0"], direction: "EGRESS" }),
          targetTags: [role],
          allowed: [{ IPProtocol: "tcp", ports: [rng.pick(["22", "80", "443", "5432"])] }],
          logConfig: { enable: rng.next() < 0.3 },
          disabled,
          selfLink: `${projectUrl}/global/firewalls/${name}`,
        },
        region: "global",
        scopeKey: null,
        status: disabled ? "stopped" : "running",
        providerStatus: null,
      };
    }
    case "address": {
      const name = nameFor(rng, `ip-${role}-${env}`, ctx.position);
      const [providerStatus, status] = pickState(rng, addressStates);
      const external = rng.next() < 0.6;
      const labels = labelsFor(rng, env, role);
      // Addresses are what a wedding day's traffic arrives on: production ones are marked, critical while in use.
      if (env === "prod" && Object.keys(labels).length > 0) labels["wedding-critical"] = providerStatus === "IN_USE" ? "true" : "false";
      return {
        raw: {
          kind: "compute#address",
          id,
          creationTimestamp: created,
          name,
          description: "",
          address: external
            ? `34.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`
            : `10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(2, 254)}`,
          addressType: external ? "EXTERNAL" : "INTERNAL",
          ...(external ? { networkTier: "PREMIUM" } : { purpose: "GCE_ENDPOINT", subnetwork: `${projectUrl}/regions/${region.code}/subnetworks/default` }),
          status: providerStatus,
          region: `${projectUrl}/regions/${region.code}`,
          selfLink: `${projectUrl}/regions/${region.code}/addresses/${name}`,
          users:
            providerStatus === "IN_USE" ? [`${projectUrl}/regions/${region.code}/forwardingRules/fr-${role}-${env}`] : [],
          ipVersion: "IPV4",
          labels,
          labelFingerprint: rng.hex(11),
        },
        region: region.code,
        scopeKey: `regions/${region.code}`,
        status,
        providerStatus,
      };
    }
    case "globalForwardingRule": {
      const name = nameFor(rng, `gfr-${role}-${env}`, ctx.position);
      return {
        raw: {
          kind: "compute#forwardingRule",
          id,
          creationTimestamp: created,
          name,
          IPAddress: `35.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
          IPProtocol: "TCP",
          portRange: "443-443",
          target: `${projectUrl}/global/targetHttpsProxies/${role}-${env}-https-proxy`,
          selfLink: `${projectUrl}/global/forwardingRules/${name}`,
          loadBalancingScheme: "EXTERNAL_MANAGED",
          networkTier: "PREMIUM",
          labels: labelsFor(rng, env, role),
          labelFingerprint: rng.hex(11),
          fingerprint: rng.hex(11),
        },
        region: "global",
        scopeKey: null,
        status: "running",
        providerStatus: null,
      };
    }
  }
}
