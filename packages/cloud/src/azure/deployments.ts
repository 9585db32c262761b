import { createComputeManagement } from "@azure/arm-compute/api";
import type { ReadState, ReadStep, ScopeRead } from "../core/scope-runner.ts";
import { armDeploymentStatuses, deploymentStatusOf, templateHash } from "../deployments/rules.ts";
import type { DeployedResource, NormalizedDeployment } from "../deployments/types.ts";
import { pipelineOptions } from "./arm-pipeline.ts";
import type { ClientSettings, RequestOptions } from "./clients.ts";
import { normalizeRegion } from "./normalize.ts";

/**
 * ARM resource-group deployments of one subscription: every resource group
 * (`resourceGroups.list`), each group's deployments (`Deployments - List By Resource Group`,
 * whose `properties.outputResources` name the resources they created) and each deployment's
 * template (`Deployments - Export Template`). `@azure/arm-resources` 7 moved deployments into a
 * separate beta package, so these go through an ARM REST context of the SDK family already
 * pinned (the same credential, TLS trust, retry and rate-limit policies, as `locations` does),
 * following every `nextLink`. Loaded on the first deployment read only.
 */
export const armDeploymentsApiVersion = "2021-04-01";

export interface RawResourceGroup {
  name?: string;
  location?: string;
}

export interface RawArmDeployment {
  id?: string;
  name?: string;
  tags?: Record<string, string>;
  properties?: {
    provisioningState?: string;
    timestamp?: string;
    duration?: string;
    parameters?: Record<string, { type?: string; value?: unknown }>;
    outputResources?: { id?: string }[];
    error?: { code?: string; message?: string };
  };
}

export interface ArmDeploymentsApi {
  resourceGroupPages(options: RequestOptions): AsyncIterable<RawResourceGroup[]>;
  deploymentPages(resourceGroup: string, options: RequestOptions): AsyncIterable<RawArmDeployment[]>;
  /** The deployment's template as ARM kept it, or null when the deployment is gone. */
  exportTemplate(resourceGroup: string, name: string, options: RequestOptions): Promise<Record<string, unknown> | null>;
}

export function armDeploymentsApi(settings: ClientSettings, subscriptionId: string): ArmDeploymentsApi {
  const context = createComputeManagement(settings.credential, subscriptionId, pipelineOptions(settings, subscriptionId, "arm"));
  const base = (settings.endpoint ?? "https://management.azure.com").replace(/\/+$/, "");
  const origin = new URL(base).origin;
  const sub = encodeURIComponent(subscriptionId);

  async function call(method: "get" | "post", url: string, options: RequestOptions): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await context.pathUnchecked(url)[method]({ abortSignal: options.abortSignal, timeout: options.timeoutMs });
    const body = (response.body ?? {}) as Record<string, unknown> & { error?: { code?: string; message?: string } };
    const status = Number(response.status);
    if (status !== 200) {
      throw Object.assign(new Error(body.error?.message ?? `HTTP ${status}`), { name: "RestError", statusCode: status, code: body.error?.code });
    }
    return { status, body };
  }

  async function* pages<T>(first: string, options: RequestOptions): AsyncGenerator<T[]> {
    let url: string | null = first;
    while (url) {
      const { body } = await call("get", url, options);
      yield (Array.isArray(body.value) ? body.value : []) as T[];
      const next = typeof body.nextLink === "string" && body.nextLink ? body.nextLink : null;
      // The bearer token goes only to the endpoint it was issued for.
      if (next && new URL(next).origin !== origin) {
        throw Object.assign(new Error(`ARM sent a nextLink to another host (${new URL(next).host})`), { name: "RestError", code: "UnexpectedNextLink" });
      }
      url = next;
    }
  }

  const groupPath = (rg: string) => `${base}/subscriptions/${sub}/resourcegroups/${encodeURIComponent(rg)}/providers/Microsoft.Resources/deployments`;
  return {
    resourceGroupPages: (options) => pages<RawResourceGroup>(`${base}/subscriptions/${sub}/resourcegroups?api-version=${armDeploymentsApiVersion}`, options),
    deploymentPages: (rg, options) => pages<RawArmDeployment>(`${groupPath(rg)}?api-version=${armDeploymentsApiVersion}`, options),
    async exportTemplate(rg, name, options) {
      try {
        const { body } = await call("post", `${groupPath(rg)}/${encodeURIComponent(name)}/exportTemplate?api-version=${armDeploymentsApiVersion}`, options);
        return (body.template ?? {}) as Record<string, unknown>;
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 404) return null;
        throw error;
      }
    },
  };
}

export function armDeploymentRead(subscriptionId: string, api: ArmDeploymentsApi, settings: { timeoutMs: number }): ScopeRead<NormalizedDeployment> {
  return {
    scopes: [{ cloud: "azure", account: subscriptionId, region: "*", kind: "deployments" }],
    operation: "resourceGroups.list",
    read: (state) => deploymentSteps(subscriptionId, api, settings, state),
  };
}

async function* deploymentSteps(subscriptionId: string, api: ArmDeploymentsApi, settings: { timeoutMs: number }, state: ReadState): AsyncGenerator<ReadStep<NormalizedDeployment>> {
  const options: RequestOptions = { timeoutMs: settings.timeoutMs, ...(state.signal ? { abortSignal: state.signal } : {}) };
  for await (const groups of api.resourceGroupPages(options)) {
    for (const group of groups) {
      if (!group.name) continue;
      state.operation = "deployments.listByResourceGroup";
      for await (const page of api.deploymentPages(group.name, options)) {
        const items: NormalizedDeployment[] = [];
        for (const raw of page) {
          if (!raw.id || !raw.name || !deploymentStatusOf(armDeploymentStatuses, raw.properties?.provisioningState)) {
            yield { type: "skipped", itemId: raw.id ?? null, reason: `deployment without id, name or a known provisioningState (${raw.properties?.provisioningState ?? "none"})` };
            continue;
          }
          state.operation = "deployments.exportTemplate";
          const template = await api.exportTemplate(group.name, raw.name, options);
          if (template === null) {
            yield { type: "skipped", itemId: raw.id, reason: "the deployment was deleted while it was read" };
            continue;
          }
          items.push(normalizeArmDeployment(raw, template, { account: subscriptionId, region: normalizeRegion(group.location ?? "") }));
        }
        if (items.length > 0) yield { type: "items", items };
        state.operation = "deployments.listByResourceGroup";
      }
      state.operation = "resourceGroups.list";
    }
  }
}

/** One deployment and its exported template → one deployment. It must have an id, a name and a known state. */
export function normalizeArmDeployment(raw: RawArmDeployment, template: Record<string, unknown>, where: { account: string; region: string }): NormalizedDeployment {
  const p = raw.properties ?? {};
  const parameters: Record<string, string> = {};
  for (const [key, parameter] of Object.entries(p.parameters ?? {})) {
    // ARM returns no value for secureString and secureObject parameters: nothing to keep.
    if (parameter?.value === undefined) continue;
    parameters[key] = typeof parameter.value === "string" ? parameter.value : JSON.stringify(parameter.value);
  }
  const resources: DeployedResource[] = [];
  for (const r of p.outputResources ?? []) if (r.id) resources.push({ resourceId: r.id, type: armTypeOf(r.id), logicalId: null });
  const body = JSON.stringify(template);
  const metadata = template.metadata as { description?: unknown } | undefined;
  return {
    cloud: "azure",
    account: where.account,
    regionCode: where.region,
    deploymentId: raw.id as string,
    name: raw.name as string,
    status: deploymentStatusOf(armDeploymentStatuses, p.provisioningState) ?? "pending",
    cloudStatus: p.provisioningState as string,
    statusReason: p.error?.message ?? null,
    tags: { ...(raw.tags ?? {}) },
    parameters,
    // ARM keeps when a deployment last ran (`timestamp`), not when the first one did.
    createdAt: null,
    updatedAt: p.timestamp ? new Date(p.timestamp).toISOString() : null,
    durationSeconds: isoDurationSeconds(p.duration),
    template: { format: "arm", description: typeof metadata?.description === "string" ? metadata.description : null, body, contentHash: templateHash(body) },
    resources,
  };
}

/** `Microsoft.Compute/virtualMachines` from an ARM id (child types joined: `Microsoft.Sql/servers/databases`). */
export function armTypeOf(id: string): string {
  const at = id.toLowerCase().lastIndexOf("/providers/");
  if (at < 0) return "";
  const parts = id.slice(at + "/providers/".length).split("/");
  const namespace = parts[0] ?? "";
  const types: string[] = [];
  for (let i = 1; i < parts.length; i += 2) if (parts[i]) types.push(parts[i] as string);
  return [namespace, ...types].join("/");
}

/** Seconds of an ISO 8601 duration as ARM writes them (`PT1M23.456S`, `P1DT2H`), or null. */
export function isoDurationSeconds(text: string | undefined): number | null {
  const m = text ? /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text) : null;
  if (!m || text === "P" || text === "PT") return null;
  const [, d, h, min, s] = m;
  return Math.round(Number(d ?? 0) * 86_400 + Number(h ?? 0) * 3600 + Number(min ?? 0) * 60 + Number(s ?? 0));
}
