import { type AzureEmulator, startAzureEmulator } from "@cloudsync/cloud-emulators";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type AzureAdapterConfig, createAzureAdapter } from "../src/azure/index.ts";
import { normalizeAvailability, resourceIdOfAvailability } from "../src/azure/normalize-resource-health.ts";
import type { MetricTarget, ResourceStatusChecks, StatusCheckEvent } from "../src/types.ts";

const vm = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/web-1";

describe("normalizeAvailability", () => {
  it.each([
    ["Available", undefined, "ok"],
    ["Degraded", "Unplanned", "degraded"],
    ["Unavailable", "Unplanned", "impaired"],
    ["Unavailable", "Planned", "impaired"], // planned maintenance still takes it away
    ["Unavailable", "UserInitiated", "no_data"], // stopped by its owner: not a failure
    ["Unavailable", "Customer Initiated", "no_data"], // the older spelling
    ["Unknown", undefined, "no_data"],
    [undefined, undefined, "no_data"],
  ] as const)("%s (%s) → %s", (availabilityState, reasonType, state) => {
    const raw = { id: `${vm}/providers/Microsoft.ResourceHealth/availabilityStatuses/current`, properties: { availabilityState, reasonType } };
    expect(normalizeAvailability(raw)).toMatchObject({ source: "azure_resource_health", state });
  });
  it.each([
    [`${vm}/providers/Microsoft.ResourceHealth/availabilityStatuses/current`, vm],
    [`${vm}/providers/Microsoft.ResourceHealth/AvailabilityStatuses/current`, vm], // the reference's sample capitalises it
    [vm, null],
    [undefined, null],
  ])("the resource of %s is %s", (id, resource) => expect(resourceIdOfAvailability(id)).toBe(resource));
});

describe("Azure Resource Health through availabilityStatuses", () => {
  let emu: AzureEmulator;
  beforeAll(async () => {
    emu = await startAzureEmulator({ seed: "health", size: 400, subscriptions: 2 });
  });
  afterAll(async () => emu?.close());
  afterEach(() => emu.faults.clear());

  const adapterFor = (overrides: Partial<AzureAdapterConfig> = {}) =>
    createAzureAdapter({
      credentials: { tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret, authorityHost: emu.authorityHost },
      subscriptions: emu.subscriptions,
      endpoint: emu.endpoint,
      caCertificate: emu.caCertificate,
      maxAttempts: 2,
      retryDelayInMs: 5,
      maxRetryDelayInMs: 20,
      timeoutMs: 10_000,
      ...overrides,
    });
  const targetsOf = (): MetricTarget[] => [...emu.expected()].map((r) => ({ account: r.account, regionCode: r.region, kind: r.kind, resourceId: r.resourceId }));
  async function collect(stream: AsyncIterable<StatusCheckEvent>): Promise<StatusCheckEvent[]> {
    const events: StatusCheckEvent[] = [];
    for await (const e of stream) events.push(e);
    return events;
  }
  const statusesOf = (events: StatusCheckEvent[]): ResourceStatusChecks[] => events.flatMap((e) => (e.type === "status_page" ? e.statuses : []));

  it("reports every VM's availability, mapped by the rules, through the official SDK", async () => {
    const events = await collect(adapterFor().streamStatusChecks!({ targets: targetsOf() }));
    expect(events.filter((e) => e.type === "scope_failed")).toEqual([]);
    const got = new Map(statusesOf(events).map((s) => [s.resourceId.toLowerCase(), s.checks[0]?.state]));
    const expected = [...emu.expectedAvailability()];
    expect(expected.length).toBeGreaterThan(20);
    expect(new Set(expected.map((e) => e.availabilityState))).toEqual(new Set(["Available", "Degraded", "Unavailable", "Unknown"]));
    expect(got.size).toBe(expected.length);
    for (const e of expected) {
      const want = e.availabilityState === "Available" ? "ok" : e.availabilityState === "Degraded" ? "degraded"
        : e.availabilityState === "Unavailable" && e.reasonType !== "UserInitiated" ? "impaired" : "no_data";
      expect(got.get(e.resourceId.toLowerCase()), e.resourceId).toBe(want);
    }
    expect(emu.requestCount("availabilityStatuses.listBySubscriptionId")).toBeGreaterThanOrEqual(2);
  });

  it("fails the subscription Resource Health throttles past the retries, and reads the other", async () => {
    const [first] = emu.subscriptions;
    emu.faults.set({ throttle: 1_000, match: `availabilityStatuses.listBySubscriptionId /subscriptions/${first}` });
    const events = await collect(adapterFor().streamStatusChecks!({ targets: targetsOf() }));
    const failed = events.flatMap((e) => (e.type === "scope_failed" ? [e.scope.account] : []));
    expect(failed).toEqual([first]);
    expect(statusesOf(events).every((s) => s.account !== first)).toBe(true);
    expect(statusesOf(events).length).toBeGreaterThan(0);
  });
});
