import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/** The packages the Linode entry point loads through static imports (dynamic `import()` loads on first use). */
const src = fileURLToPath(new URL("../src/", import.meta.url));
const staticImport = /^\s*(?:import|export)\s+(?!type\s)(?:[^"';]*?\s+from\s+)?["']([^"']+)["']/gm;

function packagesLoadedBy(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, specifier] of readFileSync(file, "utf8").matchAll(staticImport)) {
      if (!specifier) continue;
      if (specifier.startsWith(".")) visit(path.resolve(path.dirname(file), specifier));
      else if (!specifier.startsWith("node:")) packages.add(specifier);
    }
  };
  visit(path.join(src, entry));
  return packages;
}

describe("@cloudsync/cloud/linode", () => {
  it("loads no SDK at import: @linode/api-v4 is imported with the first call", () => {
    expect([...packagesLoadedBy("linode/index.ts")]).toEqual([]);
  });
  it("the core does not load it either", () => {
    expect([...packagesLoadedBy("index.ts")]).not.toContain("@linode/api-v4");
  });
});
