import { createRequire } from "node:module";

/**
 * The AWS SDK v3 packages this adapter uses, by package name. Every one ships CommonJS as its
 * `main` and has no `exports` map, so `import` and `require` reach the same file and the same
 * module object (Node's one CommonJS cache).
 */
export interface AwsSdkPackages {
  "@aws-sdk/client-auto-scaling": typeof import("@aws-sdk/client-auto-scaling");
  "@aws-sdk/client-backup": typeof import("@aws-sdk/client-backup");
  "@aws-sdk/client-cloudformation": typeof import("@aws-sdk/client-cloudformation");
  "@aws-sdk/client-cloudfront": typeof import("@aws-sdk/client-cloudfront");
  "@aws-sdk/client-cloudwatch": typeof import("@aws-sdk/client-cloudwatch");
  "@aws-sdk/client-cost-explorer": typeof import("@aws-sdk/client-cost-explorer");
  "@aws-sdk/client-dynamodb": typeof import("@aws-sdk/client-dynamodb");
  "@aws-sdk/client-ec2": typeof import("@aws-sdk/client-ec2");
  "@aws-sdk/client-ecs": typeof import("@aws-sdk/client-ecs");
  "@aws-sdk/client-efs": typeof import("@aws-sdk/client-efs");
  "@aws-sdk/client-eks": typeof import("@aws-sdk/client-eks");
  "@aws-sdk/client-elastic-load-balancing-v2": typeof import("@aws-sdk/client-elastic-load-balancing-v2");
  "@aws-sdk/client-elasticache": typeof import("@aws-sdk/client-elasticache");
  "@aws-sdk/client-lambda": typeof import("@aws-sdk/client-lambda");
  "@aws-sdk/client-organizations": typeof import("@aws-sdk/client-organizations");
  "@aws-sdk/client-pricing": typeof import("@aws-sdk/client-pricing");
  "@aws-sdk/client-rds": typeof import("@aws-sdk/client-rds");
  "@aws-sdk/client-redshift": typeof import("@aws-sdk/client-redshift");
  "@aws-sdk/client-resource-groups-tagging-api": typeof import("@aws-sdk/client-resource-groups-tagging-api");
  "@aws-sdk/client-s3": typeof import("@aws-sdk/client-s3");
  "@aws-sdk/client-sts": typeof import("@aws-sdk/client-sts");
}

const requireSdk = createRequire(import.meta.url);

/**
 * An AWS SDK package, loaded on the first call (later calls return Node's cached module).
 *
 * Through `require`, not `import`: importing a CommonJS package from an ES module makes Node
 * scan the package's bundle for its named exports (cjs-module-lexer) and check its module format
 * before compiling it, and the SDK's bundles are large (EC2's alone is several MB). Loading EC2,
 * S3, STS and Organizations took 1.4–1.5 s of CPU through `import` and 0.8 s through `require`
 * (Node 20, same files, same resident memory); every worker process pays it once per service it
 * reads, and a CLI command before its first request. Kinds call this where they used
 * `await import(…)`, so a service's SDK still loads only when one of its kinds is read.
 */
export function awsSdk<N extends keyof AwsSdkPackages>(name: N): AwsSdkPackages[N] {
  return requireSdk(name) as AwsSdkPackages[N];
}
