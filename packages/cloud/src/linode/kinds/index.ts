import { bucketsReader } from "./buckets.ts";
import { databasesReader } from "./databases.ts";
import { firewallsReader } from "./firewalls.ts";
import { instancesReader } from "./instances.ts";
import { ipsReader } from "./ips.ts";
import type { LinodeKindReader } from "./kind.ts";
import { lkeClustersReader } from "./lke-clusters.ts";
import { nodeBalancersReader } from "./nodebalancers.ts";
import { volumesReader } from "./volumes.ts";
import { vpcsReader } from "./vpcs.ts";

/** Every kind the Linode adapter reads, one file each (docs/coverage.md, "Linode"). */
export const linodeKindReaders: readonly LinodeKindReader<never>[] = [
  instancesReader,
  volumesReader,
  bucketsReader,
  databasesReader,
  vpcsReader,
  firewallsReader,
  ipsReader,
  nodeBalancersReader,
  lkeClustersReader,
] as unknown as readonly LinodeKindReader<never>[];

export const linodeKinds: readonly string[] = linodeKindReaders.map((r) => r.kind);
