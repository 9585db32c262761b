import { createRng, type Rng } from "../rng.ts";

/**
 * A seeded DigitalOcean estate: teams, each with droplets, volumes, managed databases, VPCs,
 * firewalls, reserved IPs, load balancers, CDN endpoints and Kubernetes clusters, rendered in
 * the API v2 JSON shapes (snake_case, as https://docs.digitalocean.com/reference/api/ shows them).
 * Estates here are small (a team holds hundreds of resources, not millions), so items are
 * materialized once; removals and retags edit them in place.
 */

/** The regions `/v2/regions` lists: slug, name, and whether new resources may be created there. */
export const doEmulatorRegions = [
  { slug: "nyc1", name: "New York 1", available: true },
  { slug: "nyc3", name: "New York 3", available: true },
  { slug: "sfo3", name: "San Francisco 3", available: true },
  { slug: "tor1", name: "Toronto 1", available: true },
  { slug: "ams3", name: "Amsterdam 3", available: true },
  { slug: "lon1", name: "London 1", available: true },
  { slug: "fra1", name: "Frankfurt 1", available: true },
  { slug: "blr1", name: "Bangalore 1", available: true },
  { slug: "sgp1", name: "Singapore 1", available: true },
  { slug: "syd1", name: "Sydney 1", available: true },
] as const;

/** Where the estate's resources live (a subset, so each region holds several). */
const usedRegions = ["nyc3", "sfo3", "ams3", "fra1", "sgp1"] as const;

export const doEmulatorKinds = [
  "do_droplet",
  "do_volume",
  "do_database",
  "do_vpc",
  "do_firewall",
  "do_reserved_ip",
  "do_load_balancer",
  "do_cdn_endpoint",
  "do_kubernetes_cluster",
] as const;
export type DoEmulatorKind = (typeof doEmulatorKinds)[number];

/** The collection each kind is listed under: its path below `/v2` and the JSON key of its array. */
export const doCollections: Readonly<Record<DoEmulatorKind, { path: string; key: string }>> = {
  do_droplet: { path: "droplets", key: "droplets" },
  do_volume: { path: "volumes", key: "volumes" },
  do_database: { path: "databases", key: "databases" },
  do_vpc: { path: "vpcs", key: "vpcs" },
  do_firewall: { path: "firewalls", key: "firewalls" },
  do_reserved_ip: { path: "reserved_ips", key: "reserved_ips" },
  do_load_balancer: { path: "load_balancers", key: "load_balancers" },
  do_cdn_endpoint: { path: "cdn/endpoints", key: "endpoints" },
  do_kubernetes_cluster: { path: "kubernetes/clusters", key: "kubernetes_clusters" },
};

/** What the adapter is expected to report for one resource, worked out here, not by the adapter. */
export interface DoExpectedResource {
  account: string;
  region: string;
  kind: DoEmulatorKind;
  resourceId: string;
  name: string;
  /** Seed vocabulary (`running`, `stopped`, …). */
  status: string;
  tags: Record<string, string>;
}

export interface DoTeam {
  /** The team's UUID, as `/v2/account` reports it under `team.uuid`. */
  teamId: string;
  name: string;
  /** A personal access token scoped to this team (`dop_v1_` and 64 hex digits). */
  token: string;
}

export interface DoItem {
  kind: DoEmulatorKind;
  team: string;
  id: string;
  raw: Record<string, unknown>;
  expected: DoExpectedResource;
}

// Per kind: share of the estate (droplets dominate, as in real teams).
const weights: Readonly<Record<DoEmulatorKind, number>> = {
  do_droplet: 8,
  do_volume: 4,
  do_database: 2,
  do_vpc: 1,
  do_firewall: 1,
  do_reserved_ip: 2,
  do_load_balancer: 1,
  do_cdn_endpoint: 1,
  do_kubernetes_cluster: 1,
};

const dropletSizes = [
  { slug: "s-1vcpu-512mb-10gb", vcpus: 1, memory: 512, disk: 10, price: "4.00" },
  { slug: "s-1vcpu-1gb", vcpus: 1, memory: 1024, disk: 25, price: "6.00" },
  { slug: "s-2vcpu-4gb", vcpus: 2, memory: 4096, disk: 80, price: "24.00" },
  { slug: "g-4vcpu-16gb", vcpus: 4, memory: 16384, disk: 50, price: "126.00" },
  { slug: "c-16", vcpus: 16, memory: 32768, disk: 200, price: "336.00" },
] as const;

// Droplet states: `new`, `active`, `off`, `archive` (API reference, Droplet `status`).
const dropletStates = ["active", "active", "active", "active", "off", "new"] as const;
const dropletStatusOf: Record<string, string> = { new: "provisioning", active: "running", off: "stopped", archive: "terminated" };
const databaseStatusOf: Record<string, string> = { creating: "provisioning", online: "running", resizing: "running", migrating: "running", forking: "provisioning" };
const lbStatusOf: Record<string, string> = { new: "provisioning", active: "running", errored: "error" };
const k8sStatusOf: Record<string, string> = { running: "running", provisioning: "provisioning", degraded: "error", upgrading: "running" };

const tagSets: readonly string[][] = [
  ["env:production", "wedding-critical"],
  ["env:staging"],
  ["env:prod", "team:web"],
  ["env:dev"],
  [],
  ["environment:production", "wedding-critical:false"],
];

/** `key:value` tags become key → value, a bare tag key → "true" (the adapter's documented rule, computed here on its own). */
export function expectedTags(tags: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags) {
    const i = tag.indexOf(":");
    if (i < 0) out[tag] = "true";
    else out[tag.slice(0, i)] = tag.slice(i + 1);
  }
  return out;
}

function uuid(rng: Rng): string {
  const h = rng.hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function isoAt(rng: Rng): string {
  const day = rng.int(0, 900);
  return new Date(Date.UTC(2024, 0, 1) + day * 86_400_000 + rng.int(0, 86_400) * 1000).toISOString().replace(".000Z", "Z");
}

function regionObject(slug: string): Record<string, unknown> {
  const r = doEmulatorRegions.find((x) => x.slug === slug);
  return { name: r?.name ?? slug, slug, features: ["backups", "ipv6", "metadata", "storage"], available: true, sizes: dropletSizes.map((s) => s.slug) };
}

export class DoEstate {
  readonly teams: readonly DoTeam[];
  private readonly items = new Map<string, DoItem[]>();

  constructor(seed: string, size: number, teamCount: number) {
    const rng = createRng(`${seed}/digitalocean`);
    this.teams = Array.from({ length: teamCount }, (_, i) => ({
      teamId: uuid(rng),
      name: i === 0 ? "wedding-platform" : `team-${i + 1}`,
      token: `dop_v1_${rng.hex(64)}`,
    }));
    const total = Object.values(weights).reduce((s, w) => s + w, 0);
    const teamWeights = this.teams.map((_, i) => 1 / (i + 1));
    const teamTotal = teamWeights.reduce((s, w) => s + w, 0);
    for (const [t, team] of this.teams.entries()) {
      const teamSize = Math.max(doEmulatorKinds.length, Math.round((size * (teamWeights[t] ?? 0)) / teamTotal));
      const list: DoItem[] = [];
      // VPCs first: other kinds name them.
      const counts = Object.fromEntries(doEmulatorKinds.map((k) => [k, Math.max(1, Math.round((teamSize * weights[k]) / total))])) as Record<DoEmulatorKind, number>;
      const vpcs: { id: string; region: string }[] = [];
      for (let i = 0; i < counts.do_vpc; i++) {
        const region = usedRegions[i % usedRegions.length] as string;
        const id = uuid(rng);
        vpcs.push({ id, region });
        list.push(this.item(team, "do_vpc", id, `${region}-vpc-${i + 1}`, region, "running", [], {
          id,
          urn: `do:vpc:${id}`,
          name: `${region}-vpc-${i + 1}`,
          description: "",
          region,
          ip_range: `10.${(t * 16 + i) % 250}.0.0/20`,
          default: i < usedRegions.length,
          created_at: isoAt(rng),
        }));
      }
      const vpcIn = (region: string) => vpcs.find((v) => v.region === region)?.id ?? null;
      const droplets: { id: number; region: string }[] = [];
      for (let i = 0; i < counts.do_droplet; i++) {
        const region = rng.pick(usedRegions);
        const size = rng.pick(dropletSizes);
        const state = rng.pick(dropletStates);
        const tags = rng.pick(tagSets);
        const id = 300_000_000 + t * 1_000_000 + i;
        droplets.push({ id, region });
        const name = `web-${t + 1}-${i + 1}`;
        list.push(this.item(team, "do_droplet", String(id), name, region, dropletStatusOf[state] as string, tags, {
          id,
          name,
          memory: size.memory,
          vcpus: size.vcpus,
          disk: size.disk,
          locked: false,
          status: state,
          kernel: null,
          created_at: isoAt(rng),
          features: ["monitoring", "private_networking"],
          backup_ids: [],
          next_backup_window: null,
          snapshot_ids: [],
          image: { id: 129211873, name: "24.04 (LTS) x64", distribution: "Ubuntu", slug: "ubuntu-24-04-x64", public: true, regions: [region], type: "base", min_disk_size: 7, size_gigabytes: 2.36, created_at: "2023-05-01T00:00:00Z" },
          volume_ids: [],
          size: { slug: size.slug, memory: size.memory, vcpus: size.vcpus, disk: size.disk, transfer: 1, price_monthly: Number(size.price), price_hourly: Number(size.price) / 744, regions: [region], available: true, description: "Basic" },
          size_slug: size.slug,
          networks: {
            v4: [
              { ip_address: `10.${t}.${i >> 8}.${i & 255}`, netmask: "255.255.240.0", gateway: "10.0.0.1", type: "private" },
              { ip_address: `164.90.${t}.${i & 255}`, netmask: "255.255.240.0", gateway: "164.90.0.1", type: "public" },
            ],
            v6: [],
          },
          region: regionObject(region),
          tags,
          vpc_uuid: vpcIn(region),
        }));
      }
      const dropletItem = (id: number) => list.find((x) => x.kind === "do_droplet" && x.id === String(id));
      for (let i = 0; i < counts.do_volume; i++) {
        const region = rng.pick(usedRegions);
        const attachTo = droplets.filter((d) => d.region === region)[i % 3];
        const id = uuid(rng);
        const tags = rng.pick(tagSets);
        const gb = rng.pick([10, 50, 100, 500, 1000, 4000]);
        const name = `data-${t + 1}-${i + 1}`;
        list.push(this.item(team, "do_volume", id, name, region, attachTo ? "running" : "stopped", tags, {
          id,
          region: regionObject(region),
          droplet_ids: attachTo ? [attachTo.id] : [],
          name,
          description: "Block store for examples",
          size_gigabytes: gb,
          created_at: isoAt(rng),
          filesystem_type: "ext4",
          filesystem_label: "",
          tags,
        }));
        // The droplet names its volumes too, as the API does.
        const owner = attachTo ? dropletItem(attachTo.id) : undefined;
        if (owner) (owner.raw.volume_ids as string[]).push(id);
      }
      for (let i = 0; i < counts.do_database; i++) {
        const region = rng.pick(usedRegions);
        const engine = rng.pick(["pg", "mysql", "redis", "mongodb"] as const);
        const state = rng.pick(["online", "online", "online", "resizing", "creating"] as const);
        const id = uuid(rng);
        const tags = rng.pick(tagSets);
        const name = `${engine}-${t + 1}-${i + 1}`;
        list.push(this.item(team, "do_database", id, name, region, databaseStatusOf[state] as string, tags, {
          id,
          name,
          engine,
          version: engine === "pg" ? "16" : engine === "mysql" ? "8" : "7",
          semantic_version: engine === "pg" ? "16.4" : "8.0.35",
          num_nodes: rng.pick([1, 2, 3]),
          size: rng.pick(["db-s-1vcpu-1gb", "db-s-2vcpu-4gb", "gd-8vcpu-32gb"]),
          region,
          status: state,
          created_at: isoAt(rng),
          private_network_uuid: vpcIn(region),
          tags,
          db_names: engine === "pg" || engine === "mysql" ? ["defaultdb"] : null,
          connection: { protocol: engine === "pg" ? "postgresql" : engine, host: `${name}.db.ondigitalocean.com`, port: 25060, ssl: true, database: "defaultdb", user: "doadmin" },
          maintenance_window: { day: "tuesday", hour: "08:00:00", pending: false, description: [] },
          storage_size_mib: 30720,
        }));
      }
      for (let i = 0; i < counts.do_firewall; i++) {
        const id = uuid(rng);
        const members = droplets.slice(i * 2, i * 2 + 3).map((d) => d.id);
        const state = rng.pick(["succeeded", "succeeded", "waiting", "failed"] as const);
        const tags = rng.pick(tagSets);
        const name = `firewall-${t + 1}-${i + 1}`;
        list.push(this.item(team, "do_firewall", id, name, "global", { waiting: "provisioning", succeeded: "running", failed: "error" }[state], tags, {
          id,
          status: state,
          created_at: isoAt(rng),
          pending_changes: [],
          name,
          droplet_ids: members,
          tags,
          inbound_rules: [{ protocol: "tcp", ports: "443", sources: { addresses: ["0.0.0.0/0", "::/0"] } }],
          outbound_rules: [{ protocol: "tcp", ports: "all", destinations: { addresses: ["0.0.0.0/0", "::/0"] } }],
        }));
      }
      for (let i = 0; i < counts.do_reserved_ip; i++) {
        const region = rng.pick(usedRegions);
        const target = i % 2 === 0 ? droplets.find((d) => d.region === region) : undefined;
        const ip = `45.55.${t}.${i + 1}`;
        const targetItem = target ? dropletItem(target.id) : undefined;
        list.push(this.item(team, "do_reserved_ip", ip, ip, region, target ? "running" : "stopped", [], {
          ip,
          region: regionObject(region),
          droplet: targetItem ? targetItem.raw : null,
          locked: false,
          project_id: uuid(rng),
        }));
      }
      for (let i = 0; i < counts.do_load_balancer; i++) {
        const region = rng.pick(usedRegions);
        const members = droplets.filter((d) => d.region === region).slice(0, 3).map((d) => d.id);
        const state = rng.pick(["active", "active", "new", "errored"] as const);
        const id = uuid(rng);
        const name = `lb-${t + 1}-${i + 1}`;
        list.push(this.item(team, "do_load_balancer", id, name, region, lbStatusOf[state] as string, [], {
          id,
          name,
          ip: `104.131.${t}.${i + 1}`,
          size_unit: rng.pick([1, 2, 4]),
          size: "lb-small",
          algorithm: "round_robin",
          status: state,
          created_at: isoAt(rng),
          forwarding_rules: [{ entry_protocol: "https", entry_port: 443, target_protocol: "http", target_port: 80, certificate_id: "", tls_passthrough: false }],
          health_check: { protocol: "http", port: 80, path: "/", check_interval_seconds: 10, response_timeout_seconds: 5, healthy_threshold: 5, unhealthy_threshold: 3 },
          sticky_sessions: { type: "none" },
          region: regionObject(region),
          tag: "",
          droplet_ids: members,
          redirect_http_to_https: false,
          enable_proxy_protocol: false,
          enable_backend_keepalive: false,
          vpc_uuid: vpcIn(region),
          disable_lets_encrypt_dns_records: false,
          firewall: { deny: [], allow: [] },
        }));
      }
      for (let i = 0; i < counts.do_cdn_endpoint; i++) {
        const id = uuid(rng);
        const bucket = `static-${t + 1}-${i + 1}`;
        const origin = `${bucket}.${rng.pick(usedRegions)}.digitaloceanspaces.com`;
        list.push(this.item(team, "do_cdn_endpoint", id, origin, "global", "running", [], {
          id,
          origin,
          endpoint: `${bucket}.${origin.split(".")[1]}.cdn.digitaloceanspaces.com`,
          created_at: isoAt(rng),
          ttl: 3600,
        }));
      }
      for (let i = 0; i < counts.do_kubernetes_cluster; i++) {
        const region = rng.pick(usedRegions);
        const state = rng.pick(["running", "running", "provisioning", "degraded"] as const);
        const id = uuid(rng);
        const tags = rng.pick(tagSets);
        const name = `k8s-${t + 1}-${i + 1}`;
        const nodeCount = rng.pick([1, 3, 5]);
        list.push(this.item(team, "do_kubernetes_cluster", id, name, region, k8sStatusOf[state] as string, tags, {
          id,
          name,
          region,
          version: "1.31.1-do.4",
          cluster_subnet: "10.244.0.0/16",
          service_subnet: "10.245.0.0/16",
          vpc_uuid: vpcIn(region),
          ipv4: `68.183.${t}.${i + 1}`,
          endpoint: `https://${id}.k8s.ondigitalocean.com`,
          // DOKS adds its own `k8s` and `k8s:<id>` tags to every cluster.
          tags: [...tags, "k8s", `k8s:${id}`],
          node_pools: [{ id: uuid(rng), name: "default-pool", size: "s-2vcpu-4gb", count: nodeCount, tags: ["k8s", `k8s:${id}`, "k8s:worker"], auto_scale: false, min_nodes: 0, max_nodes: 0, nodes: [] }],
          maintenance_policy: { start_time: "00:00", duration: "4h0m0s", day: "any" },
          auto_upgrade: false,
          status: { state, message: state === "degraded" ? "cluster is degraded" : "" },
          created_at: isoAt(rng),
          updated_at: isoAt(rng),
          surge_upgrade: true,
          registry_enabled: false,
          ha: false,
        }));
      }
      this.items.set(team.teamId, list);
    }
  }

  private item(team: DoTeam, kind: DoEmulatorKind, id: string, name: string, region: string, status: string, tags: readonly string[], raw: Record<string, unknown>): DoItem {
    const ownTags = kind === "do_kubernetes_cluster" ? [...tags, "k8s", `k8s:${id}`] : tags;
    return { kind, team: team.teamId, id, raw, expected: { account: team.teamId, region, kind, resourceId: id, name, status, tags: expectedTags(ownTags) } };
  }

  team(token: string): DoTeam | undefined {
    return this.teams.find((t) => t.token === token);
  }

  list(teamId: string, kind: DoEmulatorKind): DoItem[] {
    return (this.items.get(teamId) ?? []).filter((i) => i.kind === kind);
  }

  /** Team by team, kind by kind in `doEmulatorKinds` order (droplets first). */
  *expected(): Generator<DoExpectedResource> {
    for (const team of this.teams) for (const kind of doEmulatorKinds) for (const item of this.list(team.teamId, kind)) yield item.expected;
  }

  find(id: string): DoItem | undefined {
    for (const list of this.items.values()) {
      const found = list.find((i) => i.id === id);
      if (found) return found;
    }
    return undefined;
  }

  remove(id: string): boolean {
    for (const list of this.items.values()) {
      const at = list.findIndex((i) => i.id === id);
      if (at >= 0) {
        list.splice(at, 1);
        return true;
      }
    }
    return false;
  }

  /** Replaces a resource's tags (given as the API's flat strings). Reserved IPs and CDN endpoints carry none. */
  retag(id: string, tags: readonly string[]): boolean {
    const item = this.find(id);
    if (!item || !("tags" in item.raw)) return false;
    item.raw.tags = [...tags];
    item.expected.tags = expectedTags(tags);
    return true;
  }

  droplets(teamId: string): DoItem[] {
    return this.list(teamId, "do_droplet");
  }
}
