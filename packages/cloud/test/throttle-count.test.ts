import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AwsEmulator,
  type AzureEmulator,
  type GcpEmulator,
  startAwsEmulator,
  startAzureEmulator,
  startGcpEmulator,
} from "@cloudsync/cloud-emulators";
import { createAwsAdapter } from "../src/aws/index.ts";
import { createAzureAdapter } from "../src/azure/index.ts";
import { createGcpAdapter } from "../src/gcp/index.ts";
import type { InventoryEvent } from "../src/types.ts";

// `onThrottle` is called once per answer that asked to slow down, including those the SDK's
// retryer then got past, and never for other failures (the 5xx here): the worker's
// cloudsync_api_throttles_total counts with it.

async function collect(stream: AsyncIterable<InventoryEvent>): Promise<InventoryEvent[]> {
  const events: InventoryEvent[] = [];
  for await (const e of stream) events.push(e);
  return events;
}
const failed = (events: InventoryEvent[]) => events.filter((e) => e.type === "scope_failed");

describe("onThrottle", () => {
  let aws: AwsEmulator;
  let azure: AzureEmulator;
  let gcp: GcpEmulator;
  beforeAll(async () => {
    [aws, azure, gcp] = await Promise.all([
      startAwsEmulator({ seed: 3, size: 60 }),
      startAzureEmulator({ seed: "throttles", size: 60, subscriptions: 1 }),
      startGcpEmulator({ seed: 3, size: 60 }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([aws?.close(), azure?.close(), gcp?.close()]);
  });

  it("counts each AWS throttle (EC2 RequestLimitExceeded), retried or not, and no 5xx", async () => {
    let throttles = 0;
    aws.faults.set({ throttle: 3, serverErrors: 1, match: "ec2:DescribeVpcs" });
    const adapter = createAwsAdapter({
      credentials: aws.baseCredentials,
      accounts: [{ accountId: "111111111111" }],
      endpoint: aws.endpoint,
      regions: ["us-east-1"],
      requestsPerSecond: 1000,
      maxAttempts: 6,
      onThrottle: () => throttles++,
    });
    const events = await collect(adapter.streamResources({ kinds: ["vpc"] }));
    expect(failed(events)).toEqual([]);
    expect(aws.faults.plan.throttle).toBe(0);
    expect(throttles).toBe(3);
  });

  it("counts each Azure 429, retried or not, and no 5xx", async () => {
    let throttles = 0;
    azure.faults.set({ throttle: 2, serverErrors: 1, match: "resources.list" });
    const adapter = createAzureAdapter({
      credentials: { tenantId: azure.tenantId, clientId: azure.clientId, clientSecret: azure.clientSecret, authorityHost: azure.authorityHost },
      subscriptions: azure.subscriptions,
      endpoint: azure.endpoint,
      caCertificate: azure.caCertificate,
      maxAttempts: 5,
      retryDelayInMs: 5,
      maxRetryDelayInMs: 20,
      onThrottle: () => throttles++,
    });
    const events = await collect(adapter.streamResources());
    expect(failed(events)).toEqual([]);
    expect(azure.faults.plan.throttle).toBe(0);
    expect(throttles).toBe(2);
  });

  it("counts each GCP 429, including those of a scope that fails once its attempts are spent", async () => {
    let throttles = 0;
    gcp.faults.set({ throttle: 1_000, match: `${gcp.projects[0]}/aggregated/disks` });
    const adapter = createGcpAdapter({
      credentials: { serviceAccountKey: gcp.serviceAccountKey },
      projects: [gcp.projects[0] as string],
      endpoint: gcp.url,
      maxAttempts: 3,
      retryDelayMs: 5,
      requestsPerSecond: 10_000,
      onThrottle: () => throttles++,
    });
    try {
      const events = await collect(adapter.streamResources({ kinds: ["gce_disk"] }));
      expect(failed(events)).toHaveLength(1);
      expect(throttles).toBe(3);
    } finally {
      await adapter.close();
    }
  });
});
