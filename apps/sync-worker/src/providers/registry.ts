import { type Database, type ProviderType, cloudProviders } from "@cloudsync/db";
import { and, eq } from "drizzle-orm";
import type { Keyring } from "../secrets/keyring.ts";
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
 * then sealed with the active key before they reach the database; the seed's unique key
 * (organization, provider name) makes a second `add` for the same cloud an update.
 */
export async function addProvider(db: Database, keyring: Keyring, input: AddProviderInput) {
  const credentials = parseProviderCredentials(input.credentials);
  const sealed = keyring.seal(credentials) as unknown as Record<string, unknown>;
  const values = {
    organizationId: input.organizationId,
    providerName: credentials.cloud,
    providerType: input.providerType ?? "primary",
    displayName: input.displayName ?? defaultDisplayName(credentials),
    regions: input.regions ?? [],
    credentialsConfig: sealed,
    quotaLimits: (input.settings ?? {}) as Record<string, unknown>,
    createdBy: input.createdBy,
    isActive: true,
  };
  const [row] = await db
    .insert(cloudProviders)
    .values(values)
    .onConflictDoUpdate({
      target: [cloudProviders.organizationId, cloudProviders.providerName],
      set: {
        credentialsConfig: values.credentialsConfig,
        displayName: values.displayName,
        providerType: values.providerType,
        regions: values.regions,
        quotaLimits: values.quotaLimits,
        isActive: true,
      },
    })
    .returning({
      id: cloudProviders.id,
      providerName: cloudProviders.providerName,
      displayName: cloudProviders.displayName,
      organizationId: cloudProviders.organizationId,
    });
  return row!;
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
    credentials: parseProviderCredentials(keyring.open(row.credentialsConfig), `stored credentials of provider ${row.id}`),
  };
}

function defaultDisplayName(c: ProviderCredentials): string {
  switch (c.cloud) {
    case "aws":
      return `AWS (${c.accounts.length} account${c.accounts.length === 1 ? "" : "s"})`;
    case "azure":
      return `Azure (${c.subscriptions.length} subscription${c.subscriptions.length === 1 ? "" : "s"})`;
    case "gcp":
      return `Google Cloud (${c.projects.length} project${c.projects.length === 1 ? "" : "s"})`;
  }
}
