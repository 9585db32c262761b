import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type AwsEmulator, startAwsEmulator } from "@cloudsync/cloud-emulators";
import type { AwsAdapterConfig } from "../src/aws/index.ts";
import { CredentialsRejectedError, ThrottledError } from "../src/errors.ts";
import { collect, kindTestAdapter, resourcesOf } from "./aws-kind-harness.ts";

/** CloudFront distributions through @aws-sdk/client-cloudfront (ListDistributions + ListTagsForResource) against the emulator. */


describe("CloudFront distributions against the emulator", () => {
  let emu: AwsEmulator;
  const adapterFor = (overrides: Partial<AwsAdapterConfig> = {}) => kindTestAdapter(emu, overrides);
  const expectedDistributions = () =>
    [...emu.expected()].filter((x) => x.scopeKind === "cloudfront_distribution" && ["111111111111", "222222222222"].includes(x.account));

  beforeAll(async () => {
    emu = await startAwsEmulator({ seed: 9, size: 1200 });
  });
  afterEach(() => emu.faults.clear());
  afterAll(() => emu.close());

  it("lists every distribution once per account under the global scope, with its tags, paging by Marker", async () => {
    const want = expectedDistributions();
    expect(want.length).toBeGreaterThan(8);
    const tagReads = emu.requests.get("cloudfront:ListTagsForResource") ?? 0;
    const events = await collect(adapterFor().streamResources({ kinds: ["cloudfront_distribution"] }));
    expect(events.filter((e) => e.type === "scope_failed" || e.type === "item_skipped")).toEqual([]);
    const completed = events.flatMap((e) => (e.type === "scope_completed" ? [e.scope] : []));
    expect(completed.map((s) => `${s.account}/${s.region}`).sort()).toEqual(["111111111111/global", "222222222222/global"]);
    for (const e of events) if (e.type === "page") expect(e.resources.length).toBeLessThanOrEqual(4);

    const got = resourcesOf(events);
    expect(got.map((r) => r.resourceId).sort()).toEqual(want.map((x) => x.resourceId).sort());
    const byId = new Map(got.map((r) => [r.resourceId, r]));
    for (const x of want) {
      const r = byId.get(x.resourceId);
      expect({ kind: r?.kind, name: r?.name, status: r?.status, tags: r?.tags, region: r?.regionCode }).toEqual({
        kind: "cloudfront_distribution",
        name: x.name,
        status: x.status,
        tags: x.tags,
        region: "global",
      });
      expect(r?.resourceType).toBe("cdn");
      expect(r?.configuration.DomainName).toMatch(/\.cloudfront\.net$/);
    }
    // Summaries carry no tags: one ListTagsForResource per distribution.
    expect((emu.requests.get("cloudfront:ListTagsForResource") ?? 0) - tagReads).toBe(want.length);
    // Disabled distributions are stopped whatever their deployment status.
    expect(got.some((r) => r.status === "stopped" && r.configuration.Enabled === false)).toBe(true);
  });

  it("retries Throttling and fails only the account that stays throttled", async () => {
    emu.faults.set({ throttle: 1, match: "cloudfront:ListDistributions 222222222222" });
    let events = await collect(adapterFor().streamResources({ kinds: ["cloudfront_distribution"] }));
    expect(events.filter((e) => e.type === "scope_failed")).toEqual([]);

    emu.faults.set({ throttle: 1_000, match: "cloudfront:ListDistributions 111111111111" });
    events = await collect(adapterFor({ maxAttempts: 2 }).streamResources({ kinds: ["cloudfront_distribution"] }));
    const failed = events.flatMap((e) => (e.type === "scope_failed" ? [e] : []));
    expect(failed.map((f) => `${f.scope.account}/${f.scope.region}`)).toEqual(["111111111111/global"]);
    expect(failed[0]?.error).toBeInstanceOf(ThrottledError);
    expect(events.filter((e) => e.type === "scope_completed").length).toBe(1);
  });

  it("skips a distribution served without Status and completes its scope", async () => {
    const bad = expectedDistributions().find((x) => x.account === "111111111111");
    expect(bad).toBeDefined();
    emu.faults.set({ malformedItemIds: [bad?.resourceId ?? ""] });
    const events = await collect(adapterFor({ accounts: [{ accountId: "111111111111" }] }).streamResources({ kinds: ["cloudfront_distribution"] }));
    const skipped = events.flatMap((e) => (e.type === "item_skipped" ? [e] : []));
    expect(skipped.map((s) => s.itemId)).toEqual([bad?.resourceId]);
    expect(skipped[0]?.reason).toMatch(/unknown distribution status null/);
    expect(events.filter((e) => e.type === "scope_completed").length).toBe(1);
  });

  it("reports refused credentials as such, without a credential in the message", async () => {
    emu.faults.set({ rejectCredentials: true, match: "cloudfront:ListDistributions 111111111111" });
    const events = await collect(adapterFor({ accounts: [{ accountId: "111111111111" }] }).streamResources({ kinds: ["cloudfront_distribution"] }));
    const failed = events.flatMap((e) => (e.type === "scope_failed" ? [e] : []));
    expect(failed.length).toBe(1);
    expect(failed[0]?.error).toBeInstanceOf(CredentialsRejectedError);
    expect(failed[0]?.error.message).toMatch(/InvalidClientTokenId/);
    expect(failed[0]?.error.message).not.toContain(emu.baseCredentials.secretAccessKey);
  });
});
