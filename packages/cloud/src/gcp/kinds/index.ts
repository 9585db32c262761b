import { addressesReader } from "./addresses.ts";
import { backendServicesReader } from "./backend-services.ts";
import { bigQueryDatasetsReader } from "./bigquery-datasets.ts";
import { bucketsReader } from "./buckets.ts";
import { cloudAssetReader } from "./cloud-asset.ts";
import { cloudFunctionsReader } from "./cloud-functions.ts";
import { cloudRunServicesReader } from "./cloud-run-services.ts";
import { disksReader } from "./disks.ts";
import { firewallsReader } from "./firewalls.ts";
import { forwardingRulesReader, globalForwardingRulesReader } from "./forwarding-rules.ts";
import { gkeClustersReader } from "./gke-clusters.ts";
import { instanceGroupManagersReader } from "./instance-group-managers.ts";
import { instancesReader } from "./instances.ts";
import type { GcpKindReader, GcpMultiKindReader } from "./kind.ts";
import { networksReader } from "./networks.ts";
import { sqlInstancesReader } from "./sql-instances.ts";
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
  backendServicesReader,
  instanceGroupManagersReader,
  bucketsReader,
  sqlInstancesReader,
  gkeClustersReader,
  cloudFunctionsReader,
  cloudRunServicesReader,
  bigQueryDatasetsReader,
];

/** Everything else of a project, through Cloud Asset Inventory, skipping what the readers above cover. */
export const gcpCatchAllReader: GcpMultiKindReader = cloudAssetReader;

/** The kinds a caller may ask for by name (derived catch-all kinds come along in unfiltered streams only). */
export const gcpKinds = [...gcpKindReaders.map((r) => r.kind), ...gcpCatchAllReader.reports.map((k) => k.kind)];

/** The scopes' kinds of an unnarrowed stream, per project: each dedicated kind, and `*` for the catch-all. */
export const gcpScopeKinds: readonly string[] = [...gcpKindReaders.map((r) => r.kind), "*"];
