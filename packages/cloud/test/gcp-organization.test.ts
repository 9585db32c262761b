import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GcpEmulator, startGcpEmulator } from "@cloudsync/cloud-emulators";
import { CredentialsRejectedError, ThrottledError } from "../src/errors.ts";
import { createGcpAdapter, type GcpAdapter, type GcpAdapterConfig } from "../src/gcp/index.ts";
import type { InventoryEvent } from "../src/types.ts";

/**
 * Whole-organization discovery through the real Resource Manager SDK (REST transport) against
 * the emulator: an organization with a folder tree, one project pending deletion, one project
 * the service account holds no role on.
 */
const org = "organizations/100000000042";
const projects = ["org-root-app", "org-team-web", "org-team-denied", "org-sandbox-lab"];

describe("GCP organization discovery against the emulator", () => {
  let emu: GcpEmulator;
  const adapters: GcpAdapter[] = [];
  beforeAll(async () => {
    emu = await startGcpEmulator({
      seed: "gcp-org",
      size: 80,
      projects,
      deniedProjects: ["org-team-denied"],
      organization: {
        id: org,
        folders: [
          { name: "folders/2001", parent: org, displayName: "teams" },
          { name: "folders/2002", parent: "folders/2001", displayName: "web" },
          { name: "folders/2003", parent: org, displayName: "sandbox" },
        ],
        projects: [
          { projectId: "org-root-app", displayName: "Root app" },
          { projectId: "org-team-web", parent: "folders/2002" },
          { projectId: "org-team-denied", parent: "folders/2001" },
          { projectId: "org-sandbox-lab", parent: "folders/2003" },
          { projectId: "org-going-away", parent: "folders/2001", state: "DELETE_REQUESTED" },
        ],
      },
    });
  });
  afterAll(async () => {
    await Promise.allSettled(adapters.map((a) => a.close?.()));
    await emu.close();
  });

  const make = (overrides: Partial<GcpAdapterConfig> = {}): GcpAdapter => {
    const adapter = createGcpAdapter({
      credentials: { serviceAccountKey: emu.serviceAccountKey },
      projects: [],
      organization: { parent: org },
      endpoint: emu.url,
      maxAttempts: 2,
      retryDelayMs: 5,
      timeoutMs: 5_000,
      requestsPerSecond: 10_000,
      ...overrides,
    });
    adapters.push(adapter);
    return adapter;
  };
  const collect = async (adapter: GcpAdapter, kinds: string[]) => {
    const events: InventoryEvent[] = [];
    for await (const e of adapter.streamResources({ kinds })) events.push(e);
    return events;
  };

  it("walks folders recursively; a project pending deletion is listed but not read", async () => {
    const adapter = make();
    const found = await adapter.discoverAccounts?.();
    expect(found?.root).toBe(org);
    const byId = Object.fromEntries(found?.accounts.map((a) => [a.account, [a.state, a.name, a.parentPath]]) ?? []);
    expect(byId).toEqual({
      "org-root-app": ["active", "Root app", org],
      "org-team-denied": ["active", "org-team-denied", `${org}/folders/2001`],
      "org-going-away": ["suspended", "org-going-away", `${org}/folders/2001`],
      "org-sandbox-lab": ["active", "org-sandbox-lab", `${org}/folders/2003`],
      "org-team-web": ["active", "org-team-web", `${org}/folders/2001/folders/2002`],
    });
    expect([...adapter.accounts].sort()).toEqual(["org-root-app", "org-sandbox-lab", "org-team-denied", "org-team-web"]);
  });

  it("reads every active project; the one it holds no role on fails only its own scopes", async () => {
    const events = await collect(make(), ["gcp_network", "gce_instance"]);
    const failed = events.filter((e) => e.type === "scope_failed");
    expect(new Set(failed.map((e) => e.scope.account))).toEqual(new Set(["org-team-denied"]));
    for (const e of failed) expect(e.type === "scope_failed" && e.error).toBeInstanceOf(CredentialsRejectedError);
    const got = events.flatMap((e) => (e.type === "page" ? e.resources.map((r) => r.resourceId) : [])).sort();
    const want = [...emu.expected()]
      .filter((r) => ["gcp_network", "gce_instance"].includes(r.kind) && r.account !== "org-team-denied")
      .map((r) => r.resourceId)
      .sort();
    expect(got).toEqual(want);
  });

  it("applies folder include/exclude rules at any depth", async () => {
    const found = await make({ organization: { parent: org, include: { folders: ["folders/2001"] }, exclude: { projects: ["org-team-denied"] } } }).discoverAccounts?.();
    expect(Object.fromEntries(found?.accounts.map((a) => [a.account, a.state]) ?? [])).toEqual({
      "org-root-app": "excluded",
      "org-team-denied": "excluded",
      "org-going-away": "suspended",
      "org-sandbox-lab": "excluded",
      "org-team-web": "active",
    });
  });

  it("a throttled discovery that outlasts the retries fails with the cloud's error and reads the configured projects only", async () => {
    emu.faults.set({ throttle: 100, match: "resourcemanager" });
    const adapter = make({ projects: ["org-root-app"] });
    try {
      await expect(adapter.discoverAccounts?.()).rejects.toBeInstanceOf(ThrottledError);
    } finally {
      emu.faults.clear();
    }
    expect(adapter.accounts).toEqual(["org-root-app"]);
  });

  it("forgets a project that left the organization", async () => {
    const adapter = make();
    emu.mutate.leaveOrganization("org-sandbox-lab");
    const found = await adapter.discoverAccounts?.();
    expect(found?.accounts.map((a) => a.account)).not.toContain("org-sandbox-lab");
    expect(adapter.accounts).not.toContain("org-sandbox-lab");
  });
});
