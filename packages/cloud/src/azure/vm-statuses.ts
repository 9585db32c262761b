import type { RawVmStatusItem, RequestOptions, VirtualMachinesApi } from "./clients.ts";
import { type VmStatus, vmStatusFromInstanceView } from "./normalize.ts";

/**
 * Power state and size of every VM of a subscription, from one paged status listing instead of
 * one instance-view call per VM. The map holds three short strings per VM, keyed by lower-case
 * ARM id; it is the only per-subscription state the adapter keeps while it streams.
 */
/** The VM's disks and NICs by ARM id; only the keys it has, so a VM without them keeps its old shape. */
export function attachmentsOf(vm: RawVmStatusItem): Pick<VmStatus, "osDiskId" | "dataDiskIds" | "nicIds"> {
  const osDiskId = vm.storageProfile?.osDisk?.managedDisk?.id;
  const dataDiskIds = (vm.storageProfile?.dataDisks ?? []).map((d) => d.managedDisk?.id).filter((id): id is string => !!id);
  const nicIds = (vm.networkProfile?.networkInterfaces ?? []).map((n) => n.id).filter((id): id is string => !!id);
  return {
    ...(osDiskId ? { osDiskId } : {}),
    ...(dataDiskIds.length > 0 ? { dataDiskIds } : {}),
    ...(nicIds.length > 0 ? { nicIds } : {}),
  };
}

export async function readVmStatuses(api: VirtualMachinesApi, options: RequestOptions): Promise<Map<string, VmStatus>> {
  const statuses = new Map<string, VmStatus>();
  for await (const page of api.listStatusPages(options)) {
    for (const vm of page) {
      if (!vm.id) continue;
      statuses.set(vm.id.toLowerCase(), { ...vmStatusFromInstanceView(vm.instanceView?.statuses, vm.hardwareProfile?.vmSize), ...attachmentsOf(vm) });
    }
  }
  return statuses;
}
