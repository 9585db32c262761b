import { randomUUID } from "node:crypto";
import { cloudNames, cloudReads } from "@cloudsync/cloud";
import { describe, expect, it } from "vitest";
import { createAdapter } from "../src/providers/adapters.ts";
import { type ProviderCredentials, parseProviderCredentials } from "../src/providers/credentials.ts";

// Well-formed credentials of each cloud; building an adapter talks to no cloud, so none is reached.
const credentials: Record<(typeof cloudNames)[number], ProviderCredentials> = {
  aws: { cloud: "aws", accessKeyId: "AKIAEXAMPLEEXAMPLE12", secretAccessKey: "example-secret-access-key", accounts: [{ accountId: "111111111111" }] },
  azure: { cloud: "azure", tenantId: randomUUID(), clientId: randomUUID(), clientSecret: "secret", subscriptions: [randomUUID()] },
  gcp: {
    cloud: "gcp",
    serviceAccountKey: { client_email: "reader@acme-prod-123.iam.gserviceaccount.com", private_key: "-----BEGIN PRIVATE KEY-----\nnot-a-key\n-----END PRIVATE KEY-----\n" },
    projects: ["acme-prod-123"],
  },
  digitalocean: { cloud: "digitalocean", teams: [{ teamId: randomUUID(), token: `dop_v1_${"a".repeat(64)}` }] },
  linode: { cloud: "linode", accounts: [{ account: "E1AF5EEC-526F-487D-B317EBEB34C87D71", token: "a".repeat(64) }] },
  vultr: { cloud: "vultr", accounts: [{ account: "main", apiKey: "A".repeat(36) }] },
} as Record<(typeof cloudNames)[number], ProviderCredentials>;

/**
 * The worker schedules backups and deployments from `cloudsWithSource` without loading any SDK;
 * each adapter must implement exactly what that declaration says, or a scheduled job would fail
 * (declared, not implemented) or a capability would never run (implemented, not declared).
 */
describe.each(cloudNames.map((cloud) => ({ cloud })))("the $cloud adapter", ({ cloud }) => {
  it("reads backups and deployments exactly as `cloudsWithSource` declares", async () => {
    const adapter = await createAdapter(parseProviderCredentials(credentials[cloud]));
    try {
      expect({ backups: typeof (adapter as { streamBackups?: unknown }).streamBackups === "function", deployments: typeof (adapter as { streamDeployments?: unknown }).streamDeployments === "function" }).toEqual({
        backups: cloudReads(cloud, "backups"),
        deployments: cloudReads(cloud, "deployments"),
      });
    } finally {
      await adapter.close?.();
    }
  });
});
