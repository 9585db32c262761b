import { addressesReader } from "./addresses.ts";
import { disksReader } from "./disks.ts";
import { firewallsReader } from "./firewalls.ts";
import { forwardingRulesReader, globalForwardingRulesReader } from "./forwarding-rules.ts";
import { instancesReader } from "./instances.ts";
import type { GcpKindReader } from "./kind.ts";
import { networksReader } from "./networks.ts";
import { subnetworksReader } from "./subnetworks.ts";

export const gcpKindReaders: readonly GcpKindReader[] = [
  instancesReader,
  disksReader,
  networksReader,
  forwardingRulesReader,
  globalForwardingRulesReader,
  subnetworksReader,
  firewallsReader,
  addressesReader,
];

/** The kinds a caller may ask for by name. */
export const gcpKinds = gcpKindReaders.map((r) => r.kind);
