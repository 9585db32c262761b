#!/usr/bin/env node
// tsc rewrites `./x.ts` to `./x.js` in emitted JavaScript (rewriteRelativeImportExtensions)
// but leaves declaration files pointing at `.ts` files that are not published. This makes the
// `.d.ts` files agree with the `.js` ones, so consumers resolve types the way Node resolves code.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(process.argv[2] ?? "dist");
const relativeTs = /((?:from|import)\s*\(?\s*["'])(\.{1,2}\/[^"']+?)\.ts(["'])/g;

function walk(dir) {
  for (const entry of readdirSync(dir)) {
    const file = path.join(dir, entry);
    if (statSync(file).isDirectory()) walk(file);
    else if (file.endsWith(".d.ts")) {
      const text = readFileSync(file, "utf8");
      const fixed = text.replace(relativeTs, "$1$2.js$3");
      if (fixed !== text) writeFileSync(file, fixed);
    }
  }
}
walk(root);
