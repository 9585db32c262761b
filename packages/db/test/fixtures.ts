import { type DbOrTx, cloudProviders, cloudRegions, cloudResources, organizations, userProfiles, withOrganization } from "../src/index.ts";
import type { NewCloudResource } from "../src/types.ts";

export interface Tenant {
  organizationId: string;
  userId: string;
  providerId: string;
  regionId: string;
}

/** An organization with one user, one AWS provider and one region: the smallest useful estate. */
export async function createTenant(db: DbOrTx, slug: string): Promise<Tenant> {
  const [org] = await db.insert(organizations).values({ name: `Org ${slug}`, slug }).returning();
  const [user] = await db
    .insert(userProfiles)
    .values({ organizationId: org!.id, email: `owner@${slug}.example`, role: "owner" })
    .returning();
  const [provider] = await db
    .insert(cloudProviders)
    .values({
      organizationId: org!.id,
      providerName: "aws",
      providerType: "primary",
      displayName: `AWS of ${slug}`,
      credentialsConfig: { encrypted: "test-only" },
      createdBy: user!.id,
    })
    .returning();
  const [region] = await db
    .insert(cloudRegions)
    .values({ organizationId: org!.id, providerId: provider!.id, regionCode: "us-east-1", regionName: "US East (N. Virginia)" })
    .returning();
  return { organizationId: org!.id, userId: user!.id, providerId: provider!.id, regionId: region!.id };
}

export function resourceValues(t: Tenant, n: number, overrides: Partial<NewCloudResource> = {}): NewCloudResource {
  return {
    organizationId: t.organizationId,
    providerId: t.providerId,
    regionId: t.regionId,
    resourceId: `i-${String(n).padStart(8, "0")}`,
    resourceName: `server-${n}`,
    resourceType: "compute",
    resourceSubtype: "ec2_instance",
    configuration: { instanceType: "t3.micro" },
    resourceStatus: "running",
    createdBy: t.userId,
    ...overrides,
  };
}

export async function createResource(db: DbOrTx, t: Tenant, n: number, overrides: Partial<NewCloudResource> = {}) {
  const [row] = await db.insert(cloudResources).values(resourceValues(t, n, overrides)).returning();
  return row!;
}

/** The SQLSTATE of a failed statement, through Drizzle's wrapping. */
export async function sqlState(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    let e: unknown = error;
    while (e && typeof e === "object") {
      const code = (e as { code?: unknown }).code;
      if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
      e = (e as { cause?: unknown }).cause;
    }
    throw error;
  }
}

class Rollback extends Error {
  constructor(readonly value: unknown) {
    super("rolled back on purpose");
  }
}

/**
 * Runs `fn` for the tenant's organization (application role, row-level security on) and rolls
 * everything it did back, returning what `fn` returned.
 */
export async function rolledBackFor<T>(db: Parameters<typeof withOrganization>[0], t: Tenant, fn: (tx: DbOrTx) => Promise<T>): Promise<T> {
  try {
    await withOrganization(db, t.organizationId, async (tx) => {
      throw new Rollback(await fn(tx));
    });
  } catch (e) {
    if (e instanceof Rollback) return e.value as T;
    throw e;
  }
  throw new Error("unreachable");
}
