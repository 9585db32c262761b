import { createRng, type Rng } from "../rng.ts";

/** The kinds the emulator serves, as cloudsync names them (`resource_subtype`). */
export const linodeEmulatorKinds = [
  "linode_instance",
  "linode_volume",
  "linode_bucket",
  "linode_database",
  "linode_vpc",
  "linode_firewall",
  "linode_ip",
  "linode_nodebalancer",
  "linode_lke_cluster",
] as const;
export type LinodeEmulatorKind = (typeof linodeEmulatorKinds)[number];

/** What a correct sync must store for one resource, computed from the emulator's own model. */
export interface LinodeExpectedResource {
  account: string;
  /** Region id, or `global` for firewalls. */
  region: string;
  kind: LinodeEmulatorKind;
  resourceId: string;
  name: string;
  /** Seed vocabulary (`running`, `stopped`, …). */
  status: string;
  /** Linode's own status word, or null for kinds without one. */
  providerStatus: string | null;
  tags: Record<string, string>;
}

export interface LinodeEmulatorAccount {
  /** The account's euuid (what GET /account answers and scopes carry). */
  euuid: string;
  /** The personal access token the emulator accepts for it. */
  token: string;
  company: string;
}

/** One resource of the estate: its wire object plus what the expected result needs. */
export interface EstateItem {
  account: string;
  kind: LinodeEmulatorKind;
  resourceId: string;
  name: string;
  region: string;
  status: string;
  providerStatus: string | null;
  tags: Record<string, string>;
  /** The object as the API renders it. */
  wire: Record<string, unknown>;
  /** Monthly price in cents, for invoices (0: not billed on its own). */
  monthlyCents: number;
  /** The product as an invoice item names it, e.g. `Linode 4GB`. */
  product: string | null;
  /** For Linodes: vCPUs (stats), and whether it is running (stats only for running ones). */
  vcpus?: number;
}

export const defaultLinodeRegions = ["us-east", "eu-west", "ap-south", "us-ord"] as const;

/** [memory MB, plan id, product name, vCPUs, monthly cents] — a part of Linode's plan ladder. */
const plans = [
  [1024, "g6-nanode-1", "Nanode 1GB", 1, 500],
  [2048, "g6-standard-1", "Linode 2GB", 1, 1200],
  [4096, "g6-standard-2", "Linode 4GB", 2, 2400],
  [8192, "g6-standard-4", "Linode 8GB", 4, 4800],
  [16384, "g6-dedicated-8", "Dedicated 16GB", 8, 14400],
] as const;

// Linode status word → seed vocabulary, with a weight (most resources are healthy).
const instanceStates = [["running", "running", 8], ["offline", "stopped", 2], ["provisioning", "provisioning", 1], ["booting", "starting", 1]] as const;
const volumeStates = [["active", "running", 6], ["creating", "provisioning", 1]] as const;
const databaseStates = [["active", "running", 5], ["suspended", "stopped", 1], ["failed", "error", 1]] as const;
const clusterStates = [["ready", "running", 4], ["not_ready", "provisioning", 1]] as const;
const firewallStates = [["enabled", "running", 4], ["disabled", "stopped", 1]] as const;

function weighted<T extends readonly [string, string, number]>(rng: Rng, table: readonly T[]): T {
  const total = table.reduce((s, r) => s + r[2], 0);
  let x = rng.next() * total;
  for (const row of table) {
    x -= row[2];
    if (x < 0) return row;
  }
  return table[table.length - 1] as T;
}

const words = ["web", "api", "worker", "cache", "edge", "queue", "search", "auth", "media", "gallery", "rsvp", "venue"];

/** Wire tags from the tag map: `key:value`, or a bare `key` when the value is "true". */
export function tagList(tags: Record<string, string>): string[] {
  return Object.entries(tags).map(([k, v]) => (v === "true" ? k : `${k}:${v}`));
}

function linodeTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/**
 * A deterministic Linode estate: for each account, Linodes (each with a public and a private
 * IPv4), volumes, buckets, databases, VPCs, firewalls, NodeBalancers and LKE clusters, with the
 * relations between them, plus a few reserved IPs assigned to nothing.
 */
export class LinodeEstate {
  readonly accounts: LinodeEmulatorAccount[];
  readonly regions: readonly string[];
  readonly items = new Map<string, EstateItem>();
  #nextId = 1000;
  readonly #rng: Rng;
  /** When the estate was made: creation times fall before it. */
  readonly epochMs: number;

  constructor(seed: string, size: number, accountCount: number, regions: readonly string[], nowMs: number) {
    this.#rng = createRng(`linode:${seed}`);
    this.regions = regions;
    this.epochMs = nowMs;
    const rng = this.#rng;
    this.accounts = Array.from({ length: accountCount }, (_, i) => ({
      // The form Linode documents: 8-4-4-16 hex digits.
      euuid: `${rng.hex(8)}-${rng.hex(4)}-4${rng.hex(3)}-A${rng.hex(15)}`.toUpperCase(),
      token: rng.hex(64),
      company: `Wedding Supplier ${i + 1}`,
    }));
    const perAccount = Math.max(9, Math.floor(size / accountCount));
    for (const account of this.accounts) this.#generate(account.euuid, perAccount);
  }

  #id(): number {
    this.#nextId += this.#rng.int(1, 40);
    return this.#nextId;
  }

  #tags(): Record<string, string> {
    const rng = this.#rng;
    const tags: Record<string, string> = { env: rng.pick(["prod", "staging", "dev"]) };
    if (rng.next() < 0.25) tags["wedding-critical"] = "true";
    if (rng.next() < 0.5) tags.team = rng.pick(["platform", "bookings", "photos"]);
    return tags;
  }

  #created(): string {
    return linodeTime(this.epochMs - this.#rng.int(30, 900) * 86_400_000);
  }

  #put(item: EstateItem): EstateItem {
    this.items.set(item.resourceId, item);
    return item;
  }

  #generate(account: string, count: number): void {
    const rng = this.#rng;
    const n = (share: number) => Math.max(1, Math.round(count * share));
    const instances: EstateItem[] = [];
    const clusters: EstateItem[] = [];
    for (let i = 0; i < n(0.08); i++) {
      const id = this.#id();
      const [wireStatus, status] = weighted(rng, clusterStates);
      const tags = this.#tags();
      const ha = rng.next() < 0.4;
      const label = `lke-${rng.pick(words)}-${id}`;
      const region = rng.pick(this.regions);
      clusters.push(
        this.#put({
          account, kind: "linode_lke_cluster", resourceId: `lkecluster/${id}`, name: label, region, status, providerStatus: wireStatus, tags,
          monthlyCents: ha ? 6000 : 0, product: ha ? "LKE HA Control Plane" : null,
          wire: { id, label, region, k8s_version: "1.31", status: wireStatus, tags: tagList(tags), control_plane: { high_availability: ha }, tier: "standard", created: this.#created(), updated: this.#created() },
        }),
      );
    }
    for (let i = 0; i < n(0.3); i++) {
      const id = this.#id();
      const [memory, planId, product, vcpus, cents] = rng.pick(plans);
      const [wireStatus, status] = weighted(rng, instanceStates);
      const tags = this.#tags();
      const region = rng.pick(this.regions);
      const label = `${rng.pick(words)}-${id}`;
      const cluster = clusters.length > 0 && rng.next() < 0.25 ? rng.pick(clusters.filter((c) => c.region === region).length ? clusters.filter((c) => c.region === region) : clusters) : null;
      const publicIp = `172.${rng.int(16, 32)}.${rng.int(0, 256)}.${rng.int(1, 255)}`;
      const privateIp = `192.168.${rng.int(128, 256)}.${rng.int(1, 255)}`;
      const backups = rng.next() < 0.3;
      const item = this.#put({
        account, kind: "linode_instance", resourceId: `linode/${id}`, name: label, region, status, providerStatus: wireStatus, tags, monthlyCents: cents, product, vcpus,
        wire: {
          id, label, region, type: planId, status: wireStatus, tags: tagList(tags), group: "", image: "linode/ubuntu24.04", hypervisor: "kvm",
          specs: { disk: memory * 25, memory, vcpus, transfer: memory, gpus: 0 },
          ipv4: [publicIp, privateIp], ipv6: `2600:3c03::f03c:${rng.hex(4)}:${rng.hex(4)}:${rng.hex(4)}/128`,
          alerts: { cpu: 90 * vcpus, io: 10000, network_in: 10, network_out: 10, transfer_quota: 80 },
          backups: { enabled: backups, available: backups, schedule: { day: null, window: null }, last_successful: null },
          lke_cluster_id: cluster ? Number(cluster.resourceId.split("/")[1]) : null,
          watchdog_enabled: true, site_type: "core", placement_group: null, capabilities: [], has_user_data: false, locks: [],
          created: this.#created(), updated: this.#created(),
        },
      });
      instances.push(item);
      for (const [address, isPublic] of [[publicIp, true], [privateIp, false]] as const) {
        this.#put({
          account, kind: "linode_ip", resourceId: `ip/${address}`, name: address, region, status: "running", providerStatus: null, tags: {}, monthlyCents: 0, product: null,
          wire: {
            address, gateway: isPublic ? address.replace(/\.\d+$/, ".1") : null, subnet_mask: isPublic ? "255.255.255.0" : "255.255.128.0", prefix: isPublic ? 24 : 17,
            type: "ipv4", public: isPublic, rdns: isPublic ? `${address.replaceAll(".", "-")}.ip.linodeusercontent.com` : null, linode_id: id, interface_id: null, region, vpc_nat_1_1: null,
          },
        });
      }
    }
    for (let i = 0; i < n(0.04); i++) {
      // A reserved address assigned to nothing: billed, carrying no traffic.
      const address = `45.${rng.int(0, 256)}.${rng.int(0, 256)}.${rng.int(1, 255)}`;
      const region = rng.pick(this.regions);
      this.#put({
        account, kind: "linode_ip", resourceId: `ip/${address}`, name: address, region, status: "stopped", providerStatus: null, tags: {}, monthlyCents: 200, product: "Reserved IP Address",
        wire: { address, gateway: address.replace(/\.\d+$/, ".1"), subnet_mask: "255.255.255.0", prefix: 24, type: "ipv4", public: true, rdns: null, linode_id: null, interface_id: null, region, vpc_nat_1_1: null },
      });
    }
    for (let i = 0; i < n(0.12); i++) {
      const id = this.#id();
      const [wireStatus, status] = weighted(rng, volumeStates);
      const tags = this.#tags();
      const region = rng.pick(this.regions);
      const size = rng.pick([10, 20, 100, 500, 1024]);
      const attachTo = rng.next() < 0.6 ? instances.filter((x) => x.region === region && x.account === account) : [];
      const linode = attachTo.length > 0 ? rng.pick(attachTo) : null;
      const label = `vol-${rng.pick(words)}-${id}`;
      this.#put({
        account, kind: "linode_volume", resourceId: `volume/${id}`, name: label, region, status, providerStatus: wireStatus, tags, monthlyCents: size * 10, product: "Block Storage Volume",
        wire: {
          id, label, region, size, status: wireStatus, tags: tagList(tags), linode_id: linode ? Number(linode.resourceId.split("/")[1]) : null, linode_label: linode?.name ?? null,
          filesystem_path: `/dev/disk/by-id/scsi-0Linode_Volume_${label}`, hardware_type: "nvme", encryption: "enabled", created: this.#created(), updated: this.#created(),
        },
      });
    }
    for (let i = 0; i < n(0.08); i++) {
      const region = rng.pick(this.regions);
      const label = `${rng.pick(words)}-assets-${rng.hex(6)}`;
      const size = rng.int(0, 5_000) * 1_000_000;
      this.#put({
        account, kind: "linode_bucket", resourceId: `bucket/${region}/${label}`, name: label, region, status: "running", providerStatus: null, tags: {}, monthlyCents: 0, product: null,
        wire: {
          label, region, cluster: `${region}-1`, hostname: `${label}.${region}-1.linodeobjects.com`, s3_endpoint: `${region}-1.linodeobjects.com`, endpoint_type: "E1",
          objects: rng.int(0, 50_000), size, created: this.#created(),
        },
      });
    }
    const vpcs: EstateItem[] = [];
    for (let i = 0; i < n(0.06); i++) {
      const id = this.#id();
      const region = rng.pick(this.regions);
      const label = `vpc-${rng.pick(words)}-${id}`;
      vpcs.push(
        this.#put({
          account, kind: "linode_vpc", resourceId: `vpc/${id}`, name: label, region, status: "running", providerStatus: null, tags: {}, monthlyCents: 0, product: null,
          wire: {
            id, label, region, description: "", created: this.#created(), updated: this.#created(),
            subnets: [{ id: this.#id(), label: `${label}-a`, ipv4: "10.0.0.0/24", linodes: [], databases: [], nodebalancers: [], created: this.#created(), updated: this.#created() }],
          },
        }),
      );
    }
    for (let i = 0; i < n(0.06); i++) {
      const id = this.#id();
      const [wireStatus, status] = weighted(rng, databaseStates);
      const tags = this.#tags();
      const region = rng.pick(this.regions);
      const [, planId, , , cents] = rng.pick(plans);
      const engine = rng.pick(["mysql", "postgresql"]);
      const label = `db-${rng.pick(words)}-${id}`;
      const vpc = vpcs.find((v) => v.region === region && v.account === account);
      this.#put({
        account, kind: "linode_database", resourceId: `database/${id}`, name: label, region, status, providerStatus: wireStatus, tags, monthlyCents: cents * 2, product: "Managed Database",
        wire: {
          id, label, region, type: planId, engine, version: engine === "mysql" ? "8.0.35" : "16.4", status: wireStatus, tags: tagList(tags), cluster_size: rng.pick([1, 3]),
          encrypted: true, platform: "rdbms-default", allow_list: ["203.0.113.1/32"], hosts: { primary: `a${id}-akamai-prod.db.linodeapi.net`, secondary: null },
          private_network: vpc ? { vpc_id: Number(vpc.resourceId.split("/")[1]), subnet_id: (vpc.wire.subnets as { id: number }[])[0]?.id ?? null, public_access: false } : null,
          updates: { frequency: "weekly", duration: 3, hour_of_day: 0, day_of_week: 1 }, created: this.#created(), updated: this.#created(),
        },
      });
    }
    const balancers: EstateItem[] = [];
    for (let i = 0; i < n(0.06); i++) {
      const id = this.#id();
      const tags = this.#tags();
      const region = rng.pick(this.regions);
      const label = `nb-${rng.pick(words)}-${id}`;
      const pool = instances.filter((x) => x.region === region && x.account === account);
      const backends = pool.length > 0 ? [...new Set([rng.pick(pool), rng.pick(pool)])] : [];
      const configId = this.#id();
      balancers.push(
        this.#put({
          account, kind: "linode_nodebalancer", resourceId: `nodebalancer/${id}`, name: label, region, status: "running", providerStatus: null, tags, monthlyCents: 1000, product: "NodeBalancer",
          wire: {
            id, label, region, hostname: `nb-${id}.${region}.nodebalancer.linode.com`, ipv4: `139.${rng.int(0, 256)}.${rng.int(0, 256)}.${rng.int(1, 255)}`, ipv6: null,
            client_conn_throttle: 0, tags: tagList(tags), transfer: { in: 10.5, out: 20.25, total: 30.75 }, type: "common", lke_cluster: null, frontend_address_type: "public",
            frontend_vpc_subnet_id: null, created: this.#created(), updated: this.#created(),
            // Not part of the NodeBalancer's wire object: served by /configs and /configs/{id}/nodes.
            _configs: [{
              id: configId, port: 80, protocol: "http", algorithm: "roundrobin", stickiness: "none", check: "connection", check_interval: 5, check_timeout: 3, check_attempts: 2,
              check_path: "", check_body: "", check_passive: true, proxy_protocol: "none", cipher_suite: "recommended", ssl_commonname: "", ssl_fingerprint: "", ssl_cert: null, ssl_key: null,
              nodebalancer_id: id, nodes_status: { up: backends.length, down: 0 },
              _nodes: backends.map((b, k) => ({
                id: this.#id(), address: `${(b.wire.ipv4 as string[])[1]}:80`, label: `node-${k}`, status: "UP", weight: 100, mode: "accept", config_id: configId, nodebalancer_id: id,
              })),
            }],
          },
        }),
      );
    }
    for (let i = 0; i < n(0.06); i++) {
      const id = this.#id();
      const [wireStatus, status] = weighted(rng, firewallStates);
      const tags = this.#tags();
      const label = `fw-${rng.pick(words)}-${id}`;
      const mine = instances.filter((x) => x.account === account);
      const guarded = [...new Set([rng.pick(mine), ...(rng.next() < 0.5 ? [rng.pick(mine)] : []), ...(balancers.length && rng.next() < 0.3 ? [rng.pick(balancers)] : [])])];
      this.#put({
        account, kind: "linode_firewall", resourceId: `firewall/${id}`, name: label, region: "global", status, providerStatus: wireStatus, tags, monthlyCents: 0, product: null,
        wire: {
          id, label, status: wireStatus, tags: tagList(tags),
          rules: { inbound: [{ action: "ACCEPT", protocol: "TCP", ports: "443", addresses: { ipv4: ["0.0.0.0/0"] }, label: "https" }], inbound_policy: "DROP", outbound: [], outbound_policy: "ACCEPT", fingerprint: rng.hex(8), version: 1 },
          entities: guarded.map((g) => {
            const [type, gid] = g.resourceId.split("/") as [string, string];
            return { id: Number(gid), type, label: g.name, url: `/v4/${type === "linode" ? "linode/instances" : "nodebalancers"}/${gid}`, parent_entity: null };
          }),
          created: this.#created(), updated: this.#created(),
        },
      });
    }
  }

  /** The items of one account and kind, in id order (the API's default order). */
  list(account: string, kind: LinodeEmulatorKind): EstateItem[] {
    return [...this.items.values()].filter((i) => i.account === account && i.kind === kind);
  }

  accountOfToken(token: string): LinodeEmulatorAccount | undefined {
    return this.accounts.find((a) => a.token === token);
  }

  expected(): LinodeExpectedResource[] {
    return [...this.items.values()].map((i) => ({
      account: i.account, region: i.region, kind: i.kind, resourceId: i.resourceId, name: i.name, status: i.status, providerStatus: i.providerStatus, tags: { ...i.tags },
    }));
  }

  remove(resourceId: string): boolean {
    return this.items.delete(resourceId);
  }

  retag(resourceId: string, tags: Record<string, string>): boolean {
    const item = this.items.get(resourceId);
    if (!item || !Array.isArray(item.wire.tags)) return false;
    item.tags = { ...tags };
    item.wire.tags = tagList(tags);
    return true;
  }
}
