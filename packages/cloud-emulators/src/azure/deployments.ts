import { createRng } from "../rng.ts";
import type { AzureEstate, EstateItem } from "./estate.ts";
import type { HttpAnswer } from "./identity.ts";
import { armError, decodeSkipToken, encodeSkipToken } from "./wire.ts";

/**
 * ARM resource groups and their deployments (Microsoft.Resources, api-version 2021-04-01 and
 * later), as the REST reference shows them: `GET …/resourcegroups` and `GET …/resourcegroups/
 * {rg}/providers/Microsoft.Resources/deployments` answer `{ value, nextLink }`, and `POST …/
 * deployments/{name}/exportTemplate` answers `{ template }`. Deployments are made once, when
 * the emulator starts, from the first resources of each subscription: each lists some of its
 * resource group's resources in `properties.outputResources`, with the resource group spelled
 * as the deployment's (ARM ids are case-insensitive and deployments do not keep the case of
 * `resources.list`), plus a role assignment that no resource listing reports.
 */

/** What a correct adapter reports for one deployment, computed from the estate. */
export interface AzureExpectedDeployment {
  subscriptionId: string;
  resourceGroup: string;
  /** The resource group's location. */
  location: string;
  deploymentId: string;
  name: string;
  /** The raw `properties.provisioningState`. */
  provisioningState: string;
  tags: Record<string, string>;
  parameters: Record<string, string>;
  templateName: "web-app" | "data-platform";
  /** The ids `resources.list` reports for the resources the deployment created. */
  resourceIds: string[];
  notInventoried: number;
}

interface ResourceGroup {
  name: string;
  location: string;
}

interface EmulatedDeployment extends AzureExpectedDeployment {
  timestamp: string;
  duration: string;
  correlationId: string;
  outputIds: string[];
}

const states = ["Succeeded", "Succeeded", "Failed", "Succeeded", "Running"] as const;
const deploymentsPerSubscription = 3;
const resourcesPerDeployment = 4;
/** Items per page of both listings: small, so clients must follow nextLink. */
const pageSize = 2;

const templates = {
  "web-app": {
    $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
    contentVersion: "1.0.0.0",
    metadata: { description: "Web app with its plan and storage" },
    parameters: { environment: { type: "string" }, sku: { type: "string", defaultValue: "P1v3" } },
    resources: [{ type: "Microsoft.Web/sites", apiVersion: "2023-01-01", name: "[concat('app-', parameters('environment'))]", location: "[resourceGroup().location]" }],
  },
  "data-platform": {
    $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
    contentVersion: "1.0.0.0",
    metadata: { description: "Databases, VMs and their network" },
    parameters: { environment: { type: "string" }, vmSize: { type: "string", defaultValue: "Standard_D2s_v5" } },
    resources: [{ type: "Microsoft.Compute/virtualMachines", apiVersion: "2024-03-01", name: "[concat('vm-', parameters('environment'))]", location: "[resourceGroup().location]" }],
  },
} as const;

export interface DeploymentBook {
  resourceGroups(subscriptionId: string): ResourceGroup[];
  deployments(subscriptionId: string, resourceGroup: string): EmulatedDeployment[];
  expected(): AzureExpectedDeployment[];
}

export function createDeploymentBook(estate: AzureEstate): DeploymentBook {
  const groups = new Map<string, ResourceGroup[]>();
  const deployments = new Map<string, EmulatedDeployment[]>();
  const key = (sub: string, rg: string) => `${sub.toLowerCase()}/${rg.toLowerCase()}`;
  for (const sub of estate.subscriptions) {
    const members = new Map<string, EstateItem[]>();
    const found: ResourceGroup[] = [];
    let position: number | null = 0;
    while (position !== null) {
      const page: ReturnType<AzureEstate["scan"]> = estate.scan(sub, position, 1000, () => true);
      for (const item of page.items) {
        const rg = item.resourceGroup.toLowerCase();
        // ARM resource group names are case-insensitive: RG-X and rg-x are one group.
        if (!members.has(rg)) {
          members.set(rg, []);
          found.push({ name: rg, location: item.location === "global" ? "westeurope" : item.location.toLowerCase().replace(/\s+/g, "") });
        }
        (members.get(rg) as EstateItem[]).push(item);
      }
      position = page.next;
    }
    groups.set(sub.toLowerCase(), found);
    const rng = createRng(`${estate.seed}:deployments:${sub}`);
    found.slice(0, deploymentsPerSubscription).forEach((group, n) => {
      const items = (members.get(group.name) ?? []).slice(0, resourcesPerDeployment);
      const first = items[0] as EstateItem;
      const env = first.tags?.env ?? first.tags?.environment ?? "dev";
      const templateName = items.some((i) => i.type.startsWith("Microsoft.Compute") || i.type.startsWith("Microsoft.Sql")) ? "data-platform" : "web-app";
      const name = `${templateName}-${env}-${n}`;
      const provisioningState = states[n % states.length] as string;
      const roleAssignment = `/subscriptions/${sub}/resourceGroups/${group.name}/providers/Microsoft.Authorization/roleAssignments/${rng.hex(8)}-${rng.hex(4)}-4${rng.hex(3)}-8${rng.hex(3)}-${rng.hex(12)}`;
      const deployment: EmulatedDeployment = {
        subscriptionId: sub,
        resourceGroup: group.name,
        location: group.location,
        deploymentId: `/subscriptions/${sub}/resourceGroups/${group.name}/providers/Microsoft.Resources/deployments/${name}`,
        name,
        provisioningState,
        tags: { env, "deployed-by": "pipeline" },
        parameters: { environment: env, ...(templateName === "web-app" ? { sku: "P1v3" } : { vmSize: "Standard_D2s_v5" }) },
        templateName,
        // A deployment still running has reported no output resources yet.
        resourceIds: provisioningState === "Running" ? [] : items.map((i) => i.id),
        notInventoried: provisioningState === "Running" ? 0 : 1,
        timestamp: new Date(Date.UTC(2025, rng.int(0, 12), rng.int(1, 28), rng.int(0, 24), rng.int(0, 60))).toISOString(),
        duration: `PT${rng.int(1, 9)}M${rng.int(0, 60)}.${rng.int(100, 999)}S`,
        correlationId: `${rng.hex(8)}-${rng.hex(4)}-4${rng.hex(3)}-8${rng.hex(3)}-${rng.hex(12)}`,
        // The deployment spells the resource group its own way (lower case).
        outputIds: [...items.map((i) => i.id.replace(`/resourceGroups/${i.resourceGroup}/`, `/resourceGroups/${group.name}/`)), roleAssignment],
      };
      deployments.set(key(sub, group.name), [deployment]);
    });
  }
  return {
    resourceGroups: (sub) => groups.get(sub.toLowerCase()) ?? [],
    deployments: (sub, rg) => deployments.get(key(sub, rg)) ?? [],
    expected: () =>
      [...deployments.values()].flat().map(({ timestamp: _t, duration: _d, correlationId: _c, outputIds: _o, ...expected }) => expected),
  };
}

function page<T>(items: readonly T[], url: URL, baseUrl: string): { items: T[]; nextLink: string | null } | null {
  const token = url.searchParams.get("$skiptoken");
  const start = token === null ? 0 : decodeSkipToken(token);
  if (start === null) return null;
  const top = Number(url.searchParams.get("$top") ?? pageSize);
  const size = Number.isInteger(top) && top > 0 ? Math.min(top, pageSize) : pageSize;
  const slice = items.slice(start, start + size);
  if (start + size >= items.length) return { items: slice, nextLink: null };
  const link = new URL(url.pathname, baseUrl);
  link.searchParams.set("api-version", url.searchParams.get("api-version") ?? "");
  link.searchParams.set("$skiptoken", encodeSkipToken(start + size));
  return { items: slice, nextLink: link.toString() };
}

const badToken: HttpAnswer = { status: 400, body: armError("InvalidSkipToken", "The $skiptoken is not valid.") };

export function listResourceGroups(book: DeploymentBook, subscriptionId: string, url: URL, baseUrl: string): HttpAnswer {
  const p = page(book.resourceGroups(subscriptionId), url, baseUrl);
  if (!p) return badToken;
  const value = p.items.map((g) => ({
    id: `/subscriptions/${subscriptionId}/resourceGroups/${g.name}`,
    name: g.name,
    type: "Microsoft.Resources/resourceGroups",
    location: g.location,
    properties: { provisioningState: "Succeeded" },
  }));
  return { status: 200, body: p.nextLink ? { value, nextLink: p.nextLink } : { value } };
}

function findGroup(book: DeploymentBook, subscriptionId: string, resourceGroup: string): ResourceGroup | undefined {
  return book.resourceGroups(subscriptionId).find((g) => g.name === resourceGroup.toLowerCase());
}

const groupNotFound = (rg: string): HttpAnswer => ({ status: 404, body: armError("ResourceGroupNotFound", `Resource group '${rg}' could not be found.`) });

export function listDeployments(book: DeploymentBook, subscriptionId: string, resourceGroup: string, url: URL, baseUrl: string): HttpAnswer {
  if (!findGroup(book, subscriptionId, resourceGroup)) return groupNotFound(resourceGroup);
  const p = page(book.deployments(subscriptionId, resourceGroup), url, baseUrl);
  if (!p) return badToken;
  const value = p.items.map((d) => ({
    id: d.deploymentId,
    name: d.name,
    type: "Microsoft.Resources/deployments",
    tags: d.tags,
    properties: {
      templateHash: String(Math.abs(hashOf(JSON.stringify(templates[d.templateName])))),
      parameters: Object.fromEntries(Object.entries(d.parameters).map(([k, v]) => [k, { type: "String", value: v }])),
      mode: "Incremental",
      provisioningState: d.provisioningState,
      timestamp: d.timestamp,
      duration: d.duration,
      correlationId: d.correlationId,
      providers: [],
      dependencies: [],
      ...(d.provisioningState === "Running" ? {} : { outputResources: d.outputIds.map((id) => ({ id })) }),
      ...(d.provisioningState === "Failed"
        ? { error: { code: "DeploymentFailed", message: "At least one resource deployment operation failed. Please list deployment operations for details." } }
        : {}),
    },
  }));
  return { status: 200, body: p.nextLink ? { value, nextLink: p.nextLink } : { value } };
}

export function exportTemplate(book: DeploymentBook, subscriptionId: string, resourceGroup: string, name: string): HttpAnswer {
  if (!findGroup(book, subscriptionId, resourceGroup)) return groupNotFound(resourceGroup);
  const d = book.deployments(subscriptionId, resourceGroup).find((x) => x.name.toLowerCase() === name.toLowerCase());
  if (!d) return { status: 404, body: armError("DeploymentNotFound", `Deployment '${name}' could not be found.`) };
  return { status: 200, body: { template: templates[d.templateName] } };
}

function hashOf(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  return h;
}
