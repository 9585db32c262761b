import { disksReader } from "./disks.ts";
import { forwardingRulesReader, globalForwardingRulesReader } from "./forwarding-rules.ts";
import { instancesReader } from "./instances.ts";
import type { GcpKindReader } from "./kind.ts";
import { networksReader } from "./networks.ts";

export const gcpKindReaders: readonly GcpKindReader[] = [
  instancesReader,
  disksReader,
  networksReader,
  forwardingRulesReader,
  globalForwardingRulesReader,
];

/** The kinds a caller may ask for by name. */
export const gcpKinds = gcpKindReaders.map((r) => r.kind);
