import { relations, sql } from "drizzle-orm";
import {
  boolean,
  check,
  decimal,
  jsonb,
  pgTable,
  text,
  unique,
  uuid,
  varchar,
} from "drizzle-orm/pg-core";
import {
  oneOf,
  organizationKey,
  primaryId,
  sameOrganization,
  tenantPolicy,
  timestampNow,
  timestampTz,
} from "./columns.ts";
import { organizations, userProfiles } from "./tenancy.ts";

export const providerNames = ["aws", "azure", "gcp", "digitalocean", "linode", "vultr"] as const;
export type ProviderName = (typeof providerNames)[number];

export const providerTypes = ["primary", "secondary", "backup", "edge", "development"] as const;
export type ProviderType = (typeof providerTypes)[number];

export const providerHealthStatuses = ["healthy", "degraded", "critical", "unknown"] as const;
export type ProviderHealthStatus = (typeof providerHealthStatuses)[number];

export const capacityStatuses = ["available", "limited", "unavailable"] as const;
export type CapacityStatus = (typeof capacityStatuses)[number];

export const serviceTypes = ["compute", "storage", "database", "network", "analytics", "ai_ml"] as const;
export type ServiceType = (typeof serviceTypes)[number];

export const pricingModels = ["pay_per_use", "reserved", "spot", "subscription"] as const;
export type PricingModel = (typeof pricingModels)[number];

export interface ProviderCapabilities {
  compute: boolean;
  storage: boolean;
  database: boolean;
  networking: boolean;
  monitoring: boolean;
  cdn: boolean;
  serverless: boolean;
  kubernetes: boolean;
  [capability: string]: boolean;
}

export const defaultProviderCapabilities: ProviderCapabilities = {
  compute: true,
  storage: true,
  database: true,
  networking: true,
  monitoring: true,
  cdn: false,
  serverless: false,
  kubernetes: false,
};

export interface GeographicLocation {
  continent: string;
  country: string;
  city: string;
  coordinates: { lat: number; lng: number };
}

export const defaultGeographicLocation: GeographicLocation = {
  continent: "",
  country: "",
  city: "",
  coordinates: { lat: 0, lng: 0 },
};

/**
 * One cloud account configuration per organization and cloud. `credentials_config` holds the
 * encrypted credentials (never plaintext); the accounts/subscriptions/projects it reaches are
 * listed inside it, each synced as a scope of its own.
 */
export const cloudProviders = pgTable(
  "cloud_providers",
  {
    id: primaryId(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    providerName: varchar({ length: 50, enum: providerNames }).notNull(),
    providerType: varchar({ length: 30, enum: providerTypes }).notNull(),
    displayName: varchar({ length: 200 }).notNull(),
    description: text(),
    regions: jsonb().$type<string[]>().notNull().default([]),
    credentialsConfig: jsonb().$type<Record<string, unknown>>().notNull(),
    capabilities: jsonb().$type<ProviderCapabilities>().notNull().default(defaultProviderCapabilities),
    quotaLimits: jsonb().$type<Record<string, unknown>>().default({}),
    costBudget: decimal({ precision: 12, scale: 2 }),
    billingAccountId: varchar({ length: 255 }),
    isActive: boolean().default(true),
    healthStatus: varchar({ length: 20, enum: providerHealthStatuses }).default("unknown"),
    lastHealthCheck: timestampTz(),
    lastSyncAt: timestampTz(),
    createdBy: uuid().notNull(),
    createdAt: timestampNow(),
    updatedAt: timestampNow(),
  },
  (t) => [
    unique("cloud_providers_organization_id_provider_name_key").on(t.organizationId, t.providerName),
    organizationKey("cloud_providers", t.organizationId, t.id),
    sameOrganization("cloud_providers", t.organizationId, t.createdBy, userProfiles),
    check("cloud_providers_provider_name_check", oneOf(t.providerName, providerNames)),
    check("cloud_providers_provider_type_check", oneOf(t.providerType, providerTypes)),
    check("cloud_providers_health_status_check", oneOf(t.healthStatus, providerHealthStatuses)),
    check("cloud_providers_cost_budget_check", sql`${t.costBudget} >= 0`),
    tenantPolicy("cloud_providers_tenant_isolation", t.organizationId),
  ],
).enableRLS();

/**
 * Regions of a provider as seen by syncs, with the catalog's geography. `organization_id`
 * (migration 0021, the provider's) lets resources and recovery plans reference a region of
 * their own organization only, through composite foreign keys.
 */
export const cloudRegions = pgTable(
  "cloud_regions",
  {
    id: primaryId(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    providerId: uuid().notNull(),
    regionCode: varchar({ length: 50 }).notNull(),
    regionName: varchar({ length: 200 }).notNull(),
    geographicLocation: jsonb().$type<GeographicLocation>().notNull().default(defaultGeographicLocation),
    availabilityZones: jsonb().$type<string[]>().default([]),
    servicesAvailable: jsonb().$type<string[]>().default([]),
    pricingTier: varchar({ length: 50 }).default("standard"),
    complianceCertifications: jsonb().$type<string[]>().default([]),
    networkLatency: jsonb().$type<Record<string, number>>().default({}),
    isActive: boolean().default(true),
    capacityStatus: varchar({ length: 20, enum: capacityStatuses }).default("available"),
    createdAt: timestampNow(),
  },
  (t) => [
    // Organization first, like every key a sync upserts on (migration 0021).
    unique("cloud_regions_organization_id_provider_id_region_code_key").on(t.organizationId, t.providerId, t.regionCode),
    check("cloud_regions_capacity_status_check", oneOf(t.capacityStatus, capacityStatuses)),
    organizationKey("cloud_regions", t.organizationId, t.id),
    sameOrganization("cloud_regions", t.organizationId, t.providerId, cloudProviders),
    tenantPolicy("cloud_regions_tenant_isolation", t.organizationId),
  ],
).enableRLS();

/**
 * The service catalog of a provider, filled from the resource kinds its syncs see. It has no
 * `organization_id` of its own and nothing references it: its organization is its provider's,
 * which the policy checks on every write, so there is no second organization for its one
 * reference to cross into.
 */
export const cloudServices = pgTable(
  "cloud_services",
  {
    id: primaryId(),
    // Added (migration 0025): every tenant row names its organization, so the provider must be
    // the row's organization's (composite key) and the rows can be distributed by organization.
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    providerId: uuid().notNull(),
    serviceName: varchar({ length: 100 }).notNull(),
    serviceType: varchar({ length: 50, enum: serviceTypes }).notNull(),
    serviceCategory: varchar({ length: 100 }),
    pricingModel: varchar({ length: 30, enum: pricingModels }).default("pay_per_use"),
    baseCost: decimal({ precision: 10, scale: 4 }),
    costUnit: varchar({ length: 20 }),
    supportedRegions: jsonb().$type<string[]>().default([]),
    configurationOptions: jsonb().$type<Record<string, unknown>>().default({}),
    isAvailable: boolean().default(true),
    createdAt: timestampNow(),
  },
  (t) => [
    // Added: syncs upsert the catalog by name, so a provider lists each service once.
    unique("cloud_services_organization_id_provider_id_service_name_key").on(t.organizationId, t.providerId, t.serviceName),
    sameOrganization("cloud_services", t.organizationId, t.providerId, cloudProviders),
    check("cloud_services_service_type_check", oneOf(t.serviceType, serviceTypes)),
    check("cloud_services_pricing_model_check", oneOf(t.pricingModel, pricingModels)),
    check("cloud_services_base_cost_check", sql`${t.baseCost} >= 0`),
    tenantPolicy("cloud_services_tenant_isolation", t.organizationId),
  ],
).enableRLS();

export const cloudProvidersRelations = relations(cloudProviders, ({ one, many }) => ({
  organization: one(organizations, { fields: [cloudProviders.organizationId], references: [organizations.id] }),
  createdByUser: one(userProfiles, { fields: [cloudProviders.createdBy], references: [userProfiles.id] }),
  regions: many(cloudRegions),
  services: many(cloudServices),
}));

export const cloudRegionsRelations = relations(cloudRegions, ({ one }) => ({
  provider: one(cloudProviders, { fields: [cloudRegions.providerId], references: [cloudProviders.id] }),
}));

export const cloudServicesRelations = relations(cloudServices, ({ one }) => ({
  provider: one(cloudProviders, { fields: [cloudServices.providerId], references: [cloudProviders.id] }),
}));
