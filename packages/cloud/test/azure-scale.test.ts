import { type AzureEmulator, startAzureEmulator } from "@cloudsync/cloud-emulators";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAzureAdapter } from "../src/azure/index.ts";

/**
 * A 50,000-resource estate through the real SDK: the adapter buffers at most one API page per
 * running scope. Checked from outside: the emulator counts the pages it served, the consumer
 * counts the pages it pulled, and the difference never exceeds the concurrency.
 */

const size = 50_000;
const pageSize = 500;
const concurrency = 2;

let emu: AzureEmulator;

beforeAll(async () => {
  emu = await startAzureEmulator({ seed: "scale", size, subscriptions: 4 });
});
afterAll(async () => {
  await emu?.close();
});

describe("azure adapter at 50,000 resources", () => {
  it("streams every resource with bounded buffering", async () => {
    const adapter = createAzureAdapter({
      credentials: { tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, authorityHost: emu.authorityHost },
      subscriptions: emu.subscriptions,
      endpoint: emu.endpoint,
      caCertificate: emu.caCertificate,
      pageSize,
      concurrency,
    });
    let pagesPulled = 0;
    let resources = 0;
    let largestPage = 0;
    let mostAhead = 0;
    let completed = 0;
    const seen = new Set<string>();
    for await (const event of adapter.streamResources()) {
      if (event.type === "page") {
        pagesPulled += 1;
        resources += event.resources.length;
        largestPage = Math.max(largestPage, event.resources.length);
        for (const r of event.resources) seen.add(r.resourceId);
        // A slow consumer: give the adapter every chance to read ahead before the next pull.
        if (pagesPulled % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 2));
        mostAhead = Math.max(mostAhead, emu.requestCount("resources.list") - pagesPulled);
      } else if (event.type === "scope_completed") completed += 1;
      else if (event.type === "scope_failed") throw event.error;
    }
    expect(resources).toBe(size);
    expect(seen.size).toBe(size);
    expect(completed).toBe(4);
    expect(largestPage).toBeLessThanOrEqual(pageSize);
    expect(pagesPulled).toBeGreaterThanOrEqual(size / pageSize);
    // Pages fetched but not yet pulled by the consumer: at most one per running scope.
    expect(mostAhead).toBeLessThanOrEqual(concurrency);
    expect(mostAhead).toBeGreaterThanOrEqual(0);
  });
});
