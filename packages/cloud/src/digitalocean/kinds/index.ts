import { cdnEndpointsReader } from "./cdn-endpoints.ts";
import { databasesReader } from "./databases.ts";
import { dropletsReader } from "./droplets.ts";
import { firewallsReader } from "./firewalls.ts";
import type { DoKindReader } from "./kind.ts";
import { kubernetesClustersReader } from "./kubernetes-clusters.ts";
import { loadBalancersReader } from "./load-balancers.ts";
import { reservedIpsReader } from "./reserved-ips.ts";
import { volumesReader } from "./volumes.ts";
import { vpcsReader } from "./vpcs.ts";

export const doKindReaders: readonly DoKindReader[] = [
  dropletsReader,
  volumesReader,
  databasesReader,
  vpcsReader,
  firewallsReader,
  reservedIpsReader,
  loadBalancersReader,
  cdnEndpointsReader,
  kubernetesClustersReader,
];

export const doKinds: readonly string[] = doKindReaders.map((r) => r.kind);
