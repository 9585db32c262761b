import { type DbOrTx, type ServiceType, cloudServices } from "@cloudsync/db";

/** The seed's service types are coarser than resource types: load balancers and CDNs are network. */
export function serviceTypeOf(resourceType: string): ServiceType {
  switch (resourceType) {
    case "compute":
    case "storage":
    case "database":
    case "analytics":
      return resourceType;
    default:
      return "network";
  }
}

/** Adds each resource kind a provider has shown to its service catalog, once. */
export async function recordServices(
  db: DbOrTx,
  provider: { organizationId: string; providerId: string },
  kinds: ReadonlyMap<string, string>,
): Promise<void> {
  const { organizationId, providerId } = provider;
  if (kinds.size === 0) return;
  await db
    .insert(cloudServices)
    .values(
      [...kinds].map(([kind, resourceType]) => ({
        organizationId,
        providerId,
        serviceName: kind,
        serviceType: serviceTypeOf(resourceType),
        serviceCategory: resourceType,
      })),
    )
    .onConflictDoNothing({ target: [cloudServices.organizationId, cloudServices.providerId, cloudServices.serviceName] });
}
