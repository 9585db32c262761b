import { createRng, hashString, type Rng } from "../rng.ts";
import {
  addressStates,
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
] as const;
export type EmulatorKind = (typeof emulatorKinds)[number];

export interface KindInfo {
  adapterKind: string;
  /** Share of the estate. */
  weight: number;
  /** First digit of generated ids, so an id tells its kind. */
  idDigit: number;
  placement: "zone" | "region" | "global";
  /** Field of an aggregated scoped list (`instances`, `disks`, `forwardingRules`). */
  scopedField: string;
  /** Path under `projects/{project}/`. */
  path: string;
  listKind: string;
}

export const kindInfo: Record<EmulatorKind, KindInfo> = {
  instance: {
    adapterKind: "gce_instance",
    weight: 40,
    idDigit: 1,
    placement: "zone",
    scopedField: "instances",
    path: "aggregated/instances",
    listKind: "compute#instanceAggregatedList",
  },
  disk: {
    adapterKind: "gce_disk",
    weight: 35,
    idDigit: 2,
    placement: "zone",
    scopedField: "disks",
    path: "aggregated/disks",
    listKind: "compute#diskAggregatedList",
  },
  network: {
    adapterKind: "gcp_network",
    weight: 5,
    idDigit: 3,
    placement: "global",
    scopedField: "",
    path: "global/networks",
    listKind: "compute#networkList",
  },
  forwardingRule: {
    adapterKind: "gcp_forwarding_rule",
    weight: 12,
    idDigit: 4,
    placement: "region",
    scopedField: "forwardingRules",
    path: "aggregated/forwardingRules",
    listKind: "compute#forwardingRuleAggregatedList",
  },
  globalForwardingRule: {
    adapterKind: "gcp_global_forwarding_rule",
    weight: 8,
    idDigit: 5,
    placement: "global",
    scopedField: "",
    path: "global/forwardingRules",
    listKind: "compute#forwardingRuleList",
  },
  subnetwork: {
    adapterKind: "gcp_subnetwork",
    weight: 6,
    idDigit: 6,
    placement: "region",
    scopedField: "subnetworks",
    path: "aggregated/subnetworks",
    listKind: "compute#subnetworkAggregatedList",
  },
  firewall: {
    adapterKind: "gcp_firewall",
    weight: 6,
    idDigit: 7,
    placement: "global",
    scopedField: "",
    path: "global/firewalls",
    listKind: "compute#firewallList",
  },
  address: {
    adapterKind: "gcp_address",
    weight: 5,
    idDigit: 8,
    placement: "region",
    scopedField: "addresses",
    path: "aggregated/addresses",
    listKind: "compute#addressAggregatedList",
  },
};

export type RawItem = Record<string, unknown>;

/** One generated resource: its wire JSON plus what the adapter is expected to make of it. */
export interface GeneratedItem {
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

/** 19 digits: kind digit, 3-digit project index, 12-digit position, 3 digits of noise. */
export function makeId(seed: string, kind: EmulatorKind, projectIndex: number, position: number): string {
  const prefix = `${kindInfo[kind].idDigit}${String(projectIndex).padStart(3, "0")}${String(position).padStart(12, "0")}`;
  const noise = hashString(`${seed}:${prefix}`) % 1000;
  return `${prefix}${String(noise).padStart(3, "0")}`;
}

export function parseId(id: string): { kind: EmulatorKind; projectIndex: number; position: number } | null {
  if (!/^\d{19}$/.test(id)) return null;
  const kind = emulatorKinds.find((k) => kindInfo[k].idDigit === Number(id[0]));
  if (!kind) return null;
  return { kind, projectIndex: Number(id.slice(1, 4)), position: Number(id.slice(4, 16)) };
}

function pickWeighted<T extends { weight: number }>(rng: Rng, rows: readonly T[]): T {
  const total = rows.reduce((s, r) => s + r.weight, 0);
  let x = rng.next() * total;
  for (const row of rows) {
    x -= row.weight;
    if (x < 0) return row;
  }
  return rows[rows.length - 1] as T;
}

function pickState(rng: Rng, rows: readonly StateRow[]): StateRow {
  return pickWeighted(
    rng,
    rows.map((r) => ({ row: r, weight: r[2] })),
  ).row;
}

/** GCP writes timestamps in Pacific time with a numeric offset. */
function creationTimestamp(rng: Rng): string {
  const t = Date.UTC(2019, 0, 1) + Math.floor(rng.next() * 6 * 365 * 86_400_000);
  const local = new Date(t - 7 * 3_600_000).toISOString().replace("Z", "");
  return `${local}-07:00`;
}

function labelsFor(rng: Rng, env: string, role: string): Record<string, string> {
  const roll = rng.next();
  // A few resources carry no labels at all, a few carry empty values: both are valid in GCP.
  if (roll < 0.06) return {};
  const labels: Record<string, string> = { env, team: rng.pick(teams), app: role };
  if (rng.next() < 0.5) labels["cost-center"] = `cc-${rng.int(1000, 9999)}`;
  if (rng.next() < 0.3) labels.managed_by = "terraform";
  if (roll > 0.97) labels["owner-email_local"] = "";
  return labels;
}

function nameFor(rng: Rng, prefix: string, position: number): string {
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
}

export function generateItem(kind: EmulatorKind, ctx: ItemContext): GeneratedItem {
  const rng = createRng(`${ctx.seed}|${ctx.project}|${kind}|${ctx.position}`);
  const id = makeId(ctx.seed, kind, ctx.projectIndex, ctx.position);
  const projectUrl = `${API_BASE}/projects/${ctx.project}`;
  const env = rng.pick(environments);
  const role = rng.pick(roles);
  const region = pickWeighted(rng, emulatorRegions);
  const zone = `${region.code}-${rng.pick(region.zones)}`;
  const created = creationTimestamp(rng);
  switch (kind) {
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
