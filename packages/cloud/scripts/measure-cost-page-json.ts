/**
 * Whether lossless-json could replace the adapter's own exact parser (src/azure/exact-json.ts):
 * how fast each parses a Cost Management answer of 5,000 rows, numbers kept as their text.
 * The two alternate, after a warm-up, in one process, so both see the same machine. Run from
 * the repository root (lossless-json is a dev dependency for this script only):
 *
 *   pnpm --filter @cloudsync/bench exec tsx ../packages/cloud/scripts/measure-cost-page-json.ts
 */
import { parse } from "lossless-json";
import { JsonNumber, parseExactJson } from "../src/azure/exact-json.ts";

const rowsPerPage = 5_000;
const rounds = 40;

/** A page as Cost Management writes it: amounts with more digits than a double keeps. */
function costPage(): string {
  const rows: string[] = [];
  for (let i = 0; i < rowsPerPage; i++) {
    const id = `/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg-${i % 40}/providers/Microsoft.Compute/virtualMachines/vm-${i}`;
    rows.push(`[${(i * 1.37).toFixed(2)}${String(1e15 + i).slice(1)},${20261001 + (i % 28)},${JSON.stringify(id)},"Virtual Machines","USD"]`);
  }
  const columns = [
    { name: "Cost", type: "Number" },
    { name: "UsageDate", type: "Number" },
    { name: "ResourceId", type: "String" },
    { name: "MeterCategory", type: "String" },
    { name: "Currency", type: "String" },
  ];
  return `{"id":"q","name":"q","type":"Microsoft.CostManagement/query","properties":{"nextLink":null,"columns":${JSON.stringify(columns)},"rows":[${rows.join(",")}]}}`;
}

function time(parseText: (text: string) => unknown, text: string): number {
  const start = process.hrtime.bigint();
  parseText(text);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

const text = costPage();
const viaLibrary = (t: string) => parse(t, null, (n) => new JsonNumber(n));
const parsers: [string, (t: string) => unknown][] = [
  ["exact-json.ts", parseExactJson],
  ["lossless-json", viaLibrary],
];
const times = new Map<string, number[]>(parsers.map(([name]) => [name, []]));
for (let round = 0; round < rounds + 5; round++) {
  for (const [name, parseText] of parsers) {
    const ms = time(parseText, text);
    if (round >= 5) times.get(name)?.push(ms);
  }
}
console.log(`cost page: ${rowsPerPage} rows, ${(text.length / 1024).toFixed(0)} KiB, ${rounds} timed rounds each, Node ${process.version}`);
for (const [name, values] of times) {
  console.log(`  ${name.padEnd(14)} median ${median(values).toFixed(2)} ms, min ${Math.min(...values).toFixed(2)} ms`);
}
