import { relations, sql } from "drizzle-orm";
import { check, index, pgTable, text, unique, uuid, varchar } from "drizzle-orm/pg-core";
import { oneOf, organizationKey, primaryId, sameOrganization, tenantPolicy, timestampNow, timestampTz } from "./columns.ts";
import { cloudProviders } from "./providers.ts";
import { organizations } from "./tenancy.ts";

/**
 * Where a discovered account stands: `active` is read as scopes; `suspended` (AWS suspended,
 * GCP pending deletion, Azure disabled) and `excluded` (left out by the provider's include /
 * exclude rules) are listed by the organization but not read; `left` is no longer listed by a
 * discovery that succeeded, and its resources were marked terminated.
 */
export const discoveredAccountStates = ["active", "suspended", "excluded", "left"] as const;
export type DiscoveredAccountState = (typeof discoveredAccountStates)[number];

/**
 * The accounts, subscriptions and projects a provider found under its organization root
 * (AWS Organizations, an Azure management group or tenant, a GCP organization or folder), so
 * `cloudsync provider list` can say what is read and a later discovery can tell which left.
 * One row per provider and account, kept after it leaves (`left_at`) as the record of why its
 * resources were terminated.
 */
export const discoveredAccounts = pgTable(
  "discovered_accounts",
  {
    id: primaryId(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    providerId: uuid().notNull(),
    /** AWS account id, Azure subscription id, GCP project id: what scopes and resources carry. */
    accountId: varchar({ length: 255 }).notNull(),
    /** The name the cloud gives it (account name, subscription display name, project name). */
    accountName: varchar({ length: 255 }).notNull(),
    /** Where it sits under the root: the OU / management group / folder path, if known. */
    parentPath: text(),
    /** The root it was discovered under (`o-…`, a management group, `organizations/123`). */
    root: varchar({ length: 255 }).notNull(),
    state: varchar({ length: 20, enum: discoveredAccountStates }).notNull(),
    /** Why it is not read (suspended, excluded by a rule, its role refused …), if it is not. */
    stateReason: text(),
    /** First discovery that listed it. */
    discoveredAt: timestampNow().notNull(),
    /** Last discovery that listed it. */
    lastSeenAt: timestampNow().notNull(),
    /** The discovery that no longer listed it; null while it is a member. */
    leftAt: timestampTz(),
  },
  (t) => [
    unique("discovered_accounts_provider_account_key").on(t.organizationId, t.providerId, t.accountId),
    // `provider list` counts accounts by state per provider.
    index("idx_discovered_accounts_provider_state").on(t.providerId, t.state),
    organizationKey("discovered_accounts", t.organizationId, t.id),
    sameOrganization("discovered_accounts", t.organizationId, t.providerId, cloudProviders),
    check("discovered_accounts_state_check", oneOf(t.state, discoveredAccountStates)),
    check("discovered_accounts_left_check", sql`(${t.state} = 'left') = (${t.leftAt} is not null)`),
    check("discovered_accounts_seen_check", sql`${t.lastSeenAt} >= ${t.discoveredAt}`),
    tenantPolicy("discovered_accounts_tenant_isolation", t.organizationId),
  ],
).enableRLS();

export const discoveredAccountsRelations = relations(discoveredAccounts, ({ one }) => ({
  organization: one(organizations, { fields: [discoveredAccounts.organizationId], references: [organizations.id] }),
  provider: one(cloudProviders, { fields: [discoveredAccounts.providerId], references: [cloudProviders.id] }),
}));
