import type { RequestOptions, VirtualMachinesApi } from "./clients.ts";
import { type VmStatus, vmStatusFromInstanceView } from "./normalize.ts";

/**
 * Power state and size of every VM of a subscription, from one paged status listing instead of
 * one instance-view call per VM. The map holds three short strings per VM, keyed by lower-case
 * ARM id; it is the only per-subscription state the adapter keeps while it streams.
 */
export async function readVmStatuses(api: VirtualMachinesApi, options: RequestOptions): Promise<Map<string, VmStatus>> {
  const statuses = new Map<string, VmStatus>();
  for await (const page of api.listStatusPages(options)) {
    for (const vm of page) {
      if (!vm.id) continue;
      statuses.set(vm.id.toLowerCase(), vmStatusFromInstanceView(vm.instanceView?.statuses, vm.hardwareProfile?.vmSize));
    }
  }
  return statuses;
}
