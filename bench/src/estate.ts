import type { CloudName, NormalizedResource, ResourceStatus, ResourceType, ScopeRef, SizeCategory } from "@cloudsync/cloud";
import { Draw } from "./hash.ts";

/**
 * The synthetic estate: N resources over AWS, Azure and GCP, laid out in scopes the way the
 * adapters read them (AWS account × region × kind, one Azure `resources.list` per subscription,
 * GCP aggregated lists per project × kind), each resource a pure function of (seed, index).
 *
 * Two versions exist: `base` (the first sync and the unchanged re-sync) and `churned`, in which
 * 10 % of the resources changed (tags, size or state) and 1 % vanished.
 */
export type EstateVersion = "base" | "churned";

interface KindSpec {
  kind: string;
  resourceType: ResourceType;
  /** Share of the cloud's resources. */
  weight: number;
  /** Sizes a resource of this kind comes in: [provider's size name, category]. */
  sizes: readonly (readonly [string, SizeCategory])[];
  /** Kinds that live in no region. */
  global?: boolean;
}

interface CloudSpec {
  cloud: CloudName;
  accounts: readonly string[];
  regions: readonly string[];
  kinds: readonly KindSpec[];
  /** How the adapter cuts its reads into scopes. */
  layout: "account-region-kind" | "account" | "account-kind";
}

const awsTypes = [
  ["t3.nano", "nano"],
  ["t3.micro", "micro"],
  ["t3.small", "small"],
  ["t3.medium", "medium"],
  ["m5.large", "large"],
  ["m5.xlarge", "xlarge"],
  ["c5.2xlarge", "xlarge"],
] as const;
const awsDbTypes = [
  ["db.t3.micro", "micro"],
  ["db.t3.medium", "medium"],
  ["db.r5.large", "large"],
  ["db.r5.xlarge", "xlarge"],
] as const;
const volumeSizes = [
  ["8", "nano"],
  ["32", "micro"],
  ["100", "small"],
  ["500", "medium"],
  ["1024", "large"],
] as const;
const azureVmSizes = [
  ["Standard_B1ls", "nano"],
  ["Standard_B1s", "micro"],
  ["Standard_B2s", "small"],
  ["Standard_D2s_v5", "medium"],
  ["Standard_D4s_v5", "large"],
  ["Standard_D8s_v5", "xlarge"],
] as const;
const gceTypes = [
  ["e2-micro", "micro"],
  ["e2-small", "small"],
  ["e2-medium", "medium"],
  ["n2-standard-4", "large"],
  ["n2-standard-8", "xlarge"],
] as const;
const noSize = [["-", "custom"]] as const;

export const cloudSpecs: readonly CloudSpec[] = [
  {
    cloud: "aws",
    accounts: ["111111111111", "222222222222"],
    regions: ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"],
    layout: "account-region-kind",
    kinds: [
      { kind: "ec2_instance", resourceType: "compute", weight: 40, sizes: awsTypes },
      { kind: "ebs_volume", resourceType: "storage", weight: 30, sizes: volumeSizes },
      { kind: "rds_instance", resourceType: "database", weight: 10, sizes: awsDbTypes },
      { kind: "load_balancer", resourceType: "load_balancer", weight: 10, sizes: noSize },
      { kind: "s3_bucket", resourceType: "storage", weight: 10, sizes: noSize, global: true },
    ],
  },
  {
    cloud: "azure",
    accounts: ["6f1c2a3b-0d4e-4f5a-9b8c-7d6e5f4a3b2c", "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"],
    regions: ["eastus", "westeurope", "southeastasia", "uksouth"],
    layout: "account",
    kinds: [
      { kind: "azure_vm", resourceType: "compute", weight: 35, sizes: azureVmSizes },
      { kind: "azure_disk", resourceType: "storage", weight: 30, sizes: volumeSizes },
      { kind: "azure_storage_account", resourceType: "storage", weight: 10, sizes: noSize },
      { kind: "azure_sql_database", resourceType: "database", weight: 10, sizes: noSize },
      { kind: "azure_load_balancer", resourceType: "load_balancer", weight: 5, sizes: noSize },
      { kind: "azure_public_ip", resourceType: "network", weight: 10, sizes: noSize },
    ],
  },
  {
    cloud: "gcp",
    accounts: ["wedding-prod-284913", "wedding-data-571204"],
    regions: ["us-central1", "europe-west1", "asia-east1"],
    layout: "account-kind",
    kinds: [
      { kind: "gce_instance", resourceType: "compute", weight: 45, sizes: gceTypes },
      { kind: "gce_disk", resourceType: "storage", weight: 35, sizes: volumeSizes },
      { kind: "gce_forwarding_rule", resourceType: "load_balancer", weight: 10, sizes: noSize },
      { kind: "gce_network", resourceType: "network", weight: 10, sizes: noSize, global: true },
    ],
  },
];

/** Every region code a cloud's resources use (`global` for GCP networks). */
export function regionCodes(cloud: CloudName): string[] {
  const spec = cloudSpecs.find((c) => c.cloud === cloud)!;
  return cloud === "gcp" ? [...spec.regions, "global"] : [...spec.regions];
}

export interface EstateScope {
  cloud: CloudName;
  scope: ScopeRef;
  /** Global index of the scope's first resource. */
  start: number;
  count: number;
  /** The kinds this scope holds (one unless the scope's kind is `*`). */
  kinds: readonly KindSpec[];
}

const statusWeights: readonly (readonly [ResourceStatus, number])[] = [
  ["running", 82],
  ["stopped", 10],
  ["provisioning", 3],
  ["error", 3],
  ["starting", 1],
  ["stopping", 1],
];
const environmentTags: readonly (readonly [string | null, number])[] = [
  ["production", 18],
  ["prod", 12],
  ["staging", 12],
  ["stg", 8],
  ["test", 15],
  ["dev", 20],
  ["development", 10],
  [null, 5],
];
const apps = ["booking", "media", "payments", "guest-list", "seating", "vendors", "search", "notifications", "photos", "invoices"];
const teams = ["platform", "mobile", "web", "data", "finance", "ops"];

/** Largest-remainder split of `total` by weights, so the parts add up exactly. */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left-- <= 0) break;
    parts[i]!++;
  }
  return parts;
}

/** The last eight characters of every resource id are its index in hexadecimal. */
export function indexOfResourceId(resourceId: string): number {
  return Number.parseInt(resourceId.slice(-8), 16);
}

export class Estate {
  readonly scopes: EstateScope[] = [];
  readonly draw: Draw;

  constructor(
    readonly seed: number,
    readonly size: number,
  ) {
    if (size > 0xffff_ffff) throw new RangeError(`at most ${0xffff_ffff} resources, got ${size}`);
    this.draw = new Draw(seed);
    const perCloud = apportion(size, cloudSpecs.map(() => 1));
    let start = 0;
    cloudSpecs.forEach((spec, c) => {
      const planned: { scope: ScopeRef; weight: number; kinds: readonly KindSpec[] }[] = [];
      for (const account of spec.accounts) {
        if (spec.layout === "account") {
          planned.push({ scope: { cloud: spec.cloud, account, region: "*", kind: "*" }, weight: 1, kinds: spec.kinds });
          continue;
        }
        for (const kind of spec.kinds) {
          if (spec.layout === "account-kind") {
            planned.push({ scope: { cloud: spec.cloud, account, region: "*", kind: kind.kind }, weight: kind.weight, kinds: [kind] });
          } else if (kind.global) {
            planned.push({ scope: { cloud: spec.cloud, account, region: "global", kind: kind.kind }, weight: kind.weight, kinds: [kind] });
          } else {
            for (const region of spec.regions) {
              planned.push({ scope: { cloud: spec.cloud, account, region, kind: kind.kind }, weight: kind.weight / spec.regions.length, kinds: [kind] });
            }
          }
        }
      }
      const counts = apportion(perCloud[c]!, planned.map((p) => p.weight));
      planned.forEach((p, k) => {
        this.scopes.push({ cloud: spec.cloud, scope: p.scope, start, count: counts[k]!, kinds: p.kinds });
        start += counts[k]!;
      });
    });
  }

  scopesOf(cloud: CloudName): EstateScope[] {
    return this.scopes.filter((s) => s.cloud === cloud && s.count > 0);
  }

  scopeAt(i: number): EstateScope {
    let lo = 0;
    let hi = this.scopes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.scopes[mid]!.start <= i) lo = mid;
      else hi = mid - 1;
    }
    return this.scopes[lo]!;
  }

  /** 1 % of the resources are gone in the churned version. */
  vanishes(i: number): boolean {
    return this.draw.unit(i, "churn") < 0.01;
  }

  /** 10 % of the resources changed in the churned version. */
  changes(i: number): boolean {
    const u = this.draw.unit(i, "churn");
    return u >= 0.01 && u < 0.11;
  }

  /** Wedding-critical resources carry the tag that says so (3 %). */
  isWeddingCritical(i: number): boolean {
    return this.draw.unit(i, "wedding") < 0.03;
  }

  /** The resource in a version, or null when it vanished in that version. */
  resource(i: number, version: EstateVersion = "base"): NormalizedResource | null {
    if (version === "churned" && this.vanishes(i)) return null;
    const d = this.draw;
    const es = this.scopeAt(i);
    const spec = cloudSpecs.find((c) => c.cloud === es.cloud)!;
    const kind = es.kinds.length === 1 ? es.kinds[0]! : d.weighted(i, "kind", es.kinds.map((k) => [k, k.weight] as const));
    const region = kind.global && es.cloud === "gcp" ? "global" : spec.regions.includes(es.scope.region) ? es.scope.region : d.pick(i, "region", spec.regions);
    let sizeIndex = d.int(i, "size") % kind.sizes.length;
    let status = d.weighted(i, "status", statusWeights);
    const environment = d.weighted(i, "env", environmentTags);
    const app = d.pick(i, "app", apps);
    const tags: Record<string, string> = {};
    const name = `${app}-${environment ?? "misc"}-${i}`;
    tags[es.cloud === "aws" ? "Name" : "name"] = name;
    if (environment) tags[d.unit(i, "env-key") < 0.5 ? "env" : "environment"] = environment;
    tags.app = app;
    tags.team = d.pick(i, "team", teams);
    tags["cost-center"] = `cc-${1000 + (d.int(i, "cc") % 40)}`;
    if (this.isWeddingCritical(i)) tags["wedding-critical"] = "true";

    if (version === "churned" && this.changes(i)) {
      const what = d.unit(i, "churn-kind");
      if (what < 0.6 || kind.sizes.length === 1) {
        tags.owner = `${d.pick(i, "owner", teams)}-team`;
        tags.team = d.pick(i, "team", teams, 1);
      } else if (what < 0.85) {
        sizeIndex = (sizeIndex + 1 + (d.int(i, "resize") % (kind.sizes.length - 1))) % kind.sizes.length;
      } else {
        status = status === "running" ? "stopped" : "running";
      }
    }
    const [sizeName, sizeCategory] = kind.sizes[sizeIndex]!;
    const id = resourceIdFor(es.cloud, kind.kind, es.scope.account, region, i, d);
    return {
      cloud: es.cloud,
      account: es.scope.account,
      regionCode: region,
      kind: kind.kind,
      resourceId: id,
      name,
      resourceType: kind.resourceType,
      status,
      sizeCategory,
      tags,
      configuration: configurationFor(es.cloud, kind, { id, name, region, sizeName, status, tags, i, d, account: es.scope.account }),
      providerCreatedAt: createdAt(i, d),
    };
  }

  /** The pages of one scope, `pageSize` resources each, as an adapter would emit them. */
  *pages(es: EstateScope, version: EstateVersion, pageSize: number): Generator<NormalizedResource[]> {
    let page: NormalizedResource[] = [];
    for (let i = es.start; i < es.start + es.count; i++) {
      const r = this.resource(i, version);
      if (!r) continue;
      page.push(r);
      if (page.length === pageSize) {
        yield page;
        page = [];
      }
    }
    if (page.length > 0) yield page;
  }
}

function hex8(i: number): string {
  return i.toString(16).padStart(8, "0");
}

function resourceIdFor(cloud: CloudName, kind: string, account: string, region: string, i: number, d: Draw): string {
  const tail = hex8(i);
  switch (cloud) {
    case "aws":
      switch (kind) {
        case "ec2_instance":
          return `i-${d.hex(i, "id", 9)}${tail}`;
        case "ebs_volume":
          return `vol-${d.hex(i, "id", 9)}${tail}`;
        case "rds_instance":
          return `arn:aws:rds:${region}:${account}:db:wedding-db-${tail}`;
        case "load_balancer":
          return `arn:aws:elasticloadbalancing:${region}:${account}:loadbalancer/app/${d.hex(i, "id", 16)}/lb-${tail}`;
        default:
          return `wedding-assets-${d.hex(i, "id", 6)}-${tail}`;
      }
    case "azure": {
      const provider: Record<string, string> = {
        azure_vm: "Microsoft.Compute/virtualMachines",
        azure_disk: "Microsoft.Compute/disks",
        azure_storage_account: "Microsoft.Storage/storageAccounts",
        azure_sql_database: "Microsoft.Sql/servers/wedding-sql/databases",
        azure_load_balancer: "Microsoft.Network/loadBalancers",
        azure_public_ip: "Microsoft.Network/publicIPAddresses",
      };
      return `/subscriptions/${account}/resourceGroups/rg-wedding-${(d.int(i, "rg") % 50).toString().padStart(2, "0")}/providers/${provider[kind]}/res-${tail}`;
    }
    case "gcp": {
      const collection: Record<string, string> = {
        gce_instance: "instances",
        gce_disk: "disks",
        gce_forwarding_rule: "forwardingRules",
        gce_network: "networks",
      };
      const where = kind === "gce_network" ? "global" : kind === "gce_forwarding_rule" ? `regions/${region}` : `zones/${region}-${d.pick(i, "zone", ["a", "b", "c"])}`;
      return `https://www.googleapis.com/compute/v1/projects/${account}/${where}/${collection[kind]}/res-${tail}`;
    }
    case "digitalocean":
    case "linode":
    case "vultr":
      throw new Error(notGenerated);
  }
}

/** The bench estate is AWS, Azure and GCP (docs/performance.md); another cloud name is a mistake. */
const notGenerated = "the bench estate generates AWS, Azure and GCP resources only";

function createdAt(i: number, d: Draw): string {
  // Somewhere in the five years before 2025-06-01, to the second.
  const seconds = Math.floor(d.unit(i, "created") * 5 * 365 * 86_400);
  return new Date(Date.UTC(2025, 5, 1) - seconds * 1000).toISOString();
}

interface ConfigInput {
  id: string;
  name: string;
  region: string;
  sizeName: string;
  status: ResourceStatus;
  tags: Record<string, string>;
  i: number;
  d: Draw;
  account: string;
}

/** The raw item as the SDK would return it: roughly the shape and size of the real thing. */
function configurationFor(cloud: CloudName, kind: KindSpec, c: ConfigInput): Record<string, unknown> {
  const ip = `10.${c.i % 250}.${(c.i >> 8) % 250}.${(c.i >> 16) % 250}`;
  const launched = createdAt(c.i, c.d);
  switch (cloud) {
    case "aws":
      return {
        ...(kind.kind === "ec2_instance" ? { InstanceId: c.id, InstanceType: c.sizeName, ImageId: `ami-${c.d.hex(c.i, "ami", 17)}` } : { Id: c.id }),
        ...(kind.kind === "ebs_volume" ? { Size: Number(c.sizeName), VolumeType: "gp3", Iops: 3000, Encrypted: true } : {}),
        ...(kind.kind === "rds_instance" ? { DBInstanceClass: c.sizeName, Engine: "postgres", EngineVersion: "15.4", AllocatedStorage: 100, MultiAZ: c.d.unit(c.i, "multiaz") < 0.3 } : {}),
        State: { Code: c.status === "running" ? 16 : 80, Name: c.status === "running" ? "running" : c.status },
        LaunchTime: launched,
        Placement: { AvailabilityZone: `${c.region}${c.d.pick(c.i, "zone", ["a", "b", "c"])}`, Tenancy: "default", GroupName: "" },
        PrivateDnsName: `ip-${ip.replaceAll(".", "-")}.${c.region}.compute.internal`,
        PrivateIpAddress: ip,
        SubnetId: `subnet-${c.d.hex(c.i, "subnet", 17)}`,
        VpcId: `vpc-${c.d.hex(c.i % 64, "vpc", 17)}`,
        Architecture: "x86_64",
        RootDeviceType: "ebs",
        PlatformDetails: "Linux/UNIX",
        SecurityGroups: [{ GroupId: `sg-${c.d.hex(c.i % 128, "sg", 17)}`, GroupName: `${c.tags.app}-sg` }],
        Monitoring: { State: "disabled" },
        Tags: Object.entries(c.tags).map(([Key, Value]) => ({ Key, Value })),
      };
    case "azure":
      return {
        id: c.id,
        name: c.name,
        type: kind.kind,
        location: c.region,
        tags: c.tags,
        sku: { name: c.sizeName === "-" ? "Standard" : c.sizeName, tier: "Standard" },
        properties: {
          provisioningState: c.status === "provisioning" ? "Creating" : "Succeeded",
          powerState: c.status === "running" ? "PowerState/running" : `PowerState/${c.status}`,
          timeCreated: launched,
          vmId: `${c.d.hex(c.i, "vm", 8)}-${c.d.hex(c.i, "vm2", 4)}-4${c.d.hex(c.i, "vm3", 3)}-8${c.d.hex(c.i, "vm4", 3)}-${c.d.hex(c.i, "vm5", 12)}`,
          networkProfile: { networkInterfaces: [{ id: `/subscriptions/${c.account}/resourceGroups/rg-net/providers/Microsoft.Network/networkInterfaces/nic-${c.i}` }] },
          privateIPAddress: ip,
        },
      };
    case "gcp":
      return {
        kind: `compute#${kind.kind.replace("gce_", "")}`,
        id: String(1_000_000_000_000 + c.i),
        name: c.name,
        selfLink: c.id,
        status: c.status === "running" ? "RUNNING" : c.status.toUpperCase(),
        machineType: c.sizeName === "-" ? undefined : `zones/${c.region}-a/machineTypes/${c.sizeName}`,
        zone: c.region === "global" ? undefined : `${c.region}-${c.d.pick(c.i, "zone", ["a", "b", "c"])}`,
        creationTimestamp: launched,
        labels: c.tags,
        networkInterfaces: [{ network: `projects/${c.account}/global/networks/default`, networkIP: ip, subnetwork: `regions/${c.region}/subnetworks/default` }],
        scheduling: { automaticRestart: true, onHostMaintenance: "MIGRATE", preemptible: false },
        fingerprint: c.d.hex(c.i, "fp", 16),
      };
    case "digitalocean":
    case "linode":
    case "vultr":
      throw new Error(notGenerated);
  }
}
