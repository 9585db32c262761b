import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GcpEmulator, startGcpEmulator } from "@cloudsync/cloud-emulators";
import { createGcpAdapter, type GcpAdapter } from "../src/gcp/index.ts";
import { normalizeBackendHealth, normalizeInstanceCheck, normalizeInstanceGroupCheck } from "../src/gcp/status-checks.ts";
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

describe("a managed instance group's own status as a status check: currentActions.none against targetSize", () => {
  const group = (targetSize: number | string, actions: Record<string, number>, isStable = true) => ({ targetSize, currentActions: { none: 0, ...actions }, status: { isStable } });
  it.each([
    ["3 of 3 running, stable", group(3, { none: 3 }), "ok", "3 of 3 running", "healthy"],
    ["5 running of 3 while deleting 2 (scaling in)", group(3, { none: 5, deleting: 2 }, false), "ok", "5 of 3 running, 2 deleting (not stable)", "healthy"],
    ["2 of 3 running, 1 being created", group(3, { none: 2, creating: 1 }, false), "degraded", "2 of 3 running, 1 creating (not stable)", "warning"],
    ["7 of 8 running, 1 recreated by autohealing", group(8, { none: 7, recreating: 1 }, false), "degraded", "7 of 8 running, 1 recreating (not stable)", "warning"],
    ["0 of 1 running, 1 being created", group(1, { creating: 1 }, false), "impaired", "0 of 1 running, 1 creating (not stable)", "critical"],
    ["target size as Compute's int64 string", group("2", { none: 2 }), "ok", "2 of 2 running", "healthy"],
    ["target size 0: asked to run nothing", group(0, {}), "no_data", "target size 0", "unknown"],
  ] as const)("%s → %s (%s) → alone, %s", (_name, raw, state, detail, health) => {
    const check = normalizeInstanceGroupCheck(raw);
    expect(check).toEqual({ source: "mig_status", state, detail });
    expect(judgeResource([], [check]).status).toBe(health);
  });
});

describe("backend health (getHealth per backend group) as a status check", () => {
  const g = (...states: string[]) => ({ healthStatus: states.map((healthState) => ({ healthState })) });
  it.each([
    ["two groups, all 4 healthy", [g("HEALTHY", "HEALTHY"), g("HEALTHY", "HEALTHY")], "ok", "4 healthy, 0 unhealthy across 2 backend groups", "healthy"],
    ["one of 3 unhealthy", [g("HEALTHY", "UNHEALTHY", "HEALTHY")], "degraded", "2 healthy, 1 unhealthy across 1 backend group", "warning"],
    ["a timed-out check counts as failing", [g("HEALTHY"), g("TIMEOUT")], "degraded", "1 healthy, 1 unhealthy across 2 backend groups", "warning"],
    ["none healthy: nowhere to send traffic", [g("UNHEALTHY", "UNHEALTHY"), g("TIMEOUT")], "impaired", "no healthy backend: 0 healthy, 3 unhealthy across 2 backend groups", "critical"],
    ["draining is on purpose, not a failure", [g("HEALTHY", "DRAINING")], "ok", "1 healthy, 0 unhealthy, 1 draining or unknown across 1 backend group", "healthy"],
    ["only unknown and draining: no verdict", [g("UNKNOWN", "DRAINING")], "no_data", "0 healthy, 0 unhealthy, 2 draining or unknown across 1 backend group", "unknown"],
    ["groups without endpoints (no healthStatus)", [{}, { healthStatus: null }], "no_data", "0 healthy, 0 unhealthy across 2 backend groups", "unknown"],
    ["no backends at all", [], "no_data", "no backends", "unknown"],
  ] as const)("%s → %s → alone, %s", (_name, groups, state, detail, health) => {
    const check = normalizeBackendHealth(groups);
    expect(check).toEqual({ source: "backend_health", state, detail });
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

  it("reports each managed instance group's own status, one scope per project", async () => {
    const groups = [...emu.expected()].filter((r) => r.kind === "gce_instance_group_manager");
    const targets: MetricTarget[] = groups.map((r) => ({ account: r.account, regionCode: r.region, kind: r.kind, resourceId: r.resourceId }));
    const events: StatusCheckEvent[] = [];
    for await (const e of adapter.streamStatusChecks?.({ targets }) ?? []) events.push(e);
    expect(events.filter((e) => e.type === "scope_failed")).toEqual([]);
    expect(new Set(events.flatMap((e) => (e.type === "scope_completed" ? [e.scope.kind] : [])))).toEqual(new Set(["gce_instance_group_manager_status_checks"]));
    const byId = new Map((events.flatMap((e) => (e.type === "status_page" ? e.statuses : [])) as ResourceStatusChecks[]).map((s) => [s.resourceId, s.checks[0]]));
    const expected = [...emu.expectedInstanceGroups()];
    expect(expected.length).toBe(groups.length);
    // The rule in the emulator's terms: target 0 says nothing; all running ok; none running impaired; else degraded.
    const stateOf = (g: { targetSize: number; running: number }) => (g.targetSize === 0 ? "no_data" : g.running >= g.targetSize ? "ok" : g.running === 0 ? "impaired" : "degraded");
    for (const g of expected) expect([g.resourceId, byId.get(g.resourceId)?.source, byId.get(g.resourceId)?.state]).toEqual([g.resourceId, "mig_status", stateOf(g)]);
    expect(new Set(expected.map(stateOf)).size, "the estate shows more than one state").toBeGreaterThan(2);
  });

  it("asks getHealth for every backend group of each backend service, global and regional, and judges the endpoints", async () => {
    const services = [...emu.expected()].filter((r) => r.kind === "gcp_backend_service");
    expect(services.some((s) => s.region === "global") && services.some((s) => s.region !== "global"), "both global and regional services").toBe(true);
    const targets: MetricTarget[] = services.map((r) => ({ account: r.account, regionCode: r.region, kind: r.kind, resourceId: r.resourceId, name: r.name }));
    const events: StatusCheckEvent[] = [];
    for await (const e of adapter.streamStatusChecks?.({ targets }) ?? []) events.push(e);
    expect(events.filter((e) => e.type === "scope_failed")).toEqual([]);
    expect(new Set(events.flatMap((e) => (e.type === "scope_completed" ? [e.scope.kind] : [])))).toEqual(new Set(["gcp_backend_service_status_checks"]));
    const byId = new Map((events.flatMap((e) => (e.type === "status_page" ? e.statuses : [])) as ResourceStatusChecks[]).map((s) => [s.resourceId, s.checks[0]]));
    const expected = [...emu.expectedBackendHealth()];
    expect(expected.length).toBe(services.length);
    // healthy = HEALTHY; failing = UNHEALTHY + TIMEOUT; no verdict without either; none healthy impaired; any failing degraded.
    const stateOf = (s: Partial<Record<string, number>>) => {
      const healthy = s.HEALTHY ?? 0;
      const failing = (s.UNHEALTHY ?? 0) + (s.TIMEOUT ?? 0);
      return healthy + failing === 0 ? "no_data" : healthy === 0 ? "impaired" : failing > 0 ? "degraded" : "ok";
    };
    for (const s of expected) expect([s.resourceId, byId.get(s.resourceId)?.source, byId.get(s.resourceId)?.state]).toEqual([s.resourceId, "backend_health", stateOf(s.states)]);
    // The estate has services of each verdict (a no_data one needs a service without endpoints, which this seed may not have).
    expect([...new Set(expected.map((s) => stateOf(s.states)))]).toEqual(expect.arrayContaining(["ok", "degraded", "impaired"]));
    // Regional services were asked through regionBackendServices.getHealth.
    const regionalCalls = [...emu.faults.requests.keys()].filter((k) => /\/regions\/[^/]+\/backendServices\/[^/]+\/getHealth$/.test(k));
    expect(regionalCalls.length).toBeGreaterThan(0);
  });
});
