import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GcpEmulator, startGcpEmulator } from "@cloudsync/cloud-emulators";
import { createGcpAdapter, type GcpAdapter } from "../src/gcp/index.ts";
import { normalizeInstanceCheck } from "../src/gcp/status-checks.ts";
import { judgeResource } from "../src/metrics/health.ts";
import type { MetricTarget, ResourceStatusChecks, StatusCheckEvent } from "../src/types.ts";

describe("Compute Engine instance status as a status check", () => {
  it.each([
    ["RUNNING", "ok", "healthy"],
    ["REPAIRING", "impaired", "critical"],
    ["TERMINATED", "no_data", "unknown"],
    ["SUSPENDED", "no_data", "unknown"],
    ["STAGING", "no_data", "unknown"],
    ["A_STATE_COMPUTE_ADDS_LATER", "no_data", "unknown"],
    [undefined, "no_data", "unknown"],
  ])("%s → %s → alone, the resource is %s", (status, state, health) => {
    const check = normalizeInstanceCheck(status);
    expect(check).toMatchObject({ source: "gce_instance_status", state });
    expect(judgeResource([], [check]).status).toBe(health);
  });
});

describe("GCP streamStatusChecks against the emulator", () => {
  let emu: GcpEmulator;
  let adapter: GcpAdapter;
  beforeAll(async () => {
    emu = await startGcpEmulator({ seed: 5, size: 300 });
    adapter = createGcpAdapter({
      credentials: { serviceAccountKey: emu.serviceAccountKey },
      projects: emu.projects,
      endpoint: emu.url,
      pageSize: 40,
      retryDelayMs: 5,
      requestsPerSecond: 10_000,
    });
  });
  afterAll(async () => {
    await adapter.close();
    await emu.close();
  });

  it("reports each VM target's status once, one scope per project, and ignores targets of other kinds", async () => {
    const all = [...emu.expected()];
    const vms = all.filter((r) => r.kind === "gce_instance");
    const targets: MetricTarget[] = all
      .filter((r) => r.kind === "gce_instance" || r.kind === "gce_disk")
      .map((r) => ({ account: r.account, regionCode: r.region, kind: r.kind, resourceId: r.resourceId }));
    const events: StatusCheckEvent[] = [];
    for await (const e of adapter.streamStatusChecks?.({ targets }) ?? []) events.push(e);
    expect(events.filter((e) => e.type === "scope_failed")).toEqual([]);
    expect(events.filter((e) => e.type === "scope_completed").map((e) => e.scope.account).sort()).toEqual([...new Set(vms.map((v) => v.account))].sort());
    const got = events.flatMap((e) => (e.type === "status_page" ? e.statuses : [])) as ResourceStatusChecks[];
    expect(got.map((s) => s.resourceId).sort()).toEqual(vms.map((v) => v.resourceId).sort());
    const byId = new Map(got.map((s) => [s.resourceId, s.checks[0]?.state]));
    const expected = (status: string | null) => (status === "RUNNING" ? "ok" : status === "REPAIRING" ? "impaired" : "no_data");
    for (const vm of vms) expect([vm.resourceId, byId.get(vm.resourceId)]).toEqual([vm.resourceId, expected(vm.providerStatus)]);
    // The estate has some of each, so the test judges something.
    expect(new Set(byId.values())).toEqual(new Set(["ok", "impaired", "no_data"]));
  });
});
