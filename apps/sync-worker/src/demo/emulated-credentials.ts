import type { AwsEmulator, AzureEmulator, DoEmulator, GcpEmulator, VultrEmulator } from "@cloudsync/cloud-emulators";
import type { AwsProviderCredentials, AzureProviderCredentials, DigitalOceanProviderCredentials, GcpProviderCredentials, VultrProviderCredentials } from "../providers/credentials.ts";

/** Credentials documents that point each adapter at its loopback emulator (demo and tests). */
export function awsEmulatorCredentials(em: AwsEmulator): AwsProviderCredentials {
  return {
    cloud: "aws",
    accessKeyId: em.baseCredentials.accessKeyId,
    secretAccessKey: em.baseCredentials.secretAccessKey,
    accounts: em.accounts.map((a, i) =>
      i === 0
        ? { accountId: a.accountId }
        : { accountId: a.accountId, roleArn: `arn:aws:iam::${a.accountId}:role/cloudsync-reader`, ...(a.externalId ? { externalId: a.externalId } : {}) },
    ),
    endpoint: em.endpoint,
  };
}

export function azureEmulatorCredentials(em: AzureEmulator): AzureProviderCredentials {
  return {
    cloud: "azure",
    tenantId: em.tenantId,
    clientId: em.clientId,
    clientSecret: em.clientSecret,
    subscriptions: [...em.subscriptions],
    authorityHost: em.authorityHost,
    endpoint: em.endpoint,
    caCertificate: em.caCertificate,
  };
}

export function gcpEmulatorCredentials(em: GcpEmulator): GcpProviderCredentials {
  return {
    cloud: "gcp",
    serviceAccountKey: { ...em.serviceAccountKey },
    projects: [...em.projects],
    tokenUri: em.tokenUri,
    endpoint: em.endpoint,
    billingExportTable: em.billingExportTable,
  };
}

export function digitaloceanEmulatorCredentials(em: DoEmulator): DigitalOceanProviderCredentials {
  return { cloud: "digitalocean", teams: em.teams.map((t) => ({ teamId: t.teamId, token: t.token })), endpoint: em.endpoint };
}

export function vultrEmulatorCredentials(em: VultrEmulator): VultrProviderCredentials {
  return { cloud: "vultr", accounts: em.accounts.map((a) => ({ account: a.account, apiKey: a.apiKey })), endpoint: em.endpoint };
}
