import { bareMetalReader } from "./bare-metal.ts";
import { blockStorageReader } from "./block-storage.ts";
import { databaseReader } from "./databases.ts";
import { firewallGroupReader } from "./firewall-groups.ts";
import { instanceReader } from "./instances.ts";
import type { VultrKindReader } from "./kind.ts";
import { kubernetesClusterReader } from "./kubernetes-clusters.ts";
import { loadBalancerReader } from "./load-balancers.ts";
import { objectStorageReader } from "./object-storage.ts";
import { reservedIpReader } from "./reserved-ips.ts";
import { vpc2Reader, vpcReader } from "./vpcs.ts";

/** Every Vultr kind, one reader each (docs/coverage.md, "Vultr"). */
export const vultrKindReaders: readonly VultrKindReader[] = [
  instanceReader,
  bareMetalReader,
  blockStorageReader,
  objectStorageReader,
  databaseReader,
  vpcReader,
  vpc2Reader,
  firewallGroupReader,
  reservedIpReader,
  loadBalancerReader,
  kubernetesClusterReader,
];

export const vultrKinds: readonly string[] = vultrKindReaders.map((r) => r.kind);
