/**
 * The GCP kinds beyond the first Compute collections: their size and state tables and one raw
 * item → one resource each, on hand-written items in each API's JSON shape.
 */
import { describe, expect, it } from "vitest";
import { MalformedItemError } from "../src/errors.ts";
import { assetStatus, assetTypeKind } from "../src/gcp/kinds/asset-types.ts";
import { normalizeBackendService } from "../src/gcp/kinds/backend-services.ts";
import { normalizeBigQueryDataset } from "../src/gcp/kinds/bigquery-datasets.ts";
import { normalizeBucket } from "../src/gcp/kinds/buckets.ts";
import { assetRegion, normalizeAsset } from "../src/gcp/kinds/cloud-asset.ts";
import { functionStatus, normalizeCloudFunction } from "../src/gcp/kinds/cloud-functions.ts";
import { gkeClusterStatus, normalizeGkeCluster } from "../src/gcp/kinds/gke-clusters.ts";
import { instanceGroupStatus, normalizeInstanceGroupManager } from "../src/gcp/kinds/instance-group-managers.ts";
import { normalizeSqlInstance, sqlInstanceStatus } from "../src/gcp/kinds/sql-instances.ts";
import { countSize, memoryMiB, memorySize, sqlTierSize } from "../src/gcp/sizes.ts";
import { resourceStatuses } from "../src/types.ts";

const P = "https://www.googleapis.com/compute/v1/projects/acme-prod";

describe("sizes", () => {
  it.each([
    [0, "nano"],
    [1, "small"],
    [2, "small"],
    [3, "medium"],
    [9, "medium"],
    [10, "large"],
    [49, "large"],
    [50, "xlarge"],
    ["12", "large"],
    [-1, "custom"],
    [2.5, "custom"],
    [null, "custom"],
    [undefined, "custom"],
  ])("count %s → %s", (count, expected) => {
    expect(countSize(count)).toBe(expected);
  });

  it.each([
    ["128Mi", 128],
    ["256M", 244.140625],
    ["1Gi", 1024],
    ["2G", 1907.3486328125],
    ["512Ki", 0.5],
  ])("memory %s is %s MiB", (memory, mib) => {
    expect(memoryMiB(memory)).toBeCloseTo(mib, 6);
  });

  it.each([
    ["128Mi", "micro"],
    ["256M", "micro"],
    ["256Mi", "micro"],
    ["512M", "small"],
    ["512Mi", "small"],
    ["1Gi", "medium"],
    ["2Gi", "medium"],
    ["4Gi", "large"],
    ["8Gi", "large"],
    ["16Gi", "xlarge"],
    ["lots", "custom"],
    ["", "custom"],
    [null, "custom"],
  ])("memory %s → %s", (memory, expected) => {
    expect(memorySize(memory)).toBe(expected);
  });

  it.each([
    ["db-f1-micro", "micro"],
    ["db-g1-small", "small"],
    ["db-custom-1-3840", "small"],
    ["db-custom-2-7680", "medium"],
    ["db-custom-4-15360", "large"],
    ["db-n1-highmem-4", "large"],
    ["db-n1-standard-8", "xlarge"],
    ["db-perf-optimized-N-8", "xlarge"],
    ["", "custom"],
    [null, "custom"],
  ])("Cloud SQL tier %s → %s", (tier, expected) => {
    expect(sqlTierSize(tier)).toBe(expected);
  });
});

describe("states", () => {
  it.each([
    ["RUNNABLE", "ALWAYS", "running"],
    ["RUNNABLE", "ON_DEMAND", "running"],
    ["RUNNABLE", "NEVER", "stopped"],
    ["MAINTENANCE", "ALWAYS", "running"],
    ["SUSPENDED", "ALWAYS", "stopped"],
    ["PENDING_CREATE", undefined, "provisioning"],
    ["PENDING_DELETE", "ALWAYS", "stopping"],
    ["FAILED", "ALWAYS", "error"],
    ["SQL_INSTANCE_STATE_UNSPECIFIED", "ALWAYS", null],
    [undefined, undefined, null],
  ])("Cloud SQL %s with activation policy %s → %s", (state, policy, expected) => {
    expect(sqlInstanceStatus(state, policy)).toBe(expected);
  });

  it.each([
    ["PROVISIONING", "provisioning"],
    ["RUNNING", "running"],
    ["RECONCILING", "running"],
    ["STOPPING", "stopping"],
    ["ERROR", "error"],
    ["DEGRADED", "error"],
    ["STATUS_UNSPECIFIED", null],
    [null, null],
  ])("GKE %s → %s", (state, expected) => {
    expect(gkeClusterStatus(state)).toBe(expected);
  });

  it.each([
    ["ACTIVE", "running"],
    ["DEPLOYING", "provisioning"],
    ["DELETING", "stopping"],
    ["FAILED", "error"],
    ["UNKNOWN", null],
    ["STATE_UNSPECIFIED", null],
    [undefined, null],
  ])("Cloud Function %s → %s", (state, expected) => {
    expect(functionStatus(state)).toBe(expected);
  });

  it.each([
    [0, "stopped"],
    [3, "running"],
    ["5", "running"],
    [undefined, null],
    [-2, null],
  ])("instance group with target size %s → %s", (size, expected) => {
    expect(instanceGroupStatus(size)).toBe(expected);
  });

  it.each([
    [undefined, "running"],
    ["READY", "running"],
    ["ACTIVE", "running"],
    ["ready", "running"],
    ["CREATING", "provisioning"],
    ["STARTING", "starting"],
    ["DELETING", "stopping"],
    ["STOPPED", "stopped"],
    ["SUSPENDED", "stopped"],
    ["FAILED", "error"],
    ["SOMETHING_NEW", "running"],
  ])("asset state %s → %s", (state, expected) => {
    expect(assetStatus(state)).toBe(expected);
  });
});

describe("Cloud Asset Inventory types → kinds", () => {
  it.each([
    // Covered by a dedicated kind: left to it.
    ["compute.googleapis.com/Instance", null],
    ["compute.googleapis.com/RegionBackendService", null],
    ["storage.googleapis.com/Bucket", null],
    ["sqladmin.googleapis.com/Instance", null],
    ["container.googleapis.com/Cluster", null],
    ["cloudfunctions.googleapis.com/Function", null],
    ["bigquery.googleapis.com/Dataset", null],
    ["run.googleapis.com/Service", null],
    // Named in the table.
    ["pubsub.googleapis.com/Topic", { kind: "gcp_pubsub_topic", resourceType: "analytics" }],
    ["spanner.googleapis.com/Instance", { kind: "gcp_spanner_instance", resourceType: "database" }],
    ["compute.googleapis.com/Snapshot", { kind: "gce_snapshot", resourceType: "storage" }],
    ["compute.googleapis.com/UrlMap", { kind: "gcp_url_map", resourceType: "load_balancer" }],
    // Cloud Run's other types stay with the catch-all, derived from the service.
    ["run.googleapis.com/Job", { kind: "gcp_run_job", resourceType: "compute" }],
    // Derived from a mapped service.
    ["alloydb.googleapis.com/Cluster", { kind: "gcp_alloydb_cluster", resourceType: "database" }],
    ["compute.googleapis.com/TargetGrpcProxy", { kind: "gcp_compute_target_grpc_proxy", resourceType: "compute" }],
    ["composer.googleapis.com/Environment", { kind: "gcp_composer_environment", resourceType: "analytics" }],
    // Services cloudsync does not model.
    ["iam.googleapis.com/ServiceAccount", null],
    ["cloudkms.googleapis.com/CryptoKey", null],
    ["not an asset type", null],
    [null, null],
  ])("%s → %j", (assetType, expected) => {
    expect(assetTypeKind(assetType)).toEqual(expected);
  });

  it.each([
    ["us-central1-a", "us-central1"],
    ["europe-west1", "europe-west1"],
    ["global", "global"],
    ["US", "us"],
    ["eu", "eu"],
    ["", null],
    [null, null],
  ])("location %s → region %s", (location, expected) => {
    expect(assetRegion(location)).toBe(expected);
  });
});

describe("kind normalizers", () => {
  it.each([
    [
      "global backend service with Cloud CDN",
      () =>
        normalizeBackendService(
          { id: "901", name: "web-bs", enableCDN: true, backends: [{ group: "g1" }, { group: "g2" }], selfLink: `${P}/global/backendServices/web-bs` },
          "acme-prod",
          "global",
        ),
      { kind: "gcp_backend_service", resourceType: "cdn", regionCode: "global", status: "running", sizeCategory: "small", tags: {} },
    ],
    [
      "regional backend service without CDN",
      () =>
        normalizeBackendService(
          { id: "902", name: "api-bs", enableCDN: false, region: `${P}/regions/europe-west1`, backends: Array(12).fill({ group: "g" }) },
          "acme-prod",
          "regions/europe-west1",
        ),
      { resourceType: "load_balancer", regionCode: "europe-west1", sizeCategory: "large" },
    ],
    [
      "backend service without backends",
      () => normalizeBackendService({ id: "903", name: "empty-bs" }, "acme-prod", "regions/us-east1"),
      { resourceType: "load_balancer", regionCode: "us-east1", sizeCategory: "nano" },
    ],
    [
      "zonal managed instance group",
      () =>
        normalizeInstanceGroupManager(
          { id: "911", name: "web-mig", zone: `${P}/zones/us-central1-b`, targetSize: 5, status: { isStable: false } },
          "acme-prod",
          "zones/us-central1-b",
        ),
      { kind: "gce_instance_group_manager", resourceType: "compute", regionCode: "us-central1", status: "running", sizeCategory: "medium" },
    ],
    [
      "regional managed instance group scaled to zero",
      () => normalizeInstanceGroupManager({ id: "912", name: "batch-mig", region: `${P}/regions/asia-east1`, targetSize: 0 }, "acme-prod", null),
      { regionCode: "asia-east1", status: "stopped", sizeCategory: "nano" },
    ],
    [
      "multi-region bucket",
      () =>
        normalizeBucket(
          { kind: "storage#bucket", id: "acme-assets", name: "acme-assets", location: "US", locationType: "multi-region", timeCreated: "2021-05-01T10:00:00.000Z", labels: { env: "prod", "wedding-critical": "true" } },
          "acme-prod",
        ),
      { kind: "gcs_bucket", resourceId: "acme-assets", resourceType: "storage", regionCode: "us", sizeCategory: "medium", tags: { env: "prod", "wedding-critical": "true" }, providerCreatedAt: "2021-05-01T10:00:00.000Z" },
    ],
    [
      "Cloud SQL instance",
      () =>
        normalizeSqlInstance(
          {
            kind: "sql#instance",
            name: "orders-db",
            project: "acme-prod",
            state: "RUNNABLE",
            region: "europe-west1",
            createTime: "2022-03-01T09:00:00.000Z",
            settings: { tier: "db-custom-4-15360", activationPolicy: "ALWAYS", userLabels: { env: "prod", "wedding-critical": "true" } },
          },
          "acme-prod",
        ),
      {
        kind: "gcp_sql_instance",
        resourceType: "database",
        resourceId: "//sqladmin.googleapis.com/projects/acme-prod/instances/orders-db",
        regionCode: "europe-west1",
        status: "running",
        sizeCategory: "large",
        tags: { env: "prod", "wedding-critical": "true" },
        providerCreatedAt: "2022-03-01T09:00:00.000Z",
      },
    ],
    [
      "zonal GKE cluster",
      () =>
        normalizeGkeCluster(
          { id: "a1b2", name: "prod-gke", location: "us-east1-b", status: "RECONCILING", currentNodeCount: 12, resourceLabels: { team: "sre" }, createTime: "2023-01-02T03:04:05Z" },
          "acme-prod",
        ),
      { kind: "gke_cluster", resourceId: "a1b2", resourceType: "compute", regionCode: "us-east1", status: "running", sizeCategory: "large", tags: { team: "sre" }, providerCreatedAt: "2023-01-02T03:04:05.000Z" },
    ],
    [
      "Autopilot GKE cluster with no nodes yet",
      () => normalizeGkeCluster({ id: "c3d4", name: "ap", location: "europe-west4", status: "PROVISIONING" }, "acme-prod"),
      { regionCode: "europe-west4", status: "provisioning", sizeCategory: "nano" },
    ],
    [
      "Cloud Function",
      () =>
        normalizeCloudFunction(
          {
            name: "projects/acme-prod/locations/us-central1/functions/rsvp-handler",
            state: "ACTIVE",
            serviceConfig: { availableMemory: "512M" },
            labels: { app: "rsvp" },
            createTime: "2024-02-01T00:00:00Z",
          },
          "acme-prod",
        ),
      { kind: "cloud_function", resourceId: "projects/acme-prod/locations/us-central1/functions/rsvp-handler", name: "rsvp-handler", resourceType: "compute", regionCode: "us-central1", status: "running", sizeCategory: "small", tags: { app: "rsvp" } },
    ],
    [
      "BigQuery dataset",
      () =>
        normalizeBigQueryDataset(
          { kind: "bigquery#dataset", id: "acme-prod:guest_analytics", datasetReference: { datasetId: "guest_analytics", projectId: "acme-prod" }, location: "EU", labels: { team: "data" } },
          "acme-prod",
        ),
      { kind: "bigquery_dataset", resourceId: "acme-prod:guest_analytics", name: "guest_analytics", resourceType: "analytics", regionCode: "eu", status: "running", sizeCategory: "medium", tags: { team: "data" }, providerCreatedAt: null },
    ],
    [
      "Spanner instance from Cloud Asset Inventory",
      () =>
        normalizeAsset(
          {
            name: "//spanner.googleapis.com/projects/acme-prod/instances/seating",
            assetType: "spanner.googleapis.com/Instance",
            displayName: "Seating plan",
            location: "us-central1",
            state: "READY",
            labels: { env: "prod" },
            createTime: "2020-01-01T00:00:00Z",
          },
          "acme-prod",
        ),
      { kind: "gcp_spanner_instance", resourceId: "//spanner.googleapis.com/projects/acme-prod/instances/seating", name: "Seating plan", resourceType: "database", regionCode: "us-central1", status: "running", sizeCategory: "medium", tags: { env: "prod" } },
    ],
    [
      "AlloyDB cluster (derived kind), stopped",
      () =>
        normalizeAsset({ name: "//alloydb.googleapis.com/projects/acme-prod/locations/europe-west1/clusters/c1", assetType: "alloydb.googleapis.com/Cluster", location: "europe-west1", state: "STOPPED" }, "acme-prod"),
      { kind: "gcp_alloydb_cluster", name: "c1", resourceType: "database", status: "stopped" },
    ],
  ])("%s", (_label, run, expected) => {
    const resource = run();
    expect(resource).toMatchObject({ cloud: "gcp", account: "acme-prod", ...expected });
    expect(resourceStatuses).toContain(resource.status);
    // The raw item is kept as the configuration other teams query (target size, enableCDN, tier…).
    expect(Object.keys(resource.configuration).length).toBeGreaterThan(1);
  });

  it("keeps the fields other teams query in the configuration", () => {
    const mig = normalizeInstanceGroupManager({ id: "1", name: "m", zone: `${P}/zones/us-east1-b`, targetSize: 4 }, "p", null);
    expect(mig.configuration.targetSize).toBe(4);
    const bs = normalizeBackendService({ id: "2", name: "b", enableCDN: true, cdnPolicy: { cacheMode: "CACHE_ALL_STATIC" } }, "p", "global");
    expect(bs.configuration).toMatchObject({ enableCDN: true, cdnPolicy: { cacheMode: "CACHE_ALL_STATIC" } });
  });

  it.each([
    ["backend service without name", () => normalizeBackendService({ id: "9" }, "p", "global"), "9", /no name/],
    ["instance group without target size", () => normalizeInstanceGroupManager({ id: "10", name: "m", zone: "us-east1-b" }, "p", null), "10", /target size/],
    ["instance group without location", () => normalizeInstanceGroupManager({ id: "11", name: "m", targetSize: 1 }, "p", null), "11", /neither zone nor region/],
    ["bucket without location", () => normalizeBucket({ id: "b", name: "b" }, "p"), "b", /no location/],
    ["Cloud SQL instance without name", () => normalizeSqlInstance({ state: "RUNNABLE", region: "us-east1" }, "p"), null, /no name/],
    ["Cloud SQL instance in an unknown state", () => normalizeSqlInstance({ name: "db", state: "SQL_INSTANCE_STATE_UNSPECIFIED", region: "us-east1" }, "p"), "//sqladmin.googleapis.com/projects/p/instances/db", /SQL_INSTANCE_STATE_UNSPECIFIED/],
    ["GKE cluster without status", () => normalizeGkeCluster({ id: "g", name: "c", location: "us-east1" }, "p"), "g", /unknown status \(none\)/],
    ["GKE cluster without location", () => normalizeGkeCluster({ id: "g", name: "c", status: "RUNNING" }, "p"), "g", /no location/],
    ["function without state", () => normalizeCloudFunction({ name: "projects/p/locations/us-east1/functions/f" }, "p"), "projects/p/locations/us-east1/functions/f", /unknown state/],
    ["function with a short name", () => normalizeCloudFunction({ name: "f", state: "ACTIVE" }, "p"), "f", /full name/],
    ["dataset without location", () => normalizeBigQueryDataset({ id: "p:d", datasetReference: { datasetId: "d" } }, "p"), "p:d", /no location/],
    ["asset without asset type", () => normalizeAsset({ name: "//x.googleapis.com/projects/p/things/t", location: "global" }, "p"), "//x.googleapis.com/projects/p/things/t", /asset type/],
    ["asset without location", () => normalizeAsset({ name: "//pubsub.googleapis.com/projects/p/topics/t", assetType: "pubsub.googleapis.com/Topic" }, "p"), "//pubsub.googleapis.com/projects/p/topics/t", /no location/],
  ])("%s → MalformedItemError", (_label, run, itemId, reason) => {
    let error: unknown;
    try {
      run();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(MalformedItemError);
    expect((error as MalformedItemError).itemId).toBe(itemId);
    expect((error as Error).message).toMatch(reason);
  });
});
