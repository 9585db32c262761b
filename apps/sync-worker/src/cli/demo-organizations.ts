import type { Database } from "@cloudsync/db";
import type { Emulators } from "../demo/load-emulators.ts";
import { syncResources } from "../jobs/sync-resources.ts";
import { silentLogger } from "../logger.ts";
import type { SyncDeps } from "../jobs/sync-run.ts";
import { addProvider } from "../providers/registry.ts";
import type { Keyring } from "../secrets/keyring.ts";
import { listDiscoveredAccounts } from "../write/discovered-accounts.ts";
import { ensureOrganization } from "./org.ts";
import { renderTable } from "./output.ts";

export interface OrganizationsDemoContext {
  db: Database;
  keyring: Keyring;
  deps: SyncDeps;
  emulators: Pick<Emulators, "startAwsEmulator" | "startGcpEmulator" | "startAzureEmulator">;
  seed: number;
  out: (line: string) => void;
}

const management = "210000000001";
const refusing = "210000000003";
const leaving = "210000000004";

/**
 * The demo's "whole organizations" part: a tenant whose AWS and GCP providers name an
 * organization root instead of listing accounts (the GCP one is shown after AWS's). Its emulator holds a management account, three members (one
 * refusing the role) and a suspended one; the demo syncs, prints what discovery found and how
 * each member's scopes ended, then a member leaves and a second sync terminates its resources.
 * Returns the errors that were not expected (the refusing member's are).
 */
export async function demoWholeOrganizations(ctx: OrganizationsDemoContext): Promise<string[]> {
  const aws = await demoAwsOrganization(ctx);
  const gcp = await demoGcpOrganization(ctx);
  const azure = await demoAzureOrganization(ctx);
  return [...aws, ...gcp, ...azure];
}

/** The tenant both organization providers belong to (one provider per cloud and tenant). */
const tenant = (db: Database) => ensureOrganization(db, { name: "Demo Org-wide Co", slug: "demo-org-wide-co", ownerEmail: "owner@orgwide.cloudsync.local" });

/** Each discovered account with its state, where it sits and how many of its scopes failed. */
async function printDiscovered(ctx: OrganizationsDemoContext, providerId: string, title: string, errors: readonly string[]): Promise<void> {
  const accounts = await listDiscoveredAccounts(ctx.db, providerId);
  const failedBy = new Map<string, number>();
  for (const e of errors) {
    const account = e.split(":")[1] ?? "";
    failedBy.set(account, (failedBy.get(account) ?? 0) + 1);
  }
  ctx.out(
    `${title}\n${renderTable(
      ["account", "name", "state", "where", "failed scopes"],
      accounts.map((a) => [a.accountId, a.name, a.state, a.parentPath ?? "-", failedBy.get(a.accountId) ?? 0]),
    )}`,
  );
}

async function demoGcpOrganization(ctx: OrganizationsDemoContext): Promise<string[]> {
  const parent = "organizations/100000000123";
  const denied = "demo-org-locked";
  const leavingProject = "demo-org-sandbox";
  const gcp = await ctx.emulators.startGcpEmulator({
    seed: ctx.seed,
    size: 40,
    projects: ["demo-org-app", "demo-org-web", denied, leavingProject],
    deniedProjects: [denied],
    organization: {
      id: parent,
      folders: [{ name: "folders/4001", parent, displayName: "prod" }],
      projects: [
        { projectId: "demo-org-app", displayName: "app" },
        { projectId: "demo-org-web", parent: "folders/4001", displayName: "web" },
        { projectId: denied, parent: "folders/4001", displayName: "locked" },
        { projectId: leavingProject, displayName: "sandbox" },
        { projectId: "demo-org-closing", displayName: "closing", state: "DELETE_REQUESTED" },
      ],
    },
  });
  try {
    const org = await tenant(ctx.db);
    const provider = await addProvider(ctx.db, ctx.keyring, {
      organizationId: org.organizationId,
      createdBy: org.ownerId,
      credentials: { cloud: "gcp", serviceAccountKey: { ...gcp.serviceAccountKey }, organization: { parent }, tokenUri: gcp.tokenUri, endpoint: gcp.endpoint },
    });
    const deps: SyncDeps = { ...ctx.deps, logger: silentLogger() };
    const first = await syncResources(deps, { providerId: provider.id, trigger: "demo" });
    await printDiscovered(ctx, provider.id, `GCP ${parent} discovered (first sync ${first.status}, ${first.inserted} resources)`, first.errors);
    ctx.out(`${denied}'s scopes failed (the service account holds no role on it), the others synced.`);
    gcp.mutate.leaveOrganization(leavingProject);
    const second = await syncResources(deps, { providerId: provider.id, trigger: "demo" });
    ctx.out(`After ${leavingProject} moved out of the organization, the next sync terminated its ${second.terminated} resources (state: left)\n`);
    return [...first.errors, ...second.errors].filter((e) => !e.includes(`:${denied}:`));
  } finally {
    await gcp.close();
  }
}

async function demoAzureOrganization(ctx: OrganizationsDemoContext): Promise<string[]> {
  const subscriptions = ["a1000000-0000-4000-8000-000000000001", "a1000000-0000-4000-8000-000000000002", "a1000000-0000-4000-8000-000000000003", "a1000000-0000-4000-8000-000000000004"];
  const [app, web, locked, leavingSubscription] = subscriptions as [string, string, string, string];
  const azure = await ctx.emulators.startAzureEmulator({
    seed: ctx.seed,
    size: 40,
    subscriptions,
    deniedSubscriptions: [locked],
    tenant: {
      managementGroups: [{ name: "mg-prod", displayName: "prod" }],
      subscriptions: [
        { subscriptionId: app, displayName: "app" },
        { subscriptionId: web, displayName: "web", managementGroup: "mg-prod" },
        { subscriptionId: locked, displayName: "locked", managementGroup: "mg-prod" },
        { subscriptionId: leavingSubscription, displayName: "sandbox" },
        { subscriptionId: "a1000000-0000-4000-8000-000000000005", displayName: "old", state: "Disabled" },
      ],
    },
  });
  try {
    const org = await tenant(ctx.db);
    const provider = await addProvider(ctx.db, ctx.keyring, {
      organizationId: org.organizationId,
      createdBy: org.ownerId,
      credentials: {
        cloud: "azure",
        tenantId: azure.tenantId,
        clientId: azure.clientId,
        clientSecret: azure.clientSecret,
        organization: { managementGroup: azure.tenantId },
        authorityHost: azure.authorityHost,
        endpoint: azure.endpoint,
        caCertificate: azure.caCertificate,
      },
    });
    const deps: SyncDeps = { ...ctx.deps, logger: silentLogger() };
    const first = await syncResources(deps, { providerId: provider.id, trigger: "demo" });
    await printDiscovered(ctx, provider.id, `Azure tenant root group discovered (first sync ${first.status}, ${first.inserted} resources)`, first.errors);
    ctx.out("The subscription without a role answered 403 AuthorizationFailed and failed alone; the others synced.");
    azure.mutate.leaveTenant(leavingSubscription);
    const second = await syncResources(deps, { providerId: provider.id, trigger: "demo" });
    ctx.out(`After the sandbox subscription left the tenant, the next sync terminated its ${second.terminated} resources (state: left)\n`);
    return [...first.errors, ...second.errors].filter((e) => !e.includes(`:${locked}:`));
  } finally {
    await azure.close();
  }
}

async function demoAwsOrganization(ctx: OrganizationsDemoContext): Promise<string[]> {
  const aws = await ctx.emulators.startAwsEmulator({
    seed: ctx.seed,
    size: 60,
    regions: ["us-east-1", "eu-west-1"],
    accounts: [{ accountId: management }, { accountId: "210000000002" }, { accountId: refusing, refuseRoles: true }, { accountId: leaving }],
    organization: {
      units: [{ id: "ou-demo-prod0001", name: "prod", parentId: "r-demo" }],
      rootId: "r-demo",
      id: "o-demo0rg001",
      members: [
        { accountId: management, name: "management" },
        { accountId: "210000000002", name: "prod-web", parentId: "ou-demo-prod0001" },
        { accountId: refusing, name: "prod-locked", parentId: "ou-demo-prod0001" },
        { accountId: leaving, name: "sandbox" },
        { accountId: "210000000005", name: "closed", status: "SUSPENDED" },
      ],
    },
  });
  try {
    const org = await tenant(ctx.db);
    const provider = await addProvider(ctx.db, ctx.keyring, {
      organizationId: org.organizationId,
      createdBy: org.ownerId,
      regions: ["us-east-1", "eu-west-1"],
      credentials: {
        cloud: "aws",
        accessKeyId: aws.baseCredentials.accessKeyId,
        secretAccessKey: aws.baseCredentials.secretAccessKey,
        accounts: [{ accountId: management }],
        // Naming the root as an include rule makes discovery walk each member's OU path.
        organization: { roleName: "OrganizationAccountAccessRole", include: { organizationalUnits: ["r-demo"] } },
        endpoint: aws.endpoint,
      },
    });
    // The refusing member fails two dozen scopes on purpose: the table below says so once,
    // instead of a warning per scope.
    const deps: SyncDeps = { ...ctx.deps, logger: silentLogger() };
    const first = await syncResources(deps, { providerId: provider.id, trigger: "demo" });
    await printDiscovered(ctx, provider.id, `Whole organizations: AWS organization o-demo0rg001 discovered (first sync ${first.status}, ${first.inserted} resources)`, first.errors);
    const refusal = first.errors.find((e) => e.includes(`:${refusing}:`));
    if (refusal) ctx.out(`${refusing}'s scopes failed, the others synced: ${refusal.slice(refusal.indexOf(": ") + 2, refusal.indexOf(". Check"))}.\n`);
    aws.mutate.leaveOrganization(leaving);
    const second = await syncResources(deps, { providerId: provider.id, trigger: "demo" });
    ctx.out(`After ${leaving} left the organization, the next sync terminated its ${second.terminated} resources (state: left)\n`);
    // The refusing member's scopes are the demo's point; anything else failing is not.
    return [...first.errors, ...second.errors].filter((e) => !e.includes(`:${refusing}:`));
  } finally {
    await aws.close();
  }
}
