import type { AdapterLogger, AdapterOptions, CloudAdapter } from "@cloudsync/cloud";
import type { ProviderCredentials } from "./credentials.ts";

export interface AdapterSettings {
  /** Regions to read (default: every enabled region). */
  regions?: readonly string[] | undefined;
  requestsPerSecond?: number | undefined;
  concurrency?: number | undefined;
  pageSize?: number | undefined;
  timeoutMs?: number | undefined;
  maxAttempts?: number | undefined;
  logger?: AdapterLogger | undefined;
  /** Called for each throttled API answer, retried or not (the worker counts them per cloud). */
  onThrottle?: (() => void) | undefined;
}

/** Something that can be closed when a sync is done (the GCP clients hold connections). */
export type ClosableAdapter = CloudAdapter & { close?: () => Promise<void> };

/**
 * Builds the adapter for one provider's decrypted credentials. The only place that knows all
 * clouds. A cloud's adapter (and its SDKs, 25 to 120 MB of RSS each) is imported when a
 * provider of that cloud is first synced, so a process that syncs one cloud never loads the others.
 */
export async function createAdapter(credentials: ProviderCredentials, settings: AdapterSettings = {}): Promise<ClosableAdapter> {
  const options: AdapterOptions = {
    ...(settings.regions && settings.regions.length > 0 ? { regions: settings.regions } : {}),
    ...(settings.requestsPerSecond ? { requestsPerSecond: settings.requestsPerSecond } : {}),
    ...(settings.concurrency ? { concurrency: settings.concurrency } : {}),
    ...(settings.pageSize ? { pageSize: settings.pageSize } : {}),
    ...(settings.timeoutMs ? { timeoutMs: settings.timeoutMs } : {}),
    ...(settings.maxAttempts ? { maxAttempts: settings.maxAttempts } : {}),
    ...(settings.logger ? { logger: settings.logger } : {}),
    ...(settings.onThrottle ? { onThrottle: settings.onThrottle } : {}),
    ...(credentials.endpoint ? { endpoint: credentials.endpoint } : {}),
  };
  switch (credentials.cloud) {
    case "aws": {
      const { createAwsAdapter } = await import("@cloudsync/cloud/aws");
      return createAwsAdapter({
        ...options,
        credentials: {
          accessKeyId: credentials.accessKeyId,
          secretAccessKey: credentials.secretAccessKey,
          ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
        },
        accounts: credentials.accounts.map((a) => ({
          accountId: a.accountId,
          ...(a.roleArn ? { roleArn: a.roleArn } : {}),
          ...(a.externalId ? { externalId: a.externalId } : {}),
        })),
        ...(credentials.homeRegion ? { homeRegion: credentials.homeRegion } : {}),
        ...(credentials.organization ? { organization: credentials.organization } : {}),
      });
    }
    case "azure": {
      const { createAzureAdapter } = await import("@cloudsync/cloud/azure");
      return createAzureAdapter({
        ...options,
        credentials: {
          tenantId: credentials.tenantId,
          clientId: credentials.clientId,
          clientSecret: credentials.clientSecret,
          ...(credentials.authorityHost ? { authorityHost: credentials.authorityHost } : {}),
        },
        subscriptions: credentials.subscriptions,
        ...(credentials.organization ? { organization: credentials.organization } : {}),
        ...(credentials.caCertificate ? { caCertificate: credentials.caCertificate } : {}),
      });
    }
    case "gcp": {
      const { createGcpAdapter } = await import("@cloudsync/cloud/gcp");
      return createGcpAdapter({
        ...options,
        credentials: { serviceAccountKey: credentials.serviceAccountKey as { private_key: string; client_email: string } },
        projects: credentials.projects,
        ...(credentials.organization ? { organization: credentials.organization } : {}),
        ...(credentials.tokenUri ? { tokenUri: credentials.tokenUri } : {}),
        ...(credentials.billingExportTable ? { billingExportTable: credentials.billingExportTable } : {}),
      });
    }
    case "digitalocean": {
      const { createDigitalOceanAdapter } = await import("@cloudsync/cloud/digitalocean");
      return createDigitalOceanAdapter({ ...options, teams: credentials.teams.map((t) => ({ teamId: t.teamId, token: t.token })) });
    }
    case "linode": {
      const { createLinodeAdapter } = await import("@cloudsync/cloud/linode");
      return createLinodeAdapter({ ...options, accounts: credentials.accounts.map((a) => ({ account: a.account, token: a.token })) });
    }
    case "vultr": {
      const { createVultrAdapter } = await import("@cloudsync/cloud/vultr");
      return createVultrAdapter({ ...options, accounts: credentials.accounts });
    }
  }
}
