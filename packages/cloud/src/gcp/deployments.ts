import type { AuthClient } from "google-auth-library";
import type { ReadState, ReadStep, ScopeRead } from "../core/scope-runner.ts";
import { deploymentStatusOf, infraManagerStatuses, templateHash } from "../deployments/rules.ts";
import type { DeployedResource, NormalizedDeployment } from "../deployments/types.ts";
import type { GcpCallOptions } from "./clients.ts";
import { withRetries } from "./retry.ts";

/**
 * Infrastructure Manager deployments of one project (config.googleapis.com v1, the service that
 * runs Terraform for Google Cloud; Deployment Manager is being retired in its favour):
 * `projects.locations.deployments.list` over every location (`locations/-`), and for each
 * deployment the resources of its latest revision (`…/revisions/{r}/resources`), each named by
 * its Cloud Asset Inventory full resource name. There is no npm client for this API, so the
 * documented REST calls go through the adapter's gated google-auth-library client (limits,
 * timeouts, the same retries as the googleapis-style kinds). Loaded on the first deployment read.
 */
export const infraManagerOperation = "locations/-/deployments";

export interface RawImDeployment {
  name?: string;
  createTime?: string;
  updateTime?: string;
  labels?: Record<string, string>;
  state?: string;
  latestRevision?: string;
  stateDetail?: string;
  terraformBlueprint?: { gcsSource?: string; gitSource?: Record<string, unknown>; inputValues?: Record<string, { inputValue?: unknown }> };
}

export interface RawImResource {
  terraformInfo?: { address?: string; type?: string; id?: string };
  caiAssets?: Record<string, { fullResourceName?: string }>;
}

export interface InfraManagerApi {
  deploymentPages(project: string, signal: AbortSignal | undefined): AsyncIterable<RawImDeployment[]>;
  resources(revision: string, signal: AbortSignal | undefined): Promise<RawImResource[]>;
}

export function infraManagerApi(authClient: AuthClient, endpoint: string | undefined, callOptions: GcpCallOptions, pageSize: number): InfraManagerApi {
  const base = `${(endpoint ?? "https://config.googleapis.com").replace(/\/+$/, "")}/v1`;
  async function* pages<T>(path: string, field: string, signal: AbortSignal | undefined): AsyncGenerator<T[]> {
    let pageToken: string | undefined;
    do {
      const url = new URL(`${base}/${path}`);
      url.searchParams.set("pageSize", String(pageSize));
      if (pageToken) url.searchParams.set("pageToken", pageToken);
      const { data } = await withRetries(() => authClient.request<Record<string, unknown>>({ url: url.href, method: "GET", signal }), callOptions, signal);
      yield (Array.isArray(data[field]) ? data[field] : []) as T[];
      pageToken = typeof data.nextPageToken === "string" && data.nextPageToken ? data.nextPageToken : undefined;
    } while (pageToken);
  }
  return {
    deploymentPages: (project, signal) => pages<RawImDeployment>(`projects/${encodeURIComponent(project)}/${infraManagerOperation}`, "deployments", signal),
    async resources(revision, signal) {
      const out: RawImResource[] = [];
      for await (const page of pages<RawImResource>(`${revision}/resources`, "resources", signal)) out.push(...page);
      return out;
    },
  };
}

export function infraManagerRead(project: string, api: InfraManagerApi): ScopeRead<NormalizedDeployment> {
  return {
    scopes: [{ cloud: "gcp", account: project, region: "*", kind: "deployments" }],
    operation: infraManagerOperation,
    read: (state) => steps(project, api, state),
  };
}

async function* steps(project: string, api: InfraManagerApi, state: ReadState): AsyncGenerator<ReadStep<NormalizedDeployment>> {
  for await (const page of api.deploymentPages(project, state.signal)) {
    const items: NormalizedDeployment[] = [];
    for (const raw of page) {
      if (!raw.name || !deploymentStatusOf(infraManagerStatuses, raw.state)) {
        yield { type: "skipped", itemId: raw.name ?? null, reason: `deployment without name or a known state (${raw.state ?? "none"})` };
        continue;
      }
      // A deployment still being created may have no revision yet: it has created nothing.
      const resources = raw.latestRevision ? await api.resources(raw.latestRevision, state.signal) : [];
      items.push(normalizeImDeployment(raw, resources, project));
    }
    if (items.length > 0) yield { type: "items", items };
  }
}

/** One Infra Manager deployment and its latest revision's resources → one deployment. It must have a name and a known state. */
export function normalizeImDeployment(raw: RawImDeployment, resources: readonly RawImResource[], project: string): NormalizedDeployment {
  const name = raw.name as string;
  const location = /\/locations\/([^/]+)\//.exec(name)?.[1] ?? "global";
  const { inputValues, ...source } = raw.terraformBlueprint ?? {};
  const parameters: Record<string, string> = {};
  for (const [key, value] of Object.entries(inputValues ?? {})) {
    if (value?.inputValue !== undefined) parameters[key] = typeof value.inputValue === "string" ? value.inputValue : JSON.stringify(value.inputValue);
  }
  const deployed: DeployedResource[] = [];
  for (const r of resources) {
    const full = Object.values(r.caiAssets ?? {}).find((a) => a.fullResourceName)?.fullResourceName;
    if (!full) continue;
    deployed.push({ ...inventoryTargetOf(full), type: r.terraformInfo?.type ?? "", logicalId: r.terraformInfo?.address ?? null });
  }
  // The blueprint is where the Terraform lives (a Cloud Storage object or a Git ref), not its text.
  const body = JSON.stringify(source);
  return {
    cloud: "gcp",
    account: project,
    regionCode: location,
    deploymentId: name,
    name: name.slice(name.lastIndexOf("/") + 1),
    status: deploymentStatusOf(infraManagerStatuses, raw.state) ?? "pending",
    cloudStatus: raw.state as string,
    statusReason: raw.stateDetail ?? null,
    tags: { ...(raw.labels ?? {}) },
    parameters,
    createdAt: raw.createTime ?? null,
    updatedAt: raw.updateTime ?? null,
    durationSeconds: null,
    template: { format: "terraform", description: null, body, contentHash: templateHash(body) },
    resources: deployed,
  };
}

/**
 * How the inventory knows a resource Cloud Asset Inventory names `//service/path`: Compute
 * resources by their self link (their id is numeric, which Infra Manager does not report),
 * buckets by name, and the rest (Cloud SQL, …) by the full resource name our readers use too.
 */
export function inventoryTargetOf(fullResourceName: string): Pick<DeployedResource, "resourceId" | "targetKey"> {
  const compute = /^\/\/compute\.googleapis\.com\/(projects\/.+)$/.exec(fullResourceName);
  if (compute) return { resourceId: `https://www.googleapis.com/compute/v1/${compute[1]}`, targetKey: "selfLink" };
  const bucket = /^\/\/storage\.googleapis\.com\/([^/]+)$/.exec(fullResourceName);
  if (bucket) return { resourceId: bucket[1] as string };
  return { resourceId: fullResourceName };
}
