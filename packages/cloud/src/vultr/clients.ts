/**
 * The Vultr API v2 through Vultr's own Node SDK, `@vultr/vultr-node`. The SDK is a table of
 * endpoint definitions (`dist/api/*.js`: url, method, parameters) and one request function
 * (`dist/util.js` `makeApiRequest`, node-fetch with the `Authorization: Bearer` header and a
 * `baseUrl` option, which is how the emulator is reached). Some of its list definitions omit the
 * documented paging parameters (`per_page`, `cursor`) and it has no definition of
 * `/billing/pending-charges`; those are widened or added here and still sent by the SDK's request
 * function. Everything is imported on first use, so a process that reads no Vultr account never
 * loads it.
 */

export interface VultrEndpoint {
  url: string;
  requestType: string;
  apiKeyRequired?: boolean;
  parameters?: Record<string, { type: string; path?: boolean; required?: boolean }>;
}

/** The calls the adapter makes, by name: only these. */
export interface VultrEndpoints {
  account: VultrEndpoint;
  regions: VultrEndpoint;
  instances: VultrEndpoint;
  bareMetals: VultrEndpoint;
  blocks: VultrEndpoint;
  objectStorage: VultrEndpoint;
  databases: VultrEndpoint;
  vpcs: VultrEndpoint;
  vpc2: VultrEndpoint;
  firewalls: VultrEndpoint;
  reservedIps: VultrEndpoint;
  loadBalancers: VultrEndpoint;
  kubernetesClusters: VultrEndpoint;
  instanceBandwidth: VultrEndpoint;
  bareMetalBandwidth: VultrEndpoint;
  billingHistory: VultrEndpoint;
  invoiceItems: VultrEndpoint;
  pendingCharges: VultrEndpoint;
}
export type VultrEndpointName = keyof VultrEndpoints;

/**
 * What the SDK's request function resolves to: the parsed JSON body, nothing for a body that is
 * not JSON, or — the SDK catches its own failures — an Error whose message is
 * `<HTTP status text>: <the body's "error">` (the status code and headers are not kept).
 */
export type VultrSend = (endpoint: VultrEndpoint, parameters?: Record<string, string>) => Promise<unknown>;

export interface VultrSdk {
  endpoints: VultrEndpoints;
  /** A sender bound to one API key. */
  sender(apiKey: string, baseUrl: string): VultrSend;
}

const paging = { per_page: { type: "string" }, cursor: { type: "string" } };

/** A definition with the documented paging parameters added when the SDK's lacks them. */
function paged(endpoint: VultrEndpoint): VultrEndpoint {
  return { ...endpoint, parameters: { ...paging, ...(endpoint.parameters ?? {}) } };
}

type Module = Record<string, VultrEndpoint>;
const load = async (m: Promise<unknown>): Promise<Module> => {
  const mod = (await m) as { default?: Module } & Module;
  return (mod.default ?? mod) as Module;
};

let sdk: Promise<VultrSdk> | undefined;

/** The SDK, imported once per process on the first Vultr read. */
export function loadVultrSdk(): Promise<VultrSdk> {
  sdk ??= (async () => {
    const [util, account, regions, instances, bareMetal, blocks, objectStorage, databases, vpcs, vpc2, firewall, reservedIps, lbs, k8s, billing] = await Promise.all([
      import("@vultr/vultr-node/dist/util.js") as Promise<unknown>,
      load(import("@vultr/vultr-node/dist/api/account.js")),
      load(import("@vultr/vultr-node/dist/api/regions.js")),
      load(import("@vultr/vultr-node/dist/api/instances.js")),
      load(import("@vultr/vultr-node/dist/api/bare-metal.js")),
      load(import("@vultr/vultr-node/dist/api/block-storage.js")),
      load(import("@vultr/vultr-node/dist/api/object-storage.js")),
      load(import("@vultr/vultr-node/dist/api/databases.js")),
      load(import("@vultr/vultr-node/dist/api/vpcs.js")),
      load(import("@vultr/vultr-node/dist/api/vpc2.js")),
      load(import("@vultr/vultr-node/dist/api/firewall.js")),
      load(import("@vultr/vultr-node/dist/api/reserved-ips.js")),
      load(import("@vultr/vultr-node/dist/api/load-balancers.js")),
      load(import("@vultr/vultr-node/dist/api/kubernetes.js")),
      load(import("@vultr/vultr-node/dist/api/billing.js")),
    ]);
    const u = util as { default?: { makeApiRequest: MakeRequest }; makeApiRequest?: MakeRequest };
    const makeApiRequest = (u.default?.makeApiRequest ?? u.makeApiRequest) as MakeRequest;
    const get = (m: Module, name: string): VultrEndpoint => {
      const e = m[name];
      if (!e) throw new Error(`@vultr/vultr-node has no endpoint ${name}; the pinned SDK version changed — check pnpm-workspace.yaml's catalog`);
      return e;
    };
    const endpoints: VultrEndpoints = {
      account: get(account, "getAccountInfo"),
      regions: paged(get(regions, "listRegions")),
      instances: paged(get(instances, "listInstances")),
      bareMetals: paged(get(bareMetal, "listInstances")),
      blocks: paged(get(blocks, "listStorages")),
      objectStorage: paged(get(objectStorage, "listObjectStorages")),
      databases: paged(get(databases, "listDatabases")),
      vpcs: paged(get(vpcs, "listVpcs")),
      vpc2: paged(get(vpc2, "listVpcs")),
      firewalls: paged(get(firewall, "listGroups")),
      reservedIps: paged(get(reservedIps, "listReservedIps")),
      loadBalancers: paged(get(lbs, "listLoadBalancers")),
      kubernetesClusters: paged(get(k8s, "listKubernetesClusters")),
      instanceBandwidth: get(instances, "getInstanceBandwidth"),
      bareMetalBandwidth: get(bareMetal, "getInstanceBandwidth"),
      billingHistory: paged(get(billing, "listHistory")),
      invoiceItems: paged(get(billing, "listInvoiceItems")),
      // Documented (vultr.com/api/#operation/pending-charges) but not in the SDK's table.
      pendingCharges: { url: "/billing/pending-charges", requestType: "GET", apiKeyRequired: true },
    };
    return {
      endpoints,
      sender: (apiKey, baseUrl) => (endpoint, parameters) => Promise.resolve(makeApiRequest({ apiKey, baseUrl }, endpoint, parameters)),
    };
  })();
  return sdk;
}

type MakeRequest = (config: { apiKey: string; baseUrl: string }, endpoint: VultrEndpoint, parameters?: Record<string, string>) => Promise<unknown>;
