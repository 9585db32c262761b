import { type Database, type ProviderType, cloudProviders } from "@cloudsync/db";
import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { type Keyring, KeyringError, currentEnvelopeVersion, isEnvelope } from "../secrets/keyring.ts";
import { type ProviderCredentials, parseProviderCredentials } from "./credentials.ts";

/** Sync settings kept on the provider (in `quota_limits`, the design document's per-provider limits). */
export interface ProviderSyncSettings {
  requestsPerSecond?: number;
  concurrency?: number;
  /** Minutes between scheduled syncs of each kind. */
  intervals?: { resources?: number; costs?: number; metrics?: number };
}

export interface AddProviderInput {
  organizationId: string;
  createdBy: string;
  credentials: unknown;
  displayName?: string;
  providerType?: ProviderType;
  regions?: string[];
  settings?: ProviderSyncSettings;
}

/**
 * Registers (or re-keys) an organization's provider for one cloud. Credentials are validated,
 * then sealed with the active key, bound to the organization and to the provider's id, before
 * they reach the database. The id must be known before sealing, so a new provider gets its id
 * here; the seed's unique key (organization, provider name) makes a second `add` for the same
 * cloud an update of the existing row, sealed for that row's id.
 */
export async function addProvider(db: Database, keyring: Keyring, input: AddProviderInput) {
  const credentials = parseProviderCredentials(input.credentials);
  const fields = {
    providerType: input.providerType ?? "primary",
    displayName: input.displayName ?? defaultDisplayName(credentials),
    regions: input.regions ?? [],
    quotaLimits: (input.settings ?? {}) as Record<string, unknown>,
    isActive: true,
  };
  const returned = {
    id: cloudProviders.id,
    providerName: cloudProviders.providerName,
    displayName: cloudProviders.displayName,
    organizationId: cloudProviders.organizationId,
  };
  const sealFor = (providerId: string) => keyring.seal(credentials, { organizationId: input.organizationId, providerId }) as unknown as Record<string, unknown>;
  return db.transaction(async (tx) => {
    const id = randomUUID();
    // DO NOTHING, not DO UPDATE: an update would store an envelope sealed for `id` on a row with
    // another id. A concurrent add of the same cloud makes this wait, then find that row below.
    const [inserted] = await tx
      .insert(cloudProviders)
      .values({ id, organizationId: input.organizationId, providerName: credentials.cloud, credentialsConfig: sealFor(id), createdBy: input.createdBy, ...fields })
      .onConflictDoNothing({ target: [cloudProviders.organizationId, cloudProviders.providerName] })
      .returning(returned);
    if (inserted) return inserted;
    const [existing] = await tx
      .select({ id: cloudProviders.id })
      .from(cloudProviders)
      .where(and(eq(cloudProviders.organizationId, input.organizationId), eq(cloudProviders.providerName, credentials.cloud)))
      .for("update");
    if (!existing) throw new Error(`provider ${credentials.cloud} of organization ${input.organizationId} conflicted on insert but cannot be read; is row-level security hiding it?`);
    const [updated] = await tx
      .update(cloudProviders)
      .set({ credentialsConfig: sealFor(existing.id), ...fields })
      .where(eq(cloudProviders.id, existing.id))
      .returning(returned);
    return updated!;
  });
}

export interface ProviderSummary {
  id: string;
  organizationId: string;
  providerName: string;
  displayName: string;
  isActive: boolean | null;
  healthStatus: string | null;
  lastSyncAt: Date | null;
  regions: string[];
}

/** Providers without their credentials, for listings and schedulers. */
export async function listProviders(db: Database, options: { activeOnly?: boolean } = {}): Promise<ProviderSummary[]> {
  return db
    .select({
      id: cloudProviders.id,
      organizationId: cloudProviders.organizationId,
      providerName: cloudProviders.providerName,
      displayName: cloudProviders.displayName,
      isActive: cloudProviders.isActive,
      healthStatus: cloudProviders.healthStatus,
      lastSyncAt: cloudProviders.lastSyncAt,
      regions: cloudProviders.regions,
    })
    .from(cloudProviders)
    .where(options.activeOnly ? eq(cloudProviders.isActive, true) : undefined)
    .orderBy(cloudProviders.organizationId, cloudProviders.providerName);
}

export interface ProviderForSync {
  id: string;
  isActive: boolean;
  organizationId: string;
  providerName: string;
  createdBy: string;
  regions: string[];
  settings: ProviderSyncSettings;
  credentials: ProviderCredentials;
}

export class ProviderNotFoundError extends Error {
  override name = "ProviderNotFoundError";
}

/** Loads a provider and opens its credentials, in memory only, for one job. */
export async function loadProviderForSync(db: Database, keyring: Keyring, providerId: string): Promise<ProviderForSync> {
  const [row] = await db
    .select()
    .from(cloudProviders)
    .where(and(eq(cloudProviders.id, providerId)));
  if (!row) throw new ProviderNotFoundError(`provider ${providerId} does not exist; \`cloudsync provider list\` shows the registered ones`);
  return {
    id: row.id,
    isActive: row.isActive ?? true,
    organizationId: row.organizationId,
    providerName: row.providerName,
    createdBy: row.createdBy,
    regions: row.regions ?? [],
    settings: (row.quotaLimits ?? {}) as ProviderSyncSettings,
    credentials: parseProviderCredentials(await openAndUpgrade(db, keyring, row), `stored credentials of provider ${row.id}`),
  };
}

/**
 * Opens a provider's envelope. One sealed before envelopes were bound to their provider
 * (version 1) is re-sealed bound, with the active key, at this first use, so the estate migrates
 * as the worker runs; the update applies only if the row still holds what was read (a
 * concurrent `keys rotate` or `provider add` wins).
 */
async function openAndUpgrade(db: Database, keyring: Keyring, row: { id: string; organizationId: string; credentialsConfig: Record<string, unknown> }): Promise<unknown> {
  const binding = { organizationId: row.organizationId, providerId: row.id };
  let plaintext: unknown;
  try {
    plaintext = keyring.open(row.credentialsConfig, binding);
  } catch (error) {
    if (error instanceof KeyringError) throw new KeyringError(`provider ${row.id}: ${error.message}`);
    throw error;
  }
  if (isEnvelope(row.credentialsConfig) && row.credentialsConfig.v < currentEnvelopeVersion) {
    await db
      .update(cloudProviders)
      .set({ credentialsConfig: keyring.seal(plaintext, binding) as unknown as Record<string, unknown> })
      .where(and(eq(cloudProviders.id, row.id), sql`${cloudProviders.credentialsConfig} = ${JSON.stringify(row.credentialsConfig)}::jsonb`));
  }
  return plaintext;
}

function defaultDisplayName(c: ProviderCredentials): string {
  switch (c.cloud) {
    case "aws":
      if (c.organization) return c.accounts.length > 0 ? `AWS (organization + ${c.accounts.length} listed)` : "AWS (organization)";
      return `AWS (${c.accounts.length} account${c.accounts.length === 1 ? "" : "s"})`;
    case "azure":
      if (c.organization) return `Azure (${c.organization.managementGroup ? `management group ${c.organization.managementGroup}` : "every visible subscription"})`;
      return `Azure (${c.subscriptions.length} subscription${c.subscriptions.length === 1 ? "" : "s"})`;
    case "gcp":
      if (c.organization) return `Google Cloud (${c.organization.parent})`;
      return `Google Cloud (${c.projects.length} project${c.projects.length === 1 ? "" : "s"})`;
    case "digitalocean":
      return `DigitalOcean (${c.teams.length} team${c.teams.length === 1 ? "" : "s"})`;
    case "linode":
      return `Linode (${c.accounts.length} account${c.accounts.length === 1 ? "" : "s"})`;
    case "vultr":
      return `Vultr (${c.accounts.length} account${c.accounts.length === 1 ? "" : "s"})`;
  }
}
