import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type AwsEmulator, startAwsEmulator } from "@cloudsync/cloud-emulators";
import type { AwsAdapterConfig } from "../src/aws/index.ts";
import { CredentialsRejectedError, ThrottledError } from "../src/errors.ts";
import { collect, kindTestAdapter, resourcesOf } from "./aws-kind-harness.ts";

/** Lambda functions through @aws-sdk/client-lambda (ListFunctions + GetFunction) against the emulator. */


describe("Lambda functions against the emulator", () => {
  let emu: AwsEmulator;
  const adapterFor = (overrides: Partial<AwsAdapterConfig> = {}) => kindTestAdapter(emu, overrides);
  const expectedFunctions = () =>
    [...emu.expected()].filter(
      (x) => x.scopeKind === "lambda_function" && ["111111111111", "222222222222"].includes(x.account) && ["us-east-1", "us-west-2"].includes(x.region),
    );

  beforeAll(async () => {
    emu = await startAwsEmulator({ seed: 7, size: 600 });
  });
  afterEach(() => emu.faults.clear());
  afterAll(() => emu.close());

  it("lists every function with the state and tags GetFunction reports, paging by Marker", async () => {
    const want = expectedFunctions();
    // Enough functions for several pages of four, and every state the generator makes.
    expect(want.length).toBeGreaterThan(8);
    const gets = emu.requests.get("lambda:GetFunction") ?? 0;
    const events = await collect(adapterFor().streamResources({ kinds: ["lambda_function"] }));
    expect(events.filter((e) => e.type === "scope_failed" || e.type === "item_skipped")).toEqual([]);
    expect(events.filter((e) => e.type === "scope_completed").length).toBe(4);
    for (const e of events) if (e.type === "page") expect(e.resources.length).toBeLessThanOrEqual(4);

    const got = resourcesOf(events);
    expect(got.map((r) => r.resourceId).sort()).toEqual(want.map((x) => x.resourceId).sort());
    const byId = new Map(got.map((r) => [r.resourceId, r]));
    for (const x of want) {
      const r = byId.get(x.resourceId);
      expect({ kind: r?.kind, name: r?.name, status: r?.status, tags: r?.tags, region: r?.regionCode }).toEqual({
        kind: "lambda_function",
        name: x.name,
        status: x.status,
        tags: x.tags,
        region: x.region,
      });
      expect(r?.resourceType).toBe("compute");
      expect(r?.configuration.MemorySize).toEqual(expect.any(Number));
      expect(r?.configuration.Runtime).toEqual(expect.any(String));
    }
    // One GetFunction per function: ListFunctions carries neither State nor tags.
    expect((emu.requests.get("lambda:GetFunction") ?? 0) - gets).toBe(want.length);
    expect(got.some((r) => r.tags["wedding-critical"] === "true")).toBe(true);
  });

  it("retries TooManyRequestsException and fails only the scope that stays throttled", async () => {
    emu.faults.set({ throttle: 1, match: "lambda:ListFunctions 222222222222/us-east-1" });
    let events = await collect(adapterFor().streamResources({ kinds: ["lambda_function"] }));
    expect(events.filter((e) => e.type === "scope_failed")).toEqual([]);

    emu.faults.set({ throttle: 1_000, match: "lambda:ListFunctions 111111111111/us-west-2" });
    events = await collect(adapterFor({ maxAttempts: 2 }).streamResources({ kinds: ["lambda_function"] }));
    const failed = events.flatMap((e) => (e.type === "scope_failed" ? [e] : []));
    expect(failed.map((f) => `${f.scope.account}/${f.scope.region}`)).toEqual(["111111111111/us-west-2"]);
    expect(failed[0]?.error).toBeInstanceOf(ThrottledError);
    expect(events.filter((e) => e.type === "scope_completed").length).toBe(3);
  });

  it("skips a function served without State and completes its scope", async () => {
    const bad = expectedFunctions().find((x) => x.account === "111111111111" && x.region === "us-east-1");
    expect(bad).toBeDefined();
    emu.faults.set({ malformedItemIds: [bad?.resourceId ?? ""] });
    const events = await collect(adapterFor({ accounts: [{ accountId: "111111111111" }], regions: ["us-east-1"] }).streamResources({ kinds: ["lambda_function"] }));
    const skipped = events.flatMap((e) => (e.type === "item_skipped" ? [e] : []));
    expect(skipped.map((s) => s.itemId)).toEqual([bad?.resourceId]);
    expect(skipped[0]?.reason).toMatch(/unknown function state null/);
    expect(events.filter((e) => e.type === "scope_completed").length).toBe(1);
    expect(resourcesOf(events).some((r) => r.resourceId === bad?.resourceId)).toBe(false);
  });

  it("reports refused credentials as such, without a credential in the message", async () => {
    emu.faults.set({ rejectCredentials: true, match: "lambda:ListFunctions 111111111111" });
    const events = await collect(adapterFor({ accounts: [{ accountId: "111111111111" }] }).streamResources({ kinds: ["lambda_function"] }));
    const failed = events.flatMap((e) => (e.type === "scope_failed" ? [e] : []));
    expect(failed.length).toBe(2);
    expect(failed[0]?.error).toBeInstanceOf(CredentialsRejectedError);
    expect(failed[0]?.error.message).toMatch(/UnrecognizedClientException/);
    expect(failed[0]?.error.message).not.toContain(emu.baseCredentials.secretAccessKey);
  });
});
