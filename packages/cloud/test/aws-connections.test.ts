/**
 * An AWS adapter keeps one keep-alive socket pool for its life, shared by its streams and its
 * STS calls: a stream that follows another (the next shard job on a pooled adapter) opens no
 * new connection, and `close()` ends them. Sockets are counted where Node creates them
 * (diagnostics channel `net.client.socket`); real SDK, real HTTP, the AWS emulator.
 */
import diagnostics from "node:diagnostics_channel";
import { type AwsEmulator, startAwsEmulator } from "@cloudsync/cloud-emulators";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createAwsAdapter } from "../src/aws/index.ts";
import type { InventoryEvent } from "../src/types.ts";

let emu: AwsEmulator;
let sockets = 0;
const onSocket = () => {
  sockets += 1;
};

beforeAll(async () => {
  emu = await startAwsEmulator({ seed: "connections", size: 40, regions: ["us-east-1"] });
  diagnostics.subscribe("net.client.socket", onSocket);
});
afterAll(async () => {
  diagnostics.unsubscribe("net.client.socket", onSocket);
  await emu?.close();
});

async function completed(stream: AsyncIterable<InventoryEvent>): Promise<number> {
  let n = 0;
  for await (const e of stream) if (e.type === "scope_completed") n += 1;
  return n;
}

it("reuses its connections from one stream to the next, STS included, and closes them with close()", async () => {
  const role = emu.accounts.find((a) => a.accountId === "222222222222");
  expect(role, "the emulator's role account").toBeDefined();
  const adapter = createAwsAdapter({
    credentials: emu.baseCredentials,
    accounts: [{ accountId: "111111111111" }, { accountId: "222222222222", roleArn: "arn:aws:iam::222222222222:role/cloudsync-reader" }],
    endpoint: emu.endpoint,
    regions: ["us-east-1"],
    concurrency: 1,
    requestsPerSecond: 1000,
  });
  const stsBefore = emu.requests.get("sts:AssumeRole") ?? 0;
  let before = sockets;
  // One read at a time: the AssumeRole and every list go over the one connection.
  expect(await completed(adapter.streamResources({ kinds: ["vpc"], accounts: ["111111111111", "222222222222"] }))).toBe(2);
  expect((emu.requests.get("sts:AssumeRole") ?? 0) - stsBefore, "the role account's STS call was made").toBe(1);
  expect(sockets - before, "the first stream opens one connection").toBe(1);

  before = sockets;
  expect(await completed(adapter.streamResources({ kinds: ["subnet"], accounts: ["111111111111", "222222222222"] }))).toBe(2);
  expect(sockets - before, "the next stream reuses it").toBe(0);

  await adapter.close();
  before = sockets;
  expect(await completed(adapter.streamResources({ kinds: ["vpc"], accounts: ["111111111111"] }))).toBe(1);
  expect(sockets - before, "after close(), a stream connects anew").toBe(1);
  await adapter.close();
});
