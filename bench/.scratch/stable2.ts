import { stableJson } from "@cloudsync/sync-worker";
import { Estate } from "../src/estate.ts";
const estate = new Estate(1, 20000);
const res: any[] = [];
for (const es of estate.scopes) for (const page of estate.pages(es, "base", 1000)) for (const r of page) res.push(r);
function fast(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += (i ? "," : "") + fast(value[i]);
    return out + "]";
  }
  const keys = Object.keys(value).sort();
  let out = "{";
  let first = true;
  for (const k of keys) {
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined) continue;
    out += (first ? "" : ",") + JSON.stringify(k) + ":" + fast(v);
    first = false;
  }
  return out + "}";
}
for (let round = 0; round < 3; round++) {
  let t = performance.now(); const a = res.map((r) => stableJson(r)); const s1 = performance.now() - t;
  t = performance.now(); const b = res.map((r) => fast(r)); const s2 = performance.now() - t;
  console.log({ stableJson: s1, fast: s2, same: a.every((x, i) => x === b[i]) });
}
