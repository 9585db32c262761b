import { BackendServicesClient } from "@google-cloud/compute/build/src/v1/backend_services_client.js";
import type { GcpReadContext } from "./kinds/kind.ts";
import type { BackendGroupHealth } from "./status-checks.ts";

/** The GCP kinds with a status check (status-checks.ts): VMs, managed instance groups, backend services. */
export const gcpStatusCheckKinds: ReadonlySet<string> = new Set(["gce_instance", "gce_instance_group_manager", "gcp_backend_service"]);

type RegionBackendServicesSdk = typeof import("@google-cloud/compute/build/src/v1/region_backend_services_client.js");

/**
 * One backend group's health, through the SDK: `backendServices.getHealth` for a global service,
 * `regionBackendServices.getHealth` for a regional one (internal and regional external load
 * balancers). The regional client is imported on first use: a process that checks no regional
 * service never loads its API description.
 */
export async function backendGroupHealth(ctx: GcpReadContext, service: { name: string; region: string | null }, group: string): Promise<BackendGroupHealth> {
  const body = { group };
  if (service.region === null) {
    const [answer] = await ctx.clients
      .get(BackendServicesClient)
      .getHealth({ project: ctx.project, backendService: service.name, resourceGroupReferenceResource: body }, ctx.callOptions);
    return answer as BackendGroupHealth;
  }
  const sdk: RegionBackendServicesSdk = await import("@google-cloud/compute/build/src/v1/region_backend_services_client.js");
  const [answer] = await ctx.clients
    .get(sdk.RegionBackendServicesClient)
    .getHealth({ project: ctx.project, region: service.region, backendService: service.name, resourceGroupReferenceResource: body }, ctx.callOptions);
  return answer as BackendGroupHealth;
}
