import { createDb } from "@cloudsync/db";
import { RegionRegistry, ResourceWriter as Shipped, toResourceRow } from "@cloudsync/sync-worker";
// @ts-ignore
import { ResourceWriter as Proto } from "./proto/write/resources.js";
// @ts-ignore
import { ResourceWriter as Proto4 } from "./proto4/write/resources.js";
const ResourceWriter = (process.env.PROTO === "4" ? Proto4 : process.env.PROTO ? Proto : Shipped) as typeof Shipped;
import { createTestDatabase } from "@cloudsync/db/testing";
import { Estate } from "../src/estate.ts";
import { createTenant } from "../src/database.ts";
import postgres from "postgres";

const N = Number(process.argv[2] ?? 20000);
const test = await createTestDatabase({ prefix: "cloudsync_benchprof" });
const sql = postgres(test.url, { max: 2, onnotice: () => {} });
const tenant = await createTenant(sql, "prof");
if (process.env.DIFF_SQL) await sql.unsafe((await import("node:fs")).readFileSync(process.env.DIFF_SQL, "utf8"));
const estate = new Estate(1, N);
// JS cost
let t = performance.now();
let bytes = 0;
for (const es of estate.scopes) for (const page of estate.pages(es, "base", 1000)) {}
const gen = performance.now() - t;
t = performance.now();
for (const es of estate.scopes) for (const page of estate.pages(es, "base", 1000)) { const rows = page.map((r) => toResourceRow(r, es.scope)); bytes += JSON.stringify(rows).length; }
console.log({ genMs: gen, genPlusRowsMs: performance.now() - t, rowsOnlyMs: performance.now() - t - gen, jsonBytesPerRow: bytes / N });
await sql.unsafe(`alter database "${test.name}" set session_preload_libraries = 'auto_explain'`);
await sql.unsafe(`alter database "${test.name}" set auto_explain.log_min_duration = ${process.env.PLAN ? 0 : -1}`);
await sql.unsafe(`alter database "${test.name}" set auto_explain.log_analyze = on`);
await sql.unsafe(`alter database "${test.name}" set auto_explain.log_nested_statements = off`);
await sql.unsafe(`alter database "${test.name}" set auto_explain.log_level = notice`);
await sql.unsafe(`alter database "${test.name}" set auto_explain.log_format = text`);
const notices: string[] = [];
const handle = await createDb({ url: test.url, maxConnections: 1, onNotice: (m) => notices.push(m) });
async function sync(version: "base" | "churned", label: string) {
  let ms = 0;
  for (const cloud of ["aws", "azure", "gcp"] as const) {
    const [run] = await sql`insert into sync_runs (organization_id, provider_id, kind) values (${tenant.organizationId}, ${tenant.providers[cloud]}, 'resources') returning id`;
    const w = new ResourceWriter(handle.db, new RegionRegistry(handle.db, tenant.providers[cloud], []), { organizationId: tenant.organizationId, providerId: tenant.providers[cloud], createdBy: tenant.userId, syncRunId: run!.id });
    for (const es of estate.scopesOf(cloud)) {
      for (const page of estate.pages(es, version, 1000)) { const s = performance.now(); await w.writePage(es.scope, page); ms += performance.now() - s; }
      const s = performance.now(); await w.completeScope(es.scope); ms += performance.now() - s;
    }
  }
  // summarize notices: total duration by statement kind
  const byKind = new Map<string, number>();
  for (const n of notices) {
    const m = /^duration: ([\d.]+) ms/.exec(n); if (!m) continue;
    const q = n.includes("with incoming") ? "upsert" : n.includes("select resource_id, content_hash") ? "stored" : n.includes("cloud_regions") ? "regions" : n.includes("doomed") ? "terminate" : "other:" + n.slice(n.indexOf("Query Text"), n.indexOf("Query Text") + 60);
    byKind.set(q, (byKind.get(q) ?? 0) + Number(m[1]));
  }
  console.log(label, "client ms", Math.round(ms), Object.fromEntries([...byKind].map(([k, v]) => [k, Math.round(v)])));
  const upserts = notices.filter((n) => n.includes("with incoming"));
  if (upserts.length && process.env.PLAN && label === process.env.PLAN) console.log(upserts[Math.min(5, upserts.length - 1)]!.slice(upserts[0]!.indexOf("Result  (cost")).split("\n").slice(0, 200).join("\n"));
  notices.length = 0;
}
await sync("base", "first");
await sql`analyze cloud_resources`;
await sync("base", "unchanged");
await sync("churned", "churned");
await handle.close(); await sql.end(); await test.drop();
