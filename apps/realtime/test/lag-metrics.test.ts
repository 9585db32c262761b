import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { RealtimeServer } from "../src/server/server.ts";
import { type Tenant, createTenant, startTestServer, waitFor } from "./helpers.ts";

// The two realtime metrics the alert rules in deploy/prometheus page on besides the existing
// ones: how late events arrive, and how close the server is to refusing connections.

let tdb: TestDatabase;
let t: Tenant;
let server: RealtimeServer;

beforeAll(async () => {
  tdb = await createTestDatabase();
  t = await createTenant(tdb.db, "lag");
  server = await startTestServer(tdb.url, { maxConnections: 7 });
  await server.ready;
});
afterAll(async () => {
  await server?.close();
  await tdb?.drop();
});

async function metric(line: string): Promise<number | undefined> {
  const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
  const found = text.split("\n").find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

it("reports the configured connection limit", async () => {
  expect(await metric("cloudsync_realtime_max_connections")).toBe(7);
});

it("measures each event's lag from the change's changed_at, by channel", async () => {
  // A change made 30 s before the server read it, as a long transaction would deliver it: the
  // event row as the triggers write it, with the change's own time 30 s back.
  const before = Date.now();
  await tdb.db.execute(sql`
    with written as (
      insert into realtime_events (organization_id, channel, resource_id, is_wedding_critical, payload)
      values (${t.organizationId}::uuid, 'infrastructure_change', null, false, jsonb_build_object(
        'type', 'resource_status_change', 'resource_id', gen_random_uuid(), 'provider_id', ${t.providerId}::uuid,
        'old_status', 'running', 'new_status', 'stopped', 'organization_id', ${t.organizationId}::uuid,
        'changed_at', now() - interval '30 seconds'))
      returning seq)
    select pg_notify('cloudsync_realtime_events', seq::text) from written`);
  const count = 'cloudsync_realtime_event_lag_seconds_count{channel="infrastructure_change"}';
  await waitFor("the event to be received", async () => (await metric(count)) === 1);
  const elapsed = (Date.now() - before) / 1000;
  const sum = (await metric('cloudsync_realtime_event_lag_seconds_sum{channel="infrastructure_change"}')) as number;
  expect(sum).toBeGreaterThanOrEqual(30);
  expect(sum).toBeLessThanOrEqual(30 + elapsed);
  // Past the 10 s bucket, inside the 30+ ones.
  expect(await metric('cloudsync_realtime_event_lag_seconds_bucket{le="10",channel="infrastructure_change"}')).toBe(0);
  expect(await metric('cloudsync_realtime_event_lag_seconds_bucket{le="60",channel="infrastructure_change"}')).toBe(1);
});
