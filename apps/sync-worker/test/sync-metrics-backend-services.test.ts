import { startGcpEmulator } from "@cloudsync/cloud-emulators";
import { organizations, queryRows, userProfiles } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { printBackendServiceMetrics } from "../src/cli/demo-backend-metrics.ts";
import { gcpEmulatorCredentials } from "../src/demo/emulated-credentials.ts";
import { syncMetrics } from "../src/jobs/sync-metrics.ts";
import { syncResources } from "../src/jobs/sync-resources.ts";
import type { SyncDeps } from "../src/jobs/sync-run.ts";
import { silentLogger } from "../src/logger.ts";
import { createAdapter } from "../src/providers/adapters.ts";
import { addProvider, loadProviderForSync } from "../src/providers/registry.ts";
import { generateKey, parseKeyring } from "../src/secrets/keyring.ts";

const keyring = parseKeyring(`test:${generateKey()}`);
let tdb: TestDatabase;

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_lbmetrics" });
});
afterAll(async () => tdb?.drop());

it("stores request, 5xx and latency samples for every family of GCP backend service, the scheme read from the stored configuration", async () => {
  // The smallest estates holding all three families (global, regional external and internal) are about this size.
  const em = await startGcpEmulator({ seed: 1, size: 200 });
  try {
    const [org] = await tdb.db.insert(organizations).values({ name: "Load Co", slug: "load-co" }).returning();
    const [user] = await tdb.db.insert(userProfiles).values({ organizationId: org!.id, email: "ops@load.example" }).returning();
    const providerId = (await addProvider(tdb.db, keyring, { organizationId: org!.id, createdBy: user!.id, credentials: gcpEmulatorCredentials(em) })).id;
    const deps: SyncDeps = {
      db: tdb.db,
      loadProvider: (id) => loadProviderForSync(tdb.db, keyring, id),
      adapterFor: (provider, settings) => createAdapter(provider.credentials, { ...settings, maxAttempts: 2, timeoutMs: 10_000 }),
      clock: () => new Date(),
      logger: silentLogger(),
    };
    await syncResources(deps, { providerId });
    await syncMetrics(deps, { providerId, lookbackMinutes: 30 });
    // Per family (global, or the regional scheme): services, and those with all three keys in a sample.
    const rows = await queryRows<{ family: string; services: number; sampled: number }>(
      tdb.db,
      sql`select case when g.region_code = 'global' then 'global' else r.configuration ->> 'loadBalancingScheme' end as family,
                 count(distinct r.id)::int as services,
                 count(distinct m.resource_id)::int as sampled
            from cloud_resources r
            join cloud_regions g on g.id = r.region_id
            left join infrastructure_monitoring m
              on m.resource_id = r.id and m.metrics ?& array['requests_per_second', 'error_rate', 'response_time_ms']
           where r.provider_id = ${providerId}::uuid and r.resource_subtype = 'gcp_backend_service'
           group by 1 order by 1`,
    );
    expect(rows.map((r) => r.family)).toEqual(["EXTERNAL_MANAGED", "INTERNAL_MANAGED", "global"]);
    // Every service publishes requests in every period, so every one has a full sample.
    for (const r of rows) expect([r.family, r.sampled]).toEqual([r.family, r.services]);
    // The demo's table: one line per family, each with all its services sampled.
    const lines: string[] = [];
    await printBackendServiceMetrics(tdb.db, org!.id, (line) => lines.push(line));
    const table = lines.join("\n").split("\n").map((line) => line.split(/\s{2,}/));
    const count = (family: string) => String(rows.find((r) => r.family === family)?.services);
    for (const [label, family] of [
      ["external, global (https_lb_rule)", "global"],
      ["external, regional (http_external_regional_lb_rule)", "EXTERNAL_MANAGED"],
      ["internal, regional (internal_http_lb_rule)", "INTERNAL_MANAGED"],
    ] as const) {
      // family, services, with samples, then the averaged values.
      expect(table.find((cells) => cells[0] === label)?.slice(0, 3)).toEqual([label, count(family), count(family)]);
    }
  } finally {
    await em.close();
  }
});
