import type { JobResource, ProtectedItemResource, ProtectionPolicyResource, RecoveryServicesBackupClient } from "@azure/arm-recoveryservicesbackup";
import { pipelineOptions } from "./arm-pipeline.ts";
import type { ClientSettings, RequestOptions } from "./clients.ts";

/** A Recovery Services vault as Vaults_ListBySubscriptionId returns it (only what is used). */
export interface RawVault {
  id?: string;
  name?: string;
  location?: string;
}

/**
 * Azure Backup's calls the adapter makes, narrow: vaults through the plain ARM client
 * (`@azure/arm-recoveryservices`, whose one list call this is, is not a dependency), and a
 * vault's protected items, policies and jobs through `@azure/arm-recoveryservicesbackup`
 * (api-version 2023-06-01), imported on the first backup read.
 */
export interface BackupApi {
  /** `GET /subscriptions/{id}/providers/Microsoft.RecoveryServices/vaults`, following nextLink. */
  vaultPages(options: RequestOptions): AsyncIterable<RawVault[]>;
  protectedItemPages(resourceGroup: string, vault: string, options: RequestOptions): AsyncIterable<ProtectedItemResource[]>;
  policyPages(resourceGroup: string, vault: string, options: RequestOptions): AsyncIterable<ProtectionPolicyResource[]>;
  /** Jobs started since `since`, as the Azure CLI filters them (`startTime eq 'yyyy-MM-dd hh:mm:ss AM' and endTime eq …`). */
  jobPages(resourceGroup: string, vault: string, since: Date, until: Date, options: RequestOptions): AsyncIterable<JobResource[]>;
}

const vaultsApiVersion = "2023-04-01";

/** The time form Azure Backup's job filter takes (UTC): `2026-12-06 02:00:00 AM`. */
export function backupFilterTime(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  const h = d.getUTCHours();
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(h % 12 === 0 ? 12 : h % 12)}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? "AM" : "PM"}`;
}

export function createBackupApi(settings: ClientSettings, subscriptionId: string): BackupApi {
  const options = pipelineOptions(settings, subscriptionId, "arm");
  let client: Promise<RecoveryServicesBackupClient> | undefined;
  const connect = () =>
    (client ??= import("@azure/arm-recoveryservicesbackup").then(
      ({ RecoveryServicesBackupClient }) =>
        new RecoveryServicesBackupClient(settings.credential, subscriptionId, { ...options, ...(settings.endpoint ? { endpoint: settings.endpoint, $host: settings.endpoint } : {}) }),
    ));
  const armContext = import("@azure/arm-compute/api").then(({ createComputeManagement }) => createComputeManagement(settings.credential, subscriptionId, options));
  const request = (o: RequestOptions) => ({ abortSignal: o.abortSignal, requestOptions: { timeout: o.timeoutMs } });
  return {
    async *vaultPages({ abortSignal, timeoutMs }) {
      const context = await armContext;
      let next: string | undefined;
      do {
        const response = next
          ? await context.pathUnchecked(next).get({ abortSignal, timeout: timeoutMs })
          : await context
              .path("/subscriptions/{subscriptionId}/providers/Microsoft.RecoveryServices/vaults", subscriptionId)
              .get({ queryParameters: { "api-version": vaultsApiVersion }, abortSignal, timeout: timeoutMs });
        const body = (response.body ?? {}) as { value?: RawVault[]; nextLink?: string; error?: { code?: string; message?: string } };
        if (response.status !== "200") {
          throw Object.assign(new Error(body.error?.message ?? `HTTP ${response.status}`), { name: "RestError", statusCode: Number(response.status), code: body.error?.code });
        }
        yield body.value ?? [];
        next = body.nextLink || undefined;
      } while (next);
    },
    async *protectedItemPages(resourceGroup, vault, o) {
      yield* (await connect()).backupProtectedItems.list(vault, resourceGroup, request(o)).byPage();
    },
    async *policyPages(resourceGroup, vault, o) {
      yield* (await connect()).backupPolicies.list(vault, resourceGroup, request(o)).byPage();
    },
    async *jobPages(resourceGroup, vault, since, until, o) {
      const filter = `operation eq 'Backup' and startTime eq '${backupFilterTime(since)}' and endTime eq '${backupFilterTime(until)}'`;
      yield* (await connect()).backupJobs.list(vault, resourceGroup, { ...request(o), filter }).byPage();
    },
  };
}
