/**
 * Infrastructure Manager (config.googleapis.com v1) as its REST reference shows it:
 * `projects.locations.deployments.list` (`{ deployments, nextPageToken, unreachable }`; the
 * location `-` lists every location, as Google list APIs allow) and
 * `projects.locations.deployments.revisions.resources.list` (`{ resources, nextPageToken }`,
 * each resource with `terraformInfo` and `caiAssets` keyed by Cloud Asset type). Deployments are
 * made once, when the emulator starts, from the first instances, disks, networks, Cloud SQL
 * instances and buckets of each project, plus a service account no resource list reports.
 */
import { createRng } from "../rng.ts";
import type { GcpEstate } from "./estate.ts";
import type { EmulatorKind, GeneratedItem } from "./items.ts";
import type { ApiAnswer, RoutedRequest } from "./routed.ts";
import { decodePageToken, encodePageToken, errors } from "./wire.ts";

/** What a correct adapter reports for one Infra Manager deployment, computed from the estate. */
export interface GcpExpectedDeployment {
  project: string;
  location: string;
  /** The deployment's resource name, `projects/{p}/locations/{l}/deployments/{d}`. */
  name: string;
  /** The raw `state`. */
  state: string;
  labels: Record<string, string>;
  inputValues: Record<string, string>;
  blueprint: "network-stack" | "data-stack";
  /** The ids the resource readers report for the resources the deployment created. */
  resourceIds: string[];
  notInventoried: number;
}

interface ImResource {
  address: string;
  type: string;
  id: string;
  caiType: string;
  fullResourceName: string;
}

interface EmulatedDeployment extends GcpExpectedDeployment {
  createTime: string;
  updateTime: string;
  revision: string;
  resources: ImResource[];
}

const blueprints = {
  "network-stack": { gitSource: { repo: "https://github.com/example-wedding/infra", directory: "stacks/network", ref: "v1.4.0" } },
  "data-stack": { gcsSource: "gs://example-wedding-blueprints/data-stack-v2.tar.gz" },
} as const;

const states = ["ACTIVE", "FAILED", "ACTIVE", "UPDATING"] as const;
const pageSize = 1;

function zoneOf(item: GeneratedItem): string {
  return String(item.raw.zone ?? "").split("/").pop() ?? "";
}

/** Terraform's type, its id and the Cloud Asset name of an estate item Infra Manager created. */
function describe(project: string, kind: EmulatorKind, item: GeneratedItem): ImResource | null {
  const name = String(item.raw.name ?? "");
  switch (kind) {
    case "instance":
      return { address: `google_compute_instance.vm_${name.replace(/\W/g, "_")}`, type: "google_compute_instance", id: `projects/${project}/zones/${zoneOf(item)}/instances/${name}`, caiType: "compute.googleapis.com/Instance", fullResourceName: `//compute.googleapis.com/projects/${project}/zones/${zoneOf(item)}/instances/${name}` };
    case "disk":
      return { address: `google_compute_disk.${name.replace(/\W/g, "_")}`, type: "google_compute_disk", id: `projects/${project}/zones/${zoneOf(item)}/disks/${name}`, caiType: "compute.googleapis.com/Disk", fullResourceName: `//compute.googleapis.com/projects/${project}/zones/${zoneOf(item)}/disks/${name}` };
    case "network":
      return { address: `google_compute_network.${name.replace(/\W/g, "_")}`, type: "google_compute_network", id: `projects/${project}/global/networks/${name}`, caiType: "compute.googleapis.com/Network", fullResourceName: `//compute.googleapis.com/projects/${project}/global/networks/${name}` };
    case "sqlInstance":
      return { address: `google_sql_database_instance.${name.replace(/\W/g, "_")}`, type: "google_sql_database_instance", id: name, caiType: "sqladmin.googleapis.com/Instance", fullResourceName: `//sqladmin.googleapis.com/projects/${project}/instances/${name}` };
    case "bucket":
      return { address: `google_storage_bucket.${name.replace(/\W/g, "_")}`, type: "google_storage_bucket", id: name, caiType: "storage.googleapis.com/Bucket", fullResourceName: `//storage.googleapis.com/${name}` };
    default:
      return null;
  }
}

export class InfraManagerApi {
  private readonly deployments = new Map<string, EmulatedDeployment[]>();

  constructor(estate: GcpEstate, projects: readonly string[], seed: string) {
    for (const project of projects) {
      const rng = createRng(`${seed}:infra-manager:${project}`);
      const pick = (kind: EmulatorKind, count: number) => {
        const out: { kind: EmulatorKind; item: GeneratedItem }[] = [];
        for (let p = 0; p < estate.positions(project, kind) && out.length < count; p++) {
          const item = estate.itemAt(project, kind, p);
          if (item) out.push({ kind, item });
        }
        return out;
      };
      const groups: { blueprint: GcpExpectedDeployment["blueprint"]; members: { kind: EmulatorKind; item: GeneratedItem }[] }[] = [
        { blueprint: "network-stack", members: [...pick("network", 1), ...pick("instance", 2), ...pick("disk", 1)] },
        { blueprint: "data-stack", members: [...pick("sqlInstance", 1), ...pick("bucket", 1)] },
      ];
      const list: EmulatedDeployment[] = [];
      groups.forEach((g, n) => {
        if (g.members.length === 0) return;
        const location = "us-central1";
        const id = `${g.blueprint}-${n}`;
        const name = `projects/${project}/locations/${location}/deployments/${id}`;
        const state = states[(n + project.length) % states.length] as string;
        const env = rng.pick(["prod", "staging", "dev"]);
        const resources = g.members.map((m) => describe(project, m.kind, m.item)).filter((r): r is ImResource => r !== null);
        const account = `im-${id}@${project}.iam.gserviceaccount.com`;
        resources.push({ address: "google_service_account.runner", type: "google_service_account", id: `projects/${project}/serviceAccounts/${account}`, caiType: "iam.googleapis.com/ServiceAccount", fullResourceName: `//iam.googleapis.com/projects/${project}/serviceAccounts/${account}` });
        const created = Date.UTC(2025, rng.int(0, 12), rng.int(1, 28), rng.int(0, 24));
        list.push({
          project,
          location,
          name,
          state,
          labels: { env, "managed-by": "infra-manager" },
          inputValues: { project_id: project, environment: env },
          blueprint: g.blueprint,
          resourceIds: g.members.map((m) => m.item.resourceId),
          notInventoried: 1,
          createTime: new Date(created).toISOString(),
          updateTime: new Date(created + rng.int(1, 90) * 86_400_000).toISOString(),
          revision: `${name}/revisions/r-${rng.int(1, 9)}`,
          resources,
        });
      });
      this.deployments.set(project, list);
    }
  }

  expected(): GcpExpectedDeployment[] {
    return [...this.deployments.values()].flat().map(({ createTime: _c, updateTime: _u, revision: _r, resources: _x, ...expected }) => expected);
  }

  route(method: string, url: URL): RoutedRequest | null {
    if (method !== "GET") return null;
    const list = /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/deployments$/.exec(url.pathname);
    if (list) {
      const project = decodeURIComponent(list[1] as string);
      const location = decodeURIComponent(list[2] as string);
      return { operation: `${project}/locations/${location}/deployments`, api: "config", answer: () => this.listDeployments(project, location, url) };
    }
    const resources = /^\/v1\/(projects\/([^/]+)\/locations\/[^/]+\/deployments\/[^/]+\/revisions\/[^/]+)\/resources$/.exec(url.pathname);
    if (resources) {
      const project = decodeURIComponent(resources[2] as string);
      const revision = decodeURIComponent(resources[1] as string);
      return { operation: `${project}/deployments/revisions/resources`, api: "config", answer: () => this.listResources(project, revision, url) };
    }
    return null;
  }

  private page<T>(items: readonly T[], url: URL): { items: T[]; nextPageToken?: string } | null {
    const token = url.searchParams.get("pageToken");
    const start = token ? decodePageToken(token) : 0;
    if (start === null) return null;
    const asked = Number(url.searchParams.get("pageSize") ?? pageSize);
    const size = Number.isInteger(asked) && asked > 0 ? Math.min(asked, pageSize) : pageSize;
    const slice = items.slice(start, start + size);
    return start + size < items.length ? { items: slice, nextPageToken: encodePageToken(start + size) } : { items: slice };
  }

  private listDeployments(project: string, location: string, url: URL): ApiAnswer {
    const all = (this.deployments.get(project) ?? []).filter((d) => location === "-" || d.location === location);
    const p = this.page(all, url);
    if (!p) return { status: 400, body: errors.badPageToken() };
    const deployments = p.items.map((d) => ({
      name: d.name,
      createTime: d.createTime,
      updateTime: d.updateTime,
      labels: d.labels,
      state: d.state,
      latestRevision: d.revision,
      ...(d.state === "FAILED" ? { stateDetail: "Terraform apply failed: Error creating Instance: googleapi: Error 403: quota exceeded", errorCode: "APPLY_FAILED" } : {}),
      serviceAccount: `projects/${project}/serviceAccounts/im-runner@${project}.iam.gserviceaccount.com`,
      lockState: "UNLOCKED",
      tfVersion: "1.5.7",
      terraformBlueprint: { ...blueprints[d.blueprint], inputValues: Object.fromEntries(Object.entries(d.inputValues).map(([k, v]) => [k, { inputValue: v }])) },
    }));
    return { status: 200, body: { deployments, ...(p.nextPageToken ? { nextPageToken: p.nextPageToken } : {}) } };
  }

  private listResources(project: string, revision: string, url: URL): ApiAnswer {
    const d = (this.deployments.get(project) ?? []).find((x) => x.revision === revision);
    if (!d) return { status: 404, body: errors.notFound(revision) };
    const p = this.page(d.resources, url);
    if (!p) return { status: 400, body: errors.badPageToken() };
    const resources = p.items.map((r, i) => ({
      name: `${revision}/resources/${encodeURIComponent(r.address)}-${i}`,
      terraformInfo: { address: r.address, type: r.type, id: r.id },
      caiAssets: { [r.caiType]: { fullResourceName: r.fullResourceName } },
      intent: "CREATE",
      state: d.state === "FAILED" ? "FAILED" : "RECONCILED",
    }));
    return { status: 200, body: { resources, ...(p.nextPageToken ? { nextPageToken: p.nextPageToken } : {}) } };
  }
}
