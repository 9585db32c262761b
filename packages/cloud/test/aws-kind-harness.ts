import type { AwsEmulator } from "@cloudsync/cloud-emulators";
import { type AwsAdapterConfig, createAwsAdapter } from "../src/aws/index.ts";
import type { InventoryEvent, NormalizedResource } from "../src/types.ts";

/** What the per-kind AWS adapter tests share: two accounts (one through a role), a fast adapter, collecting helpers. */

export const kindTestAccounts: AwsAdapterConfig["accounts"] = [
  { accountId: "111111111111" },
  { accountId: "222222222222", roleArn: "arn:aws:iam::222222222222:role/cloudsync-reader" },
];
export const kindTestRegions = ["us-east-1", "us-west-2"];

/** An adapter over the emulator in pages of four, with no rate limit to wait on; overrides win. */
export function kindTestAdapter(emu: AwsEmulator, overrides: Partial<AwsAdapterConfig> = {}) {
  return createAwsAdapter({
    credentials: emu.baseCredentials,
    accounts: kindTestAccounts,
    endpoint: emu.endpoint,
    regions: kindTestRegions,
    pageSize: 4,
    requestsPerSecond: 1000,
    maxAttempts: 3,
    ...overrides,
  });
}

export async function collect(stream: AsyncIterable<InventoryEvent>): Promise<InventoryEvent[]> {
  const events: InventoryEvent[] = [];
  for await (const e of stream) events.push(e);
  return events;
}

export const resourcesOf = (events: InventoryEvent[]): NormalizedResource[] => events.flatMap((e) => (e.type === "page" ? e.resources : []));
