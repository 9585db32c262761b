import { describe, expect, it } from "vitest";
import { CloudError, CredentialsRejectedError, MalformedItemError, ThrottledError } from "../src/errors.ts";
import { secretsOf } from "../src/gcp/auth.ts";
import { connectionOptions } from "../src/gcp/clients.ts";
import { toScopeError } from "../src/gcp/failures.ts";
import { addressStatus, normalizeAddress } from "../src/gcp/kinds/addresses.ts";
import { normalizeDisk } from "../src/gcp/kinds/disks.ts";
import { normalizeFirewall } from "../src/gcp/kinds/firewalls.ts";
import { normalizeForwardingRule, normalizeGlobalForwardingRule } from "../src/gcp/kinds/forwarding-rules.ts";
import { normalizeInstance } from "../src/gcp/kinds/instances.ts";
import { normalizeNetwork } from "../src/gcp/kinds/networks.ts";
import { normalizeSubnetwork, subnetworkSize, subnetworkStatus } from "../src/gcp/kinds/subnetworks.ts";
import {
  creationTimestampToIso,
  diskSize,
  diskStatus,
  instanceStatus,
  labelsToTags,
  machineTypeSize,
  regionFromScopeKey,
  regionFromUrl,
  toConfiguration,
  zoneToRegion,
} from "../src/gcp/normalize.ts";
import { gcpRegionCatalog, mergeRegion } from "../src/gcp/regions.ts";
import { TokenRefusedError } from "../src/gcp/transport.ts";
import { resourceStatuses } from "../src/types.ts";

const P = "https://www.googleapis.com/compute/v1/projects/acme-prod";

describe("instance states", () => {
  it.each([
    ["PROVISIONING", "provisioning"],
    ["STAGING", "provisioning"],
    ["RUNNING", "running"],
    ["STOPPING", "stopping"],
    ["SUSPENDING", "stopping"],
    ["SUSPENDED", "stopped"],
    ["TERMINATED", "stopped"],
    ["REPAIRING", "error"],
    ["HIBERNATING", null],
    ["", null],
    [null, null],
  ])("%s → %s", (state, expected) => {
    expect(instanceStatus(state)).toBe(expected);
  });
});

describe("disk states", () => {
  it.each([
    ["CREATING", "provisioning"],
    ["RESTORING", "provisioning"],
    ["READY", "running"],
    ["FAILED", "error"],
    ["DELETING", "stopping"],
    ["UNAVAILABLE", "error"],
    ["READY ", null],
    [undefined, null],
  ])("%s → %s", (state, expected) => {
    expect(diskStatus(state)).toBe(expected);
  });
});

describe("machine type → size category", () => {
  it.each([
    ["e2-micro", "micro"],
    ["f1-micro", "micro"],
    ["g1-small", "small"],
    ["e2-small", "small"],
    ["e2-medium", "medium"],
    ["n1-standard-1", "small"],
    ["t2d-standard-1", "small"],
    ["n2-standard-2", "medium"],
    ["e2-standard-2", "medium"],
    ["e2-standard-4", "large"],
    ["n2-highcpu-4", "large"],
    ["c3-standard-4", "large"],
    ["n2-standard-8", "xlarge"],
    ["n2-highmem-16", "xlarge"],
    ["c2-standard-30", "xlarge"],
    ["m1-ultramem-160", "xlarge"],
    ["custom-6-23040", "custom"],
    ["n2-custom-8-16384", "custom"],
    ["a2-highgpu-1g", "custom"],
    [`${P}/zones/us-central1-a/machineTypes/e2-standard-4`, "large"],
    ["", "custom"],
  ])("%s → %s", (type, expected) => {
    expect(machineTypeSize(type)).toBe(expected);
  });
});

describe("disk size → size category", () => {
  it.each([
    ["10", "micro"],
    ["11", "small"],
    ["100", "small"],
    ["500", "medium"],
    ["2048", "large"],
    ["65536", "xlarge"],
    [200, "medium"],
    ["", "small"],
    [null, "small"],
  ])("%s GB → %s", (size, expected) => {
    expect(diskSize(size)).toBe(expected);
  });
});

describe("subnetwork primary range → size category", () => {
  it.each([
    ["10.0.0.0/32", "nano"],
    ["10.0.0.0/29", "nano"],
    ["10.0.0.0/28", "micro"],
    ["10.0.0.0/25", "micro"],
    ["10.0.0.0/24", "small"],
    ["10.0.0.0/22", "small"],
    ["10.128.0.0/20", "medium"],
    ["10.0.0.0/19", "medium"],
    ["10.0.0.0/18", "large"],
    ["10.0.0.0/16", "large"],
    ["10.0.0.0/8", "xlarge"],
    ["", "custom"],
    [null, "custom"],
    ["fd20::/64", "custom"],
  ])("%s → %s", (range, expected) => {
    expect(subnetworkSize(range)).toBe(expected);
  });
});

describe("subnetwork and address states", () => {
  it.each([
    [undefined, "running"],
    ["READY", "running"],
    ["DRAINING", "stopping"],
    ["MELTING", null],
  ])("subnetwork %s → %s", (state, expected) => {
    expect(subnetworkStatus(state)).toBe(expected);
  });

  it.each([
    ["IN_USE", "running"],
    ["RESERVED", "stopped"],
    ["RESERVING", "provisioning"],
    ["", null],
    [undefined, null],
  ])("address %s → %s", (state, expected) => {
    expect(addressStatus(state)).toBe(expected);
  });
});

describe("zones and regions", () => {
  it.each([
    [`${P}/zones/us-central1-a`, "us-central1"],
    ["europe-west1-b", "europe-west1"],
    ["northamerica-northeast1-c", "northamerica-northeast1"],
    ["me-central2-a", "me-central2"],
    ["us-central1", null],
    ["", null],
    [null, null],
  ])("zone %s → %s", (zone, expected) => {
    expect(zoneToRegion(zone)).toBe(expected);
  });

  it.each([
    [`${P}/regions/asia-southeast1`, "asia-southeast1"],
    ["us-east4", "us-east4"],
    [`${P}/regions/`, null],
    [undefined, null],
  ])("region URL %s → %s", (url, expected) => {
    expect(regionFromUrl(url)).toBe(expected);
  });

  it.each([
    ["zones/us-east1-b", "us-east1"],
    ["regions/europe-west4", "europe-west4"],
    ["global", null],
  ])("aggregated key %s → %s", (key, expected) => {
    expect(regionFromScopeKey(key)).toBe(expected);
  });
});

describe("labels → tags", () => {
  it.each([
    [{ env: "prod", team: "data" }, { env: "prod", team: "data" }],
    [{ "owner-email_local": "" }, { "owner-email_local": "" }],
    [{ n: 3, ok: true, obj: { a: 1 }, nil: null }, { n: "3", ok: "true" }],
    [{}, {}],
    [null, {}],
    [undefined, {}],
    ["env=prod", {}],
  ])("%j → %j", (labels, expected) => {
    expect(labelsToTags(labels)).toEqual(expected);
  });
});

describe("creation timestamps", () => {
  it.each([
    ["2023-04-12T08:15:30.123-07:00", "2023-04-12T15:15:30.123Z"],
    ["2020-01-01T00:00:00.000Z", "2020-01-01T00:00:00.000Z"],
    ["not a date", null],
    ["", null],
    [undefined, null],
  ])("%s → %s", (ts, expected) => {
    expect(creationTimestampToIso(ts)).toBe(expected);
  });
});

describe("configuration", () => {
  it.each([
    [{ id: "1", _id: "id", name: "a", _name: "name" }, { id: "1", name: "a" }],
    [{ _private: "kept", a: undefined, b: [1, { _x: "x", x: 2 }] }, { _private: "kept", b: [1, { x: 2 }] }],
    [{ big: 12n, inf: Number.POSITIVE_INFINITY, bytes: new Uint8Array([1, 2]) }, { big: "12", inf: "Infinity", bytes: "AQI=" }],
  ])("case %#: JSON-safe, without protobuf markers", (item, expected) => {
    expect(toConfiguration(item)).toEqual(expected);
    expect(JSON.parse(JSON.stringify(toConfiguration(item)))).toEqual(expected);
  });
});

const instance = {
  id: "4567890123456789012",
  name: "web-prod-1",
  status: "TERMINATED",
  zone: `${P}/zones/europe-west1-b`,
  machineType: `${P}/zones/europe-west1-b/machineTypes/n2-standard-8`,
  labels: { env: "prod" },
  creationTimestamp: "2021-06-01T10:00:00.000-07:00",
  selfLink: `${P}/zones/europe-west1-b/instances/web-prod-1`,
};

describe("kind normalizers", () => {
  it.each([
    [
      "instance",
      () => normalizeInstance(instance, "acme-prod", "zones/europe-west1-b"),
      { kind: "gce_instance", resourceType: "compute", regionCode: "europe-west1", status: "stopped", sizeCategory: "xlarge" },
    ],
    [
      "instance zone from the aggregated key",
      () => normalizeInstance({ ...instance, zone: "" }, "acme-prod", "zones/asia-east1-a"),
      { regionCode: "asia-east1" },
    ],
    [
      "zonal disk",
      () => normalizeDisk({ id: "7", name: "d", status: "READY", sizeGb: "500", zone: `${P}/zones/us-west1-a` }, "acme-prod", null),
      { kind: "gce_disk", resourceType: "storage", regionCode: "us-west1", status: "running", sizeCategory: "medium" },
    ],
    [
      "regional disk",
      () => normalizeDisk({ id: "8", name: "r", status: "RESTORING", sizeGb: "4096", region: `${P}/regions/us-east4` }, "acme-prod", "regions/us-east4"),
      { regionCode: "us-east4", status: "provisioning", sizeCategory: "xlarge" },
    ],
    [
      "network",
      () => normalizeNetwork({ id: "9", name: "default", selfLink: `${P}/global/networks/default` }, "acme-prod"),
      { kind: "gcp_network", resourceType: "network", regionCode: "global", status: "running", tags: {} },
    ],
    [
      "regional forwarding rule",
      () => normalizeForwardingRule({ id: "10", name: "fr", region: `${P}/regions/us-central1`, labels: { a: "b" } }, "acme-prod", "regions/us-central1"),
      { kind: "gcp_forwarding_rule", resourceType: "load_balancer", regionCode: "us-central1", tags: { a: "b" } },
    ],
    [
      "global forwarding rule",
      () => normalizeGlobalForwardingRule({ id: "11", name: "gfr" }, "acme-prod"),
      { kind: "gcp_global_forwarding_rule", resourceType: "load_balancer", regionCode: "global" },
    ],
    [
      "subnetwork",
      () =>
        normalizeSubnetwork(
          { id: "12", name: "default", region: `${P}/regions/europe-west1`, ipCidrRange: "10.132.0.0/20", network: `${P}/global/networks/default` },
          "acme-prod",
          "regions/europe-west1",
        ),
      { kind: "gcp_subnetwork", resourceType: "network", regionCode: "europe-west1", status: "running", sizeCategory: "medium", tags: {} },
    ],
    [
      "draining proxy-only subnetwork, region from the aggregated key",
      () => normalizeSubnetwork({ id: "13", name: "proxy", ipCidrRange: "10.129.0.0/23", purpose: "REGIONAL_MANAGED_PROXY", state: "DRAINING" }, "acme-prod", "regions/us-east1"),
      { regionCode: "us-east1", status: "stopping", sizeCategory: "small" },
    ],
    [
      "firewall rule",
      () => normalizeFirewall({ id: "14", name: "allow-ssh", network: `${P}/global/networks/default`, targetTags: ["ssh"], disabled: false }, "acme-prod"),
      { kind: "gcp_firewall", resourceType: "network", regionCode: "global", status: "running", sizeCategory: "medium", tags: {} },
    ],
    [
      "disabled firewall rule",
      () => normalizeFirewall({ id: "15", name: "deny-all", disabled: true }, "acme-prod"),
      { status: "stopped" },
    ],
    [
      "address in use",
      () =>
        normalizeAddress(
          { id: "16", name: "ip-web", status: "IN_USE", region: `${P}/regions/us-central1`, labels: { env: "prod", "wedding-critical": "true" } },
          "acme-prod",
          "regions/us-central1",
        ),
      { kind: "gcp_address", resourceType: "network", regionCode: "us-central1", status: "running", tags: { env: "prod", "wedding-critical": "true" } },
    ],
    [
      "reserved address, region from the aggregated key",
      () => normalizeAddress({ id: "17", name: "ip-spare", status: "RESERVED" }, "acme-prod", "regions/asia-east1"),
      { regionCode: "asia-east1", status: "stopped", tags: {} },
    ],
  ])("%s", (_label, run, expected) => {
    const resource = run();
    expect(resource).toMatchObject({ cloud: "gcp", account: "acme-prod", ...expected });
    expect(resourceStatuses).toContain(resource.status);
    expect(resource.configuration.id).toBe(resource.resourceId);
  });

  it("keeps the numeric id as the resource id and the selfLink in configuration", () => {
    const resource = normalizeInstance(instance, "acme-prod", null);
    expect(resource.resourceId).toBe("4567890123456789012");
    expect(resource.configuration.selfLink).toBe(instance.selfLink);
    expect(resource.providerCreatedAt).toBe("2021-06-01T17:00:00.000Z");
  });

  it.each([
    ["no id", () => normalizeInstance({ ...instance, id: "" }, "p", null), null, /no id/],
    ["no name", () => normalizeNetwork({ id: "5" }, "p"), "5", /no name/],
    ["no status", () => normalizeInstance({ ...instance, status: undefined }, "p", null), instance.id, /no status/],
    ["unknown status", () => normalizeDisk({ id: "6", name: "d", status: "MELTING", zone: "us-east1-b" }, "p", null), "6", /MELTING/],
    ["no zone", () => normalizeInstance({ ...instance, zone: undefined }, "p", null), instance.id, /no zone/],
    ["no region", () => normalizeForwardingRule({ id: "7", name: "f" }, "p", null), "7", /no region/],
    ["subnetwork without region", () => normalizeSubnetwork({ id: "18", name: "s" }, "p", null), "18", /no region/],
    ["subnetwork in an unknown state", () => normalizeSubnetwork({ id: "19", name: "s", state: "MELTING" }, "p", "regions/us-east1"), "19", /MELTING/],
    ["address without status", () => normalizeAddress({ id: "20", name: "a" }, "p", "regions/us-east1"), "20", /no.*status|\(none\)/],
    ["address without region", () => normalizeAddress({ id: "21", name: "a", status: "IN_USE" }, "p", null), "21", /no region/],
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

describe("failure classification", () => {
  const base = {
    project: "acme-prod",
    operation: "aggregated/instances",
    maxAttempts: 3,
    timeoutMs: 1000,
    secrets: secretsOf({
      serviceAccountKey: {
        client_email: "reader@acme-prod.iam.gserviceaccount.com",
        private_key: "-----BEGIN PRIVATE KEY-----\nSECRETSECRETSECRET\n-----END PRIVATE KEY-----\n",
      },
    }),
    aborted: false,
  };
  const grpc = (code: number, message = "x") => Object.assign(new Error(message), { code });
  it.each([
    ["token refused", new TokenRefusedError("invalid_grant: Invalid JWT Signature."), undefined, CredentialsRejectedError, /Invalid JWT Signature/],
    ["401", grpc(16), { lastStatus: 401, attempts: 1 }, CredentialsRejectedError, /401/],
    ["403", grpc(7), { lastStatus: 403, attempts: 1 }, CredentialsRejectedError, /compute.viewer/],
    ["retries spent on 429", grpc(4, "Exceeded maximum number of retries"), { lastStatus: 429, attempts: 3 }, ThrottledError, /after 3 attempts/],
    ["429 without retries", grpc(8), undefined, ThrottledError, /throttled/],
    ["retries spent on 503", grpc(4), { lastStatus: 503, attempts: 3 }, CloudError, /HTTP 503.*after 3 attempts/],
    ["timeouts", grpc(4), { lastStatus: -1, attempts: 3 }, CloudError, /within 1000 ms/],
    ["network errors", grpc(14), { lastStatus: 0, attempts: 3 }, CloudError, /network error/],
    ["unknown project", grpc(5), { lastStatus: 404, attempts: 1 }, CloudError, /not found/],
    ["other, redacted", new Error("boom SECRETSECRETSECRET"), { lastStatus: 200, attempts: 1 }, CloudError, /boom/],
  ])("%s", (_label, err, outcome, type, message) => {
    const error = toScopeError(err, { ...base, outcome });
    expect(error).toBeInstanceOf(type);
    expect(error.message).toMatch(message);
    expect(error.message).toContain("acme-prod");
    expect(error.message).not.toContain("SECRETSECRETSECRET");
  });

  it("reports an abort as such", () => {
    expect(toScopeError(new Error("aborted"), { ...base, outcome: undefined, aborted: true }).message).toMatch(/aborted/);
  });
});

describe("endpoint override", () => {
  it.each([
    ["http://127.0.0.1:8085", { apiEndpoint: "127.0.0.1", port: 8085, protocol: "http" }],
    ["https://compute.private.example", { apiEndpoint: "compute.private.example", port: 443, protocol: "https" }],
    [undefined, {}],
  ])("%s", (endpoint, expected) => {
    expect(connectionOptions(endpoint)).toEqual(expected);
  });

  it("refuses a non-http endpoint", () => {
    expect(() => connectionOptions("ftp://x")).toThrow(/http/);
  });
});

describe("region catalog", () => {
  it("has unique codes, zones inside their region, and real coordinates", () => {
    const codes = gcpRegionCatalog.map((r) => r.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.length).toBeGreaterThanOrEqual(20);
    for (const entry of gcpRegionCatalog) {
      expect(entry.zones.length).toBeGreaterThan(0);
      for (const zone of entry.zones) expect(zoneToRegion(zone)).toBe(entry.code);
      expect(Math.abs(entry.location.coordinates.lat)).toBeLessThanOrEqual(90);
      expect(Math.abs(entry.location.coordinates.lng)).toBeLessThanOrEqual(180);
    }
  });

  it.each([
    [{ code: "us-central1", zones: ["us-central1-a"] }, { name: "Iowa", availabilityZones: ["us-central1-a"], city: "Council Bluffs" }],
    [{ code: "europe-west1" }, { name: "Belgium", availabilityZones: ["europe-west1-b", "europe-west1-c", "europe-west1-d"], city: "St. Ghislain" }],
    [{ code: "europe-west12", description: "europe-west12", zones: ["europe-west12-a"] }, { name: "europe-west12", availabilityZones: ["europe-west12-a"], city: "" }],
  ])("merges %j", (reported, expected) => {
    const region = mergeRegion(reported);
    expect(region).toMatchObject({ cloud: "gcp", code: reported.code, name: expected.name, availabilityZones: expected.availabilityZones });
    expect(region.geographicLocation.city).toBe(expected.city);
  });
});
