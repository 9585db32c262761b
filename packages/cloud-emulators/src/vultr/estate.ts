import { createRng, hashString } from "../rng.ts";

/**
 * A deterministic Vultr estate: for each account (one API key each), items of every kind the
 * Vultr API v2 lists, rendered in the documented JSON shapes (vultr.com/api, cross-checked with
 * the govultr structs). What the adapter should report (`expected`) is computed here from the
 * generated facts, not from the rendered JSON, so the normalizers are checked independently.
 */

export const vultrEmulatorKinds = [
  "vultr_instance",
  "vultr_bare_metal",
  "vultr_block_storage",
  "vultr_object_storage",
  "vultr_database",
  "vultr_vpc",
  "vultr_vpc2",
  "vultr_firewall_group",
  "vultr_reserved_ip",
  "vultr_load_balancer",
  "vultr_kubernetes_cluster",
] as const;
export type VultrEmulatorKind = (typeof vultrEmulatorKinds)[number];

/** List path and the key the list is under in the answer, per kind (Vultr API v2). */
export const vultrKindPaths: Readonly<Record<VultrEmulatorKind, { path: string; key: string }>> = {
  vultr_instance: { path: "/v2/instances", key: "instances" },
  vultr_bare_metal: { path: "/v2/bare-metals", key: "bare_metals" },
  vultr_block_storage: { path: "/v2/blocks", key: "blocks" },
  vultr_object_storage: { path: "/v2/object-storage", key: "object_storages" },
  vultr_database: { path: "/v2/databases", key: "databases" },
  vultr_vpc: { path: "/v2/vpcs", key: "vpcs" },
  vultr_vpc2: { path: "/v2/vpc2", key: "vpcs" },
  vultr_firewall_group: { path: "/v2/firewalls", key: "firewall_groups" },
  vultr_reserved_ip: { path: "/v2/reserved-ips", key: "reserved_ips" },
  vultr_load_balancer: { path: "/v2/load-balancers", key: "load_balancers" },
  vultr_kubernetes_cluster: { path: "/v2/kubernetes/clusters", key: "vke_clusters" },
};

/** Regions as `GET /v2/regions` lists them. */
export const vultrEmulatorRegions = [
  { id: "ewr", city: "New Jersey", country: "US", continent: "North America", options: ["ddos_protection", "block_storage_high_perf"] },
  { id: "ord", city: "Chicago", country: "US", continent: "North America", options: ["ddos_protection"] },
  { id: "lax", city: "Los Angeles", country: "US", continent: "North America", options: ["ddos_protection", "block_storage_storage_opt"] },
  { id: "ams", city: "Amsterdam", country: "NL", continent: "Europe", options: ["ddos_protection", "block_storage_high_perf"] },
  { id: "fra", city: "Frankfurt", country: "DE", continent: "Europe", options: ["ddos_protection"] },
  { id: "lhr", city: "London", country: "GB", continent: "Europe", options: ["ddos_protection", "block_storage_storage_opt"] },
  { id: "nrt", city: "Tokyo", country: "JP", continent: "Asia", options: ["ddos_protection"] },
  { id: "syd", city: "Sydney", country: "AU", continent: "Australia", options: ["ddos_protection"] },
] as const;

export interface VultrExpectedResource {
  account: string;
  /** Region id (`ewr`), or `global` for firewall groups. */
  region: string;
  kind: VultrEmulatorKind;
  resourceId: string;
  name: string;
  /** Seed vocabulary (`running`, `stopped`, `provisioning`, …). */
  status: string;
  tags: Record<string, string>;
}

export interface VultrAccountConfig {
  /** What cloudsync calls the account (a sub-account's name). */
  account: string;
  apiKey: string;
}

export interface VultrItem {
  kind: VultrEmulatorKind;
  id: string;
  region: string;
  label: string;
  status: string;
  tags: Record<string, string>;
  /** The facts the JSON is rendered from. */
  facts: Record<string, unknown>;
  created: string;
}

const envs = ["prod", "staging", "dev"] as const;
const plans = [
  { id: "vc2-1c-1gb", vcpu: 1, ram: 1024, disk: 25 },
  { id: "vc2-2c-4gb", vcpu: 2, ram: 4096, disk: 80 },
  { id: "vhp-4c-8gb-amd", vcpu: 4, ram: 8192, disk: 180 },
  { id: "voc-c-8c-16gb-150s-amd", vcpu: 8, ram: 16384, disk: 150 },
];

/** Vultr ids are UUIDs; made from the seed so an estate is the same on every run. */
function uuid(seed: string): string {
  const r = createRng(seed);
  const h = r.hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export class VultrEstate {
  private readonly items = new Map<string, VultrItem[]>();

  constructor(
    readonly seed: string,
    size: number,
    readonly accounts: readonly VultrAccountConfig[],
  ) {
    const perAccount = Math.max(vultrEmulatorKinds.length, Math.floor(size / accounts.length));
    for (const { account } of accounts) this.items.set(account, this.generate(account, perAccount));
  }

  private generate(account: string, count: number): VultrItem[] {
    const rng = createRng(`${this.seed}:${account}`);
    const out: VultrItem[] = [];
    for (let i = 0; i < count; i++) {
      const kind = vultrEmulatorKinds[i % vultrEmulatorKinds.length] as VultrEmulatorKind;
      const region = kind === "vultr_firewall_group" ? "global" : rng.pick(vultrEmulatorRegions).id;
      const env = rng.pick(envs);
      const tags: Record<string, string> = { env };
      if (rng.next() < 0.3) tags.team = rng.pick(["florist", "venue", "catering"]);
      // A bare `wedding-critical` tag is how Vultr users mark what must not fail on the day.
      if (env === "prod" && rng.next() < 0.5) tags["wedding-critical"] = "true";
      const id = uuid(`${this.seed}:${account}:${i}`);
      const created = new Date(Date.UTC(2025, rng.int(0, 12), rng.int(1, 28), rng.int(0, 24))).toISOString().replace(".000Z", "+00:00");
      out.push({ kind, id, region, label: `${kind.slice(6).replaceAll("_", "-")}-${env}-${i}`, status: "", tags, facts: { n: i, r: rng.next(), plan: rng.pick(plans) }, created });
    }
    // Links between items of the same account: volumes, load balancers, firewalls name instances.
    const instances = out.filter((x) => x.kind === "vultr_instance");
    for (const item of out) {
      const r = item.facts.r as number;
      item.status = statusOf(item.kind, r);
      const sameRegion = instances.filter((x) => x.region === item.region);
      if (item.kind === "vultr_block_storage") item.facts.attached = r < 0.6 && sameRegion[0] ? sameRegion[0].id : "";
      if (item.kind === "vultr_load_balancer") item.facts.instances = sameRegion.slice(0, 2).map((x) => x.id);
      if (item.kind === "vultr_reserved_ip") item.facts.instance = r < 0.5 && sameRegion[0] ? sameRegion[0].id : "";
    }
    const firewall = out.find((x) => x.kind === "vultr_firewall_group");
    for (const inst of instances) inst.facts.firewall = firewall && (inst.facts.r as number) < 0.5 ? firewall.id : "";
    return out;
  }

  list(account: string, kind: VultrEmulatorKind): VultrItem[] {
    return (this.items.get(account) ?? []).filter((x) => x.kind === kind);
  }

  all(account: string): VultrItem[] {
    return this.items.get(account) ?? [];
  }

  find(id: string): { account: string; item: VultrItem } | undefined {
    for (const [account, items] of this.items) {
      const item = items.find((x) => x.id === id);
      if (item) return { account, item };
    }
    return undefined;
  }

  remove(id: string): boolean {
    for (const items of this.items.values()) {
      const i = items.findIndex((x) => x.id === id);
      if (i >= 0) {
        items.splice(i, 1);
        return true;
      }
    }
    return false;
  }

  retag(id: string, tags: Record<string, string>): boolean {
    const found = this.find(id);
    if (!found) return false;
    found.item.tags = { ...tags };
    return true;
  }

  *expected(): Generator<VultrExpectedResource> {
    for (const [account, items] of this.items) {
      for (const item of items) {
        yield { account, region: item.region, kind: item.kind, resourceId: item.id, name: item.label, status: expectedStatus(item), tags: tagsCarried(item) };
      }
    }
  }
}

/**
 * Only instances and bare metal carry a `tags` array; a database carries one `tag` string;
 * the other kinds carry none (their API objects have no tag field).
 */
function tagsCarried(item: VultrItem): Record<string, string> {
  if (item.kind === "vultr_instance" || item.kind === "vultr_bare_metal") return { ...item.tags };
  if (item.kind === "vultr_database") {
    const first = Object.entries(item.tags)[0];
    return first ? { [first[0]]: first[1] } : {};
  }
  return {};
}

/** The provider's own state word, per kind, as the API reports it. */
function statusOf(kind: VultrEmulatorKind, r: number): string {
  switch (kind) {
    case "vultr_instance":
    case "vultr_bare_metal":
      return r < 0.1 ? "pending" : r < 0.15 ? "suspended" : "active";
    case "vultr_database":
      return r < 0.1 ? "Rebuilding" : "Running";
    case "vultr_kubernetes_cluster":
      return r < 0.1 ? "pending" : "active";
    case "vultr_block_storage":
    case "vultr_object_storage":
    case "vultr_load_balancer":
      return r < 0.1 ? "pending" : "active";
    default:
      return "";
  }
}

/** Computed from the facts, independently of the adapter's normalizer. */
function expectedStatus(item: VultrItem): string {
  const r = item.facts.r as number;
  if (item.kind === "vultr_instance" || item.kind === "vultr_bare_metal") {
    if (item.status === "pending") return "provisioning";
    if (item.status === "suspended") return "stopped";
    return r > 0.9 ? "stopped" : "running";
  }
  if (item.status === "pending" || item.status === "Rebuilding") return "provisioning";
  return "running";
}

/** Vultr tags are plain strings: `key:value`, or a bare word (a flag) when the value is "true". */
export function renderTags(tags: Record<string, string>): string[] {
  return Object.entries(tags).map(([k, v]) => (v === "true" ? k : `${k}:${v}`));
}

/** The item as the list endpoint renders it. */
export function renderItem(item: VultrItem): Record<string, unknown> {
  const f = item.facts as { r: number; plan: { id: string; vcpu: number; ram: number; disk: number }; attached?: string; instances?: string[]; instance?: string; firewall?: string };
  const tags = renderTags(item.tags);
  const base = { id: item.id, date_created: item.created };
  switch (item.kind) {
    case "vultr_instance":
      return {
        ...base, os: "Ubuntu 24.04 LTS x64", ram: f.plan.ram, disk: f.plan.disk, main_ip: `45.76.${f.r * 250 | 0}.10`, vcpu_count: f.plan.vcpu,
        region: item.region, plan: f.plan.id, allowed_bandwidth: 2000, netmask_v4: "255.255.254.0", gateway_v4: "45.76.0.1",
        status: item.status, power_status: f.r > 0.9 ? "stopped" : "running", server_status: item.status === "active" ? "ok" : "none",
        v6_network: "", v6_main_ip: "", v6_network_size: 0, label: item.label, internal_ip: "", kvm: "", hostname: item.label, tag: "",
        tags, os_id: 2284, app_id: 0, image_id: "", firewall_group_id: f.firewall ?? "", features: [], user_scheme: "root",
      };
    case "vultr_bare_metal":
      return {
        ...base, os: "Ubuntu 24.04 LTS x64", ram: `${f.plan.ram * 8} MB`, disk: "2x 960GB SSD", main_ip: "207.148.1.1", cpu_count: f.plan.vcpu * 4,
        region: item.region, default_password: undefined, status: item.status, netmask_v4: "255.255.255.0", gateway_v4: "207.148.1.1",
        plan: "vbm-4c-32gb", v6_network: "", v6_main_ip: "", v6_network_size: 0, label: item.label, tag: "", mac_address: 2199023255552,
        os_id: 2284, app_id: 0, image_id: "", features: [], tags, power_status: f.r > 0.9 ? "stopped" : "running",
      };
    case "vultr_block_storage":
      return {
        ...base, cost: 5, status: item.status, size_gb: 50 + ((f.r * 10) | 0) * 10, region: item.region,
        attached_to_instance: f.attached ?? "", label: item.label, mount_id: `${item.region}-${item.id.slice(0, 12)}`, block_type: f.r < 0.5 ? "high_perf" : "storage_opt",
      };
    case "vultr_object_storage":
      return { ...base, status: item.status, label: item.label, region: item.region, cluster_id: 2, s3_hostname: `${item.region}1.vultrobjects.com`, s3_access_key: "", s3_secret_key: "" };
    case "vultr_database":
      return {
        // Managed databases write their dates without a zone (`2022-05-09 10:13:31`, UTC).
        ...base, date_created: item.created.replace("T", " ").replace("+00:00", ""), user: "vultradmin", password: `AVNS_${item.id.slice(0, 12)}`, read_replicas: [], plan: "vultr-dbaas-startup-cc-1-55-2", plan_disk: 55, plan_ram: 2048, plan_vcpus: 1, plan_replicas: 0, region: item.region.toUpperCase(),
        database_engine: f.r < 0.5 ? "pg" : "mysql", database_engine_version: f.r < 0.5 ? "16" : "8", vpc_id: "", status: item.status,
        label: item.label, tag: tags[0] ?? "", dbname: "defaultdb", host: `vultr-prod-${item.id.slice(0, 8)}.vultrdb.com`, port: "16751",
        maintenance_dow: "sunday", maintenance_time: "06:00", latest_backup: "2026-12-01 06:10:00", trusted_ips: [],
      };
    case "vultr_vpc":
      return { ...base, region: item.region, description: item.label, v4_subnet: "10.99.0.0", v4_subnet_mask: 24 };
    case "vultr_vpc2":
      return { ...base, region: item.region, description: item.label, ip_block: "10.99.0.0", prefix_length: 24 };
    case "vultr_firewall_group":
      return { ...base, description: item.label, date_modified: item.created, instance_count: 1, rule_count: 2, max_rule_count: 50 };
    case "vultr_reserved_ip":
      return { id: item.id, region: item.region, ip_type: "v4", subnet: `149.28.${(f.r * 250) | 0}.7`, subnet_size: 32, label: item.label, instance_id: f.instance ?? "" };
    case "vultr_load_balancer":
      return {
        ...base, region: item.region, label: item.label, status: item.status, ipv4: "45.63.1.1", ipv6: "",
        generic_info: { balancing_algorithm: "roundrobin", ssl_redirect: false, proxy_protocol: false, sticky_sessions: {}, vpc: "" },
        health_check: { protocol: "http", port: 80, path: "/", check_interval: 15, response_timeout: 5, unhealthy_threshold: 5, healthy_threshold: 5 },
        has_ssl: false, forwarding_rules: [{ id: "73d85156c2c3129d", frontend_protocol: "http", frontend_port: 80, backend_protocol: "http", backend_port: 80 }],
        instances: f.instances ?? [], firewall_rules: [], nodes: 1,
      };
    case "vultr_kubernetes_cluster":
      return {
        ...base, label: item.label, cluster_subnet: "10.244.0.0/16", service_subnet: "10.96.0.0/12", ip: "0.0.0.0",
        endpoint: `${item.id}.vultr-k8s.com`, version: "v1.31.2+1", region: item.region, status: item.status, ha_controlplanes: false,
        node_pools: [{ id: uuid(`${item.id}:pool`), date_created: item.created, label: "workers", plan: "vc2-2c-4gb", status: item.status, node_quantity: 2, tag: tags[0] ?? "", nodes: [] }],
      };
  }
}

/** The same item with the fields the adapter needs removed, for the malformed-item fault. */
export function breakItem(rendered: Record<string, unknown>): Record<string, unknown> {
  const { id: _id, ...rest } = rendered;
  return rest;
}

/** A stable number in [0, 1) for a key, for billing amounts and bandwidth. */
export function unit(key: string): number {
  return hashString(key) / 4294967296;
}
