import { hashString } from "../rng.ts";
import type { AzureEstate, EstateItem } from "./estate.ts";

/**
 * Azure Backup in a Recovery Services vault, as the REST reference documents it (api-version
 * 2023-04-01 and later): `GET /subscriptions/{s}/providers/Microsoft.RecoveryServices/vaults`
 * (Vaults_ListBySubscriptionId), and under a vault `…/backupProtectedItems` (protected items, with
 * `properties.sourceResourceId`, `policyId`, `friendlyName`), `…/backupPolicies` (a
 * SimpleSchedulePolicy and a LongTermRetentionPolicy) and `…/backupJobs` (AzureIaaSVMJob with
 * `entityFriendlyName`, `operation`, `status`, `startTime`, `endTime`, `errorDetails`), each
 * `{ value, nextLink }` (protected items and jobs paged by `$skipToken`, five to a page here).
 * Jobs are filtered by `$filter=startTime eq '…' and endTime eq '…'` in the `yyyy-MM-dd
 * hh:mm:ss AM` form the Azure CLI sends.
 *
 * The estate: one vault per subscription that has VMs (in the first VM's resource group and
 * location), protecting two VMs of three with `DefaultPolicy` (daily at 02:00 UTC, 30 days).
 * Each protected VM has one job a day for the last three days before the backup clock; in one
 * of four the newest failed; a job ending after the clock is InProgress.
 */

export interface AzureExpectedBackupJob {
  subscriptionId: string;
  vmId: string;
  jobId: string;
  status: "Completed" | "Failed" | "InProgress";
  startTime: Date;
  endTime: Date | null;
}

export interface AzureExpectedProtectedItem {
  subscriptionId: string;
  protectedItemId: string;
  vmId: string;
  vmName: string;
  retentionDays: number;
}

const pageSize = 5;
const policyName = "DefaultPolicy";

interface Vault {
  id: string;
  name: string;
  resourceGroup: string;
  location: string;
  vms: EstateItem[];
}

export class RecoveryServicesApi {
  constructor(
    private readonly estate: AzureEstate,
    private readonly now: Date,
  ) {}

  /** Each subscription's vault as of an estate version: finding its VMs scans the whole subscription. */
  private readonly vaults = new Map<string, { version: number; vault: Vault | null }>();

  private vaultOf(subscriptionId: string): Vault | null {
    const kept = this.vaults.get(subscriptionId);
    if (kept && kept.version === this.estate.version) return kept.vault;
    const vault = this.makeVault(subscriptionId);
    this.vaults.set(subscriptionId, { version: this.estate.version, vault });
    return vault;
  }

  private makeVault(subscriptionId: string): Vault | null {
    const vms = this.estate.scan(subscriptionId, 0, Number.POSITIVE_INFINITY, (i) => i.type === "Microsoft.Compute/virtualMachines").items;
    const first = vms[0];
    if (!first) return null;
    const name = `rsv-${subscriptionId.slice(0, 8)}`;
    return {
      id: `/subscriptions/${subscriptionId}/resourceGroups/${first.resourceGroup}/providers/Microsoft.RecoveryServices/vaults/${name}`,
      name,
      resourceGroup: first.resourceGroup,
      location: first.location,
      vms: vms.filter((vm) => hashString(`${vm.id}:protected`) % 3 !== 0),
    };
  }

  private containerOf(vm: EstateItem): string {
    return `iaasvmcontainerv2;${vm.resourceGroup};${vm.name}`.toLowerCase();
  }

  private itemIdOf(vault: Vault, vm: EstateItem): string {
    const container = this.containerOf(vm);
    return `${vault.id}/backupFabrics/Azure/protectionContainers/IaasVMContainer;${container}/protectedItems/VM;${container}`;
  }

  /**
   * A vault's jobs, kept between the pages of one listing: the API pages by five, so a 4,000-VM
   * vault is hundreds of requests, and making and sorting every job again for each of them cost
   * minutes. The key holds what the list depends on (the vault and the estate's version).
   */
  private readonly jobsMemo = new Map<string, AzureExpectedBackupJob[]>();

  private jobsOf(subscriptionId: string, vault: Vault): AzureExpectedBackupJob[] {
    const key = `${subscriptionId}|${vault.id}|${this.estate.version}`;
    const kept = this.jobsMemo.get(key);
    if (kept) return kept;
    const made = this.makeJobs(subscriptionId, vault);
    if (this.jobsMemo.size >= 16) this.jobsMemo.clear();
    this.jobsMemo.set(key, made);
    return made;
  }

  private makeJobs(subscriptionId: string, vault: Vault): AzureExpectedBackupJob[] {
    const out: AzureExpectedBackupJob[] = [];
    const first = new Date(Date.UTC(this.now.getUTCFullYear(), this.now.getUTCMonth(), this.now.getUTCDate(), 2));
    if (first > this.now) first.setUTCDate(first.getUTCDate() - 1);
    for (const vm of vault.vms) {
      const h = hashString(`${vm.id}:backup`) >>> 0;
      for (let k = 0; k < 3; k++) {
        const start = new Date(first.getTime() - k * 86_400_000);
        const hk = hashString(`${vm.id}:${k}`) >>> 0;
        const end = new Date(start.getTime() + (10 + (hk % 40)) * 60_000);
        const status = end > this.now ? "InProgress" : k === 0 && h % 4 === 1 ? "Failed" : "Completed";
        const hex = [0, 1, 2, 3].map((i) => (hashString(`${vm.id}:${k}:${i}`) >>> 0).toString(16).padStart(8, "0")).join("");
        const jobId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
        out.push({ subscriptionId, vmId: vm.id, jobId, status, startTime: start, endTime: status === "InProgress" ? null : end });
      }
    }
    return out.sort((a, b) => b.startTime.getTime() - a.startTime.getTime() || a.jobId.localeCompare(b.jobId));
  }

  expected(subscriptions: readonly string[]): { items: AzureExpectedProtectedItem[]; jobs: AzureExpectedBackupJob[] } {
    const items: AzureExpectedProtectedItem[] = [];
    const jobs: AzureExpectedBackupJob[] = [];
    for (const s of subscriptions) {
      const vault = this.vaultOf(s);
      if (!vault) continue;
      for (const vm of vault.vms) items.push({ subscriptionId: s, protectedItemId: this.itemIdOf(vault, vm), vmId: vm.id, vmName: vm.name, retentionDays: 30 });
      jobs.push(...this.jobsOf(s, vault));
    }
    return { items, jobs };
  }

  /** The operation a path names, for counting and faults; null when it is not a Recovery Services path. */
  static operationOf(path: string): string | null {
    const p = path.toLowerCase().replace(/\/$/, "");
    if (/^\/subscriptions\/[^/]+\/providers\/microsoft\.recoveryservices\/vaults$/.test(p)) return "vaults.listBySubscriptionId";
    const m = /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.recoveryservices\/vaults\/[^/]+\/(backupprotecteditems|backuppolicies|backupjobs)$/.exec(p);
    return m ? `${m[1]}.list` : null;
  }

  answer(subscriptionId: string, path: string, url: URL, baseUrl: string): { status: number; body: unknown } {
    const operation = RecoveryServicesApi.operationOf(path);
    const vault = this.vaultOf(subscriptionId);
    if (operation === "vaults.listBySubscriptionId") {
      return {
        status: 200,
        body: {
          value: vault
            ? [
                {
                  id: vault.id,
                  name: vault.name,
                  type: "Microsoft.RecoveryServices/vaults",
                  location: vault.location,
                  tags: {},
                  etag: `W/"datetime'2026-01-01T00%3A00%3A00Z'"`,
                  sku: { name: "RS0", tier: "Standard" },
                  properties: { provisioningState: "Succeeded", privateEndpointStateForBackup: "None", privateEndpointStateForSiteRecovery: "None" },
                },
              ]
            : [],
        },
      };
    }
    const vaultName = decodeURIComponent(path.split("/")[8] ?? "");
    if (!vault || vault.name.toLowerCase() !== vaultName.toLowerCase()) {
      return { status: 404, body: { error: { code: "ResourceNotFound", message: `The Resource 'Microsoft.RecoveryServices/vaults/${vaultName}' under resource group was not found.` } } };
    }
    const policyId = `${vault.id}/backupPolicies/${policyName}`;
    const skip = Number(url.searchParams.get("$skipToken") ?? 0);
    const page = <T>(all: T[]): { value: T[]; nextLink?: string } => {
      const value = all.slice(skip, skip + pageSize);
      if (skip + pageSize >= all.length) return { value };
      const link = new URL(path, baseUrl);
      for (const [k, v] of url.searchParams) if (k !== "$skipToken") link.searchParams.set(k, v);
      link.searchParams.set("$skipToken", String(skip + pageSize));
      return { value, nextLink: link.toString() };
    };
    switch (operation) {
      case "backuppolicies.list":
        return {
          status: 200,
          body: {
            value: [
              {
                id: policyId,
                name: policyName,
                type: "Microsoft.RecoveryServices/vaults/backupPolicies",
                properties: {
                  backupManagementType: "AzureIaasVM",
                  instantRpRetentionRangeInDays: 2,
                  schedulePolicy: { schedulePolicyType: "SimpleSchedulePolicy", scheduleRunFrequency: "Daily", scheduleRunTimes: ["2026-01-01T02:00:00Z"], scheduleWeeklyFrequency: 0 },
                  retentionPolicy: {
                    retentionPolicyType: "LongTermRetentionPolicy",
                    dailySchedule: { retentionTimes: ["2026-01-01T02:00:00Z"], retentionDuration: { count: 30, durationType: "Days" } },
                  },
                  timeZone: "UTC",
                  protectedItemsCount: vault.vms.length,
                },
              },
            ],
          },
        };
      case "backupprotecteditems.list": {
        // Each VM's newest finished job (jobsOf lists a VM's jobs newest first), looked up once:
        // a search per VM made a page of a 4,000-VM vault cost seconds.
        const latestOf = new Map<string, AzureExpectedBackupJob>();
        for (const j of this.jobsOf(subscriptionId, vault)) {
          if (j.status !== "InProgress" && !latestOf.has(j.vmId)) latestOf.set(j.vmId, j);
        }
        return {
          status: 200,
          body: page(
            vault.vms.map((vm) => {
              const latest = latestOf.get(vm.id);
              return {
                id: this.itemIdOf(vault, vm),
                name: `VM;${this.containerOf(vm)}`,
                type: "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems",
                properties: {
                  protectedItemType: "Microsoft.Compute/virtualMachines",
                  friendlyName: vm.name,
                  virtualMachineId: vm.id,
                  sourceResourceId: vm.id,
                  workloadType: "VM",
                  containerName: this.containerOf(vm),
                  backupManagementType: "AzureIaasVM",
                  policyId,
                  policyName,
                  protectionStatus: "Healthy",
                  protectionState: "Protected",
                  healthStatus: "Passed",
                  ...(latest ? { lastBackupStatus: latest.status, lastBackupTime: latest.startTime.toISOString() } : {}),
                },
              };
            }),
          ),
        };
      }
      case "backupjobs.list": {
        const since = parseFilterTime(url.searchParams.get("$filter"), "startTime");
        if (since === undefined) return { status: 400, body: { error: { code: "BMSUserErrorInvalidFilter", message: "The $filter is not valid: give startTime eq 'yyyy-MM-dd hh:mm:ss AM' and endTime eq '…'." } } };
        const names = new Map(vault.vms.map((vm) => [vm.id, vm.name]));
        const all = this.jobsOf(subscriptionId, vault).filter((j) => since === null || j.startTime >= since);
        return {
          status: 200,
          body: page(
            all.map((j) => ({
              id: `${vault.id}/backupJobs/${j.jobId}`,
              name: j.jobId,
              type: "Microsoft.RecoveryServices/vaults/backupJobs",
              properties: {
                jobType: "AzureIaaSVMJob",
                entityFriendlyName: names.get(j.vmId),
                backupManagementType: "AzureIaasVM",
                operation: "Backup",
                status: j.status,
                startTime: j.startTime.toISOString(),
                ...(j.endTime ? { endTime: j.endTime.toISOString(), duration: `PT${Math.round((j.endTime.getTime() - j.startTime.getTime()) / 60_000)}M` } : {}),
                activityId: `${j.jobId}-activity`,
                virtualMachineVersion: "Compute",
                ...(j.status === "Failed"
                  ? {
                      errorDetails: [
                        {
                          errorCode: "UserErrorVmNotInDesirableState",
                          errorString: "VM is not in a state that allows backups.",
                          recommendations: ["Ensure the VM is running or stopped (deallocated), then retry the backup."],
                        },
                      ],
                    }
                  : {}),
              },
            })),
          ),
        };
      }
      default:
        return { status: 404, body: { error: { code: "InvalidResourceType", message: `The resource type could not be found for path '${path}'.` } } };
    }
  }
}

/** `field eq 'yyyy-MM-dd hh:mm:ss AM'` (or ISO 8601) out of a backup-jobs filter: null when absent, undefined when unreadable. */
export function parseFilterTime(filter: string | null, field: string): Date | null | undefined {
  if (!filter) return null;
  const m = new RegExp(`${field}\\s+eq\\s+'([^']+)'`, "i").exec(filter);
  if (!m) return null;
  const text = m[1] as string;
  const us = /^(\d{4})-(\d{2})-(\d{2}) (\d{1,2}):(\d{2}):(\d{2}) (AM|PM)$/i.exec(text);
  if (us) {
    const [, y, mo, d, h, mi, s, ampm] = us as unknown as string[];
    const hour = (Number(h) % 12) + (ampm?.toUpperCase() === "PM" ? 12 : 0);
    return new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), hour, Number(mi), Number(s)));
  }
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}
