import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * What each entry point loads when it is imported: the packages reached through static imports
 * (`import … from`, `export … from`), following the package's own modules. Dynamic `import()`
 * and `import type` load nothing at start, so they are left out — that is how the bill and
 * metric SDKs stay unloaded until a cost or metric read.
 */
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

const sdkOf = (specifier: string) => /^@aws-sdk\/|^@smithy\/|^@azure\/|^@google-cloud\/|^google-auth-library/.test(specifier);

describe("entry points", () => {
  it("the core loads no SDK", () => {
    expect([...packagesLoadedBy("index.ts")].filter(sdkOf)).toEqual([]);
  });

  it("each cloud loads only its own inventory SDKs", () => {
    const aws = packagesLoadedBy("aws/index.ts");
    const azure = packagesLoadedBy("azure/index.ts");
    const gcp = packagesLoadedBy("gcp/index.ts");
    expect([...aws].filter(sdkOf).every((p) => p.startsWith("@aws-sdk/") || p.startsWith("@smithy/"))).toBe(true);
    expect([...azure].filter(sdkOf).every((p) => p.startsWith("@azure/"))).toBe(true);
    expect([...gcp].filter(sdkOf).every((p) => p.startsWith("@google-cloud/") || p === "google-auth-library")).toBe(true);
    // Every AWS SDK client package loads through awsSdk() (src/aws/sdk.ts) when a read first
    // needs it, none at import: EC2's, S3's and STS's included.
    expect([...aws].filter((p) => p.startsWith("@aws-sdk/client-"))).toEqual([]);
    expect(aws).not.toContain("@aws-sdk/client-cost-explorer");
    expect(aws).not.toContain("@aws-sdk/client-cloudwatch");
    // Kinds added over the adapter core load their SDK on their first read.
    expect(aws).not.toContain("@aws-sdk/client-lambda");
    expect(aws).not.toContain("@aws-sdk/client-dynamodb");
    expect(aws).not.toContain("@aws-sdk/client-cloudfront");
    for (const client of ["eks", "ecs", "auto-scaling", "elasticache", "efs", "redshift", "resource-groups-tagging-api"]) {
      expect(aws).not.toContain(`@aws-sdk/client-${client}`);
    }
    expect(azure).toContain("@azure/arm-resources");
    expect(azure).not.toContain("@azure/arm-monitor");
    expect(gcp).toContain("@google-cloud/compute/build/src/v1/instances_client.js");
    // The index loads the protobuf code of the whole Compute API.
    expect(gcp).not.toContain("@google-cloud/compute");
    expect(gcp).not.toContain("@google-cloud/bigquery");
    expect(gcp).not.toContain("@google-cloud/monitoring");
    // Kinds outside Compute load their SDK (by path) on their first read.
    const loaded = [...gcp].join(" ");
    for (const sdk of ["@google-cloud/sql", "@google-cloud/container", "@google-cloud/functions", "@google-cloud/asset", "@googleapis/storage"]) {
      expect(loaded).not.toContain(sdk);
    }
  });
  it("digitalocean loads no SDK at start: @digitalocean/dots comes with the first read", () => {
    const digitalocean = packagesLoadedBy("digitalocean/index.ts");
    expect([...digitalocean].filter((p) => sdkOf(p) || p.startsWith("@digitalocean/"))).toEqual([]);
  });

  it("linode loads no SDK at import: @linode/api-v4 is imported with the first call, and the core does not load it either", () => {
    expect([...packagesLoadedBy("linode/index.ts")]).toEqual([]);
    expect([...packagesLoadedBy("index.ts")]).not.toContain("@linode/api-v4");
  });

  it("the Vultr entry point loads no SDK at all: @vultr/vultr-node is imported on the first read", () => {
    const vultr = [...packagesLoadedBy("vultr/index.ts")];
    expect(vultr.filter((p) => sdkOf(p) || p.startsWith("@vultr/"))).toEqual([]);
    for (const other of ["aws/index.ts", "azure/index.ts", "gcp/index.ts", "index.ts"]) {
      expect([...packagesLoadedBy(other)].some((p) => p.startsWith("@vultr/"))).toBe(false);
    }
  });
});
