import { relations, sql } from "drizzle-orm";
import { boolean, check, index, jsonb, pgTable, uniqueIndex, uuid, varchar } from "drizzle-orm/pg-core";
import { oneOf, organizationKey, primaryId, tenantPolicy, timestampNow, timestampTz } from "./columns.ts";

export const organizationPlans = ["free", "team", "business", "enterprise"] as const;
export type OrganizationPlan = (typeof organizationPlans)[number];

export const userRoles = ["owner", "admin", "member", "viewer"] as const;
export type UserRole = (typeof userRoles)[number];

/** The tenant. Every row of the estate belongs to exactly one organization. */
export const organizations = pgTable(
  "organizations",
  {
    id: primaryId(),
    name: varchar({ length: 200 }).notNull(),
    slug: varchar({ length: 100 }).notNull().unique(),
    plan: varchar({ length: 30, enum: organizationPlans }).notNull().default("free"),
    settings: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    isActive: boolean().notNull().default(true),
    createdAt: timestampNow().notNull(),
    updatedAt: timestampNow().notNull(),
  },
  (t) => [
    check("organizations_plan_check", oneOf(t.plan, organizationPlans)),
    check("organizations_slug_check", sql`${t.slug} ~ '^[a-z0-9][a-z0-9-]*$'`),
    tenantPolicy("organizations_tenant_isolation", t.id),
  ],
).enableRLS();

/**
 * People who act on the estate (`created_by`, `acknowledged_by`, …). The id matches the
 * identity provider's user id (Supabase `auth.users.id`), which is what `auth.uid()` returns.
 */
export const userProfiles = pgTable(
  "user_profiles",
  {
    id: primaryId(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    email: varchar({ length: 320 }).notNull(),
    displayName: varchar({ length: 200 }),
    role: varchar({ length: 20, enum: userRoles }).notNull().default("member"),
    isActive: boolean().notNull().default(true),
    lastSeenAt: timestampTz(),
    createdAt: timestampNow().notNull(),
    updatedAt: timestampNow().notNull(),
  },
  (t) => [
    check("user_profiles_role_check", oneOf(t.role, userRoles)),
    // One profile per address; case-insensitive because people type addresses both ways.
    uniqueIndex("user_profiles_email_key").on(sql`lower(${t.email})`),
    index("user_profiles_organization_idx").on(t.organizationId),
    organizationKey("user_profiles", t.organizationId, t.id),
    tenantPolicy("user_profiles_tenant_isolation", t.organizationId),
  ],
).enableRLS();

export const organizationsRelations = relations(organizations, ({ many }) => ({
  users: many(userProfiles),
}));

export const userProfilesRelations = relations(userProfiles, ({ one }) => ({
  organization: one(organizations, { fields: [userProfiles.organizationId], references: [organizations.id] }),
}));
