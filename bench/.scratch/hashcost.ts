import { createHash } from "node:crypto";
import { stableJson, toResourceRow } from "@cloudsync/sync-worker";
import { Estate } from "../src/estate.ts";
const estate = new Estate(1, 20000);
const res: any[] = [];
for (const es of estate.scopes) for (const page of estate.pages(es, "base", 1000)) for (const r of page) res.push([r, es.scope]);
for (let round = 0; round < 2; round++) {
let t = performance.now(); for (const [r, s] of res) toResourceRow(r, s); const full = performance.now() - t;
t = performance.now(); const strs = res.map(([r]) => stableJson(r)); const sj = performance.now() - t;
t = performance.now(); for (const s of strs) createHash("sha256").update(s).digest("base64url"); const sha = performance.now() - t;
t = performance.now(); for (const [r] of res) JSON.stringify(r); const js = performance.now() - t;
t = performance.now(); for (const s of strs) createHash("md5").update(s).digest("base64url"); const md5 = performance.now() - t;
console.log({ toResourceRowMs: full, stableJsonMs: sj, sha256Ms: sha, md5Ms: md5, jsonStringifyMs: js });
}
