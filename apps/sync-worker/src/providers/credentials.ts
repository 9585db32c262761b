import { z } from "zod";

/**
 * What `cloudsync provider add --credentials FILE` accepts, per cloud. Everything in it is
 * sealed into `cloud_providers.credentials_config`; endpoint overrides (emulators, private
 * endpoints) travel with the secrets because they decide where the secrets are sent.
 */
const endpoint = z.url({ protocol: /^https?$/ }).optional();

const awsAccountId = z.string().regex(/^\d{12}$/, "an AWS account id is 12 digits");
const awsOrganizationalUnit = z.string().regex(/^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/, "an OU id (ou-xxxx-xxxxxxxx) or the root (r-xxxx)");
const awsMembership = z.strictObject({ accounts: z.array(awsAccountId).optional(), organizationalUnits: z.array(awsOrganizationalUnit).optional() });

/**
 * An AWS organization root: the base key belongs to the management (or a delegated
 * administrator) account, and every member trusts it with `roleName`.
 */
const awsOrganization = z.strictObject({
  roleName: z.string().regex(/^[\w+=,.@/-]{1,512}$/, "an IAM role name, e.g. OrganizationAccountAccessRole"),
  /** `{accountId}` is replaced by each member's id. */
  externalId: z.string().min(2).max(1224).optional(),
  sessionName: z.string().regex(/^[\w+=,.@-]{2,64}$/, "2–64 letters, digits and +=,.@-").optional(),
  include: awsMembership.optional(),
  exclude: awsMembership.optional(),
});

const awsCredentials = z.object({
  cloud: z.literal("aws"),
  accessKeyId: z.string().min(16).max(128),
  secretAccessKey: z.string().min(16),
  sessionToken: z.string().optional(),
  /** Read every member of the organization the key manages, besides `accounts`. */
  organization: awsOrganization.optional(),
  accounts: z
    .array(
      z.object({
        accountId: awsAccountId,
        roleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, "expected arn:aws:iam::<account>:role/<name>").optional(),
        externalId: z.string().min(2).max(1224).optional(),
      }),
    )
    .default([]),
  homeRegion: z.string().optional(),
  endpoint,
});

const azureSubscriptionId = z.uuid("a subscription id is a UUID");
const azureManagementGroup = z.string().regex(/^[\w().-]{1,90}$/, "a management group name (its id's last segment, e.g. the tenant id for the root)");
const azureMembership = z.strictObject({ subscriptions: z.array(azureSubscriptionId).optional(), managementGroups: z.array(azureManagementGroup).optional() });

/** Every subscription the principal sees (`{}`), or those below `managementGroup`. */
const azureOrganization = z.strictObject({
  managementGroup: azureManagementGroup.optional(),
  include: azureMembership.optional(),
  exclude: azureMembership.optional(),
});

const azureCredentials = z.object({
  cloud: z.literal("azure"),
  tenantId: z.string().min(1),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  subscriptions: z.array(azureSubscriptionId).default([]),
  /** Also read the subscriptions discovered in the tenant or below a management group. */
  organization: azureOrganization.optional(),
  authorityHost: endpoint,
  endpoint,
  /** PEM to trust instead of the system CAs (emulators, TLS-inspecting proxies only). */
  caCertificate: z.string().includes("BEGIN CERTIFICATE").optional(),
});

const gcpProjectId = z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, "a GCP project id: 6–30 lower-case letters, digits, hyphens");
const gcpFolder = z.string().regex(/^folders\/\d+$/, "a folder: folders/<number>");
const gcpMembership = z.strictObject({ projects: z.array(gcpProjectId).optional(), folders: z.array(gcpFolder).optional() });

/** A GCP organization or folder whose projects (folders followed recursively) are all read. */
const gcpOrganization = z.strictObject({
  parent: z.string().regex(/^(organizations|folders)\/\d+$/, "organizations/<number> or folders/<number>"),
  include: gcpMembership.optional(),
  exclude: gcpMembership.optional(),
});

const gcpCredentials = z.object({
  cloud: z.literal("gcp"),
  serviceAccountKey: z
    .object({
      client_email: z.string().includes("@"),
      private_key: z.string().includes("PRIVATE KEY"),
      private_key_id: z.string().optional(),
      project_id: z.string().optional(),
      token_uri: z.string().optional(),
      type: z.string().optional(),
    })
    .passthrough(),
  projects: z.array(gcpProjectId).default([]),
  /** Read every project under this organization or folder, besides `projects`. */
  organization: gcpOrganization.optional(),
  tokenUri: endpoint,
  endpoint,
  /** The Cloud Billing export table, `project.dataset.table` (costs only). */
  billingExportTable: z
    .string()
    .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]\.[A-Za-z0-9_]{1,1024}\.[A-Za-z0-9_]{1,1024}$/, "expected project.dataset.table")
    .optional(),
});

/**
 * DigitalOcean: a personal access token is scoped to exactly one team, so each team is listed
 * with its own read token; the team id (`GET /v2/account` → `account.team.uuid`) is the
 * scopes' account, and the adapter checks each token belongs to the team it is listed under.
 */
const digitaloceanCredentials = z.object({
  cloud: z.literal("digitalocean"),
  teams: z
    .array(
      z.strictObject({
        teamId: z.uuid("a team id is the team's UUID (GET /v2/account → account.team.uuid)"),
        token: z.string().regex(/^[A-Za-z0-9_]{20,128}$/, "a DigitalOcean API token (dop_v1_ and 64 hex digits), with read access"),
      }),
    )
    .min(1, "list at least one team with its token")
    .refine((teams) => new Set(teams.map((t) => t.teamId)).size === teams.length, "each team once"),
  endpoint,
});

/**
 * Linode: one personal access token (read-only scopes) per account, paired with the account's
 * `euuid` (GET /account), which the adapter checks the token against. Linode has no organization
 * root: each child account of a parent/child setup is listed with a token of its own.
 */
const linodeCredentials = z.object({
  cloud: z.literal("linode"),
  accounts: z
    .array(
      z.strictObject({
        account: z.string().regex(/^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{12}$/, "the account's euuid (GET /account), e.g. E1AF5EEC-526F-487D-B317EBEB34C87D71"),
        token: z.string().min(16, "a Linode personal access token"),
      }),
    )
    .min(1, "list at least one account with its token"),
  endpoint,
});

/**
 * Vultr: one personal access token per account (Account → API); a sub-account is an account of
 * its own with its own token. `account` is the name cloudsync gives it (the API returns no
 * stable account id), so it must stay the same for the account's rows to stay the same.
 */
const vultrAccountName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "an account name: lower-case letters, digits and hyphens, e.g. main or events-team");
const vultrCredentials = z.object({
  cloud: z.literal("vultr"),
  accounts: z
    .array(z.object({ account: vultrAccountName, apiKey: z.string().regex(/^[A-Z0-9]{36}$/, "a Vultr API key is 36 upper-case letters and digits") }))
    .min(1, "list at least one account with its API key")
    .refine((list) => new Set(list.map((a) => a.account)).size === list.length, "each account name once"),
  endpoint,
});

export const providerCredentialsSchema = z
  .discriminatedUnion("cloud", [awsCredentials, azureCredentials, gcpCredentials, digitaloceanCredentials, linodeCredentials, vultrCredentials])
  .superRefine((c, ctx) => {
    if (c.cloud === "aws" && c.accounts.length === 0 && !c.organization) {
      ctx.addIssue({ code: "custom", path: ["accounts"], message: "list at least one account, or name an organization to discover them" });
    }
    if (c.cloud === "azure" && c.subscriptions.length === 0 && !c.organization) {
      ctx.addIssue({ code: "custom", path: ["subscriptions"], message: "list at least one subscription, or name an organization to discover them" });
    }
    if (c.cloud === "gcp" && c.projects.length === 0 && !c.organization) {
      ctx.addIssue({ code: "custom", path: ["projects"], message: "list at least one project, or name an organization to discover them" });
    }
  });
export type ProviderCredentials = z.infer<typeof providerCredentialsSchema>;
export type AwsProviderCredentials = z.infer<typeof awsCredentials>;
export type AzureProviderCredentials = z.infer<typeof azureCredentials>;
export type GcpProviderCredentials = z.infer<typeof gcpCredentials>;
export type DigitalOceanProviderCredentials = z.infer<typeof digitaloceanCredentials>;
export type LinodeProviderCredentials = z.infer<typeof linodeCredentials>;
export type VultrProviderCredentials = z.infer<typeof vultrCredentials>;

export class CredentialsFileError extends Error {
  override name = "CredentialsFileError";
}

/**
 * Validates a credentials document. The message lists each wrong field and never repeats a
 * value, so a pasted secret cannot end up in a terminal log.
 */
export function parseProviderCredentials(input: unknown, source = "credentials"): ProviderCredentials {
  const result = providerCredentialsSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `  - ${i.path.join(".") || "(top level)"}: ${i.message}`);
  throw new CredentialsFileError(
    `${source} is not valid:\n${problems.join("\n")}\nSee README "Pointing the adapters at real accounts" for each cloud's fields.`,
  );
}

/** The secret strings inside credentials, for redacting logs and error messages. */
export function secretsOf(credentials: ProviderCredentials): string[] {
  switch (credentials.cloud) {
    case "aws":
      return [credentials.secretAccessKey, credentials.sessionToken, credentials.accessKeyId].filter((s): s is string => !!s);
    case "azure":
      return [credentials.clientSecret];
    case "gcp":
      return [credentials.serviceAccountKey.private_key, credentials.serviceAccountKey.private_key_id].filter((s): s is string => !!s);
    case "digitalocean":
      return credentials.teams.map((t) => t.token);
    case "linode":
      return credentials.accounts.map((a) => a.token);
    case "vultr":
      return credentials.accounts.map((a) => a.apiKey);
  }
}

/** The accounts, subscriptions or projects the credentials list by hand (discovered ones aside). */
export function configuredAccounts(credentials: ProviderCredentials): string[] {
  switch (credentials.cloud) {
    case "aws":
      return credentials.accounts.map((a) => a.accountId);
    case "azure":
      return [...credentials.subscriptions];
    case "gcp":
      return [...credentials.projects];
    case "digitalocean":
      return credentials.teams.map((t) => t.teamId);
    case "linode":
    case "vultr":
      return credentials.accounts.map((a) => a.account);
  }
}
