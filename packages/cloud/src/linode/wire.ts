/**
 * The parts of Linode's API objects this adapter reads, and the SDK calls it makes.
 *
 * `@linode/api-v4` ships declaration files whose relative re-exports have no file extension,
 * which TypeScript's NodeNext resolution (ours) cannot follow: importing its types yields only
 * `any`. So the calls used are listed here, narrowly, against the fields of Linode's API
 * reference; `loadLinodeSdk` hands the real SDK out under this interface.
 */

export interface LinodePage<T> {
  data: T[];
  page: number;
  pages: number;
  results: number;
}

export interface PageParams {
  page: number;
  page_size: number;
}

export interface LinodeRaw {
  id: number;
  label: string;
  region: string;
  type: string | null;
  status: string;
  tags: string[];
  specs?: { disk?: number; memory?: number; vcpus?: number; transfer?: number };
  lke_cluster_id?: number | null;
  ipv4?: string[];
  created?: string;
  [field: string]: unknown;
}

export interface VolumeRaw {
  id: number;
  label: string;
  region: string;
  size: number;
  status: string;
  linode_id: number | null;
  tags: string[];
  created?: string;
  [field: string]: unknown;
}

export interface BucketRaw {
  label: string;
  region?: string;
  cluster?: string;
  size?: number;
  objects?: number;
  hostname?: string;
  created?: string;
  [field: string]: unknown;
}

export interface DatabaseRaw {
  id: number;
  label: string;
  region: string;
  type: string;
  engine: string;
  status: string;
  tags?: string[];
  private_network?: { vpc_id?: number | null; subnet_id?: number | null } | null;
  created?: string;
  [field: string]: unknown;
}

export interface VpcRaw {
  id: number;
  label: string;
  region: string;
  subnets?: unknown[];
  created?: string;
  [field: string]: unknown;
}

export interface FirewallEntity {
  id: number;
  type: string;
  label?: string | null;
}

export interface FirewallRaw {
  id: number;
  label: string;
  status: string;
  tags: string[];
  entities?: FirewallEntity[];
  created?: string;
  [field: string]: unknown;
}

export interface IpRaw {
  address: string;
  region: string;
  type?: string;
  public?: boolean;
  linode_id: number | null;
  [field: string]: unknown;
}

export interface NodeBalancerRaw {
  id: number;
  label: string;
  region: string;
  tags: string[];
  created?: string;
  [field: string]: unknown;
}

export interface NodeBalancerConfigRaw {
  id: number;
  port?: number;
  protocol?: string;
  [field: string]: unknown;
}

export interface NodeBalancerNodeRaw {
  id: number;
  address: string;
  status?: string;
  [field: string]: unknown;
}

export interface LkeClusterRaw {
  id: number;
  label: string;
  region: string;
  status: string;
  tags: string[];
  control_plane?: { high_availability?: boolean };
  created?: string;
  [field: string]: unknown;
}

export interface RegionRaw {
  id: string;
  label?: string;
  country?: string;
  [field: string]: unknown;
}

export interface AccountRaw {
  euuid?: string;
  balance?: number;
  balance_uninvoiced?: number;
  [field: string]: unknown;
}

export interface InvoiceRaw {
  id: number;
  date: string;
  label: string;
  subtotal?: number;
  tax?: number;
  total?: number;
  tax_summary?: unknown[];
}

export interface InvoiceItemRaw {
  amount: number;
  tax?: number;
  total?: number;
  from: string | null;
  to: string | null;
  label: string;
  quantity: number | null;
  unit_price: string | number | null;
  region?: string | null;
  type?: string;
}

/** `/linode/instances/{id}/stats`: `[epoch ms, value]` series. */
export type StatsSeries = [number, number][];
export interface NetStatsRaw {
  in?: StatsSeries;
  out?: StatsSeries;
  private_in?: StatsSeries;
  private_out?: StatsSeries;
}
export interface StatsRaw {
  data?: { cpu?: StatsSeries; io?: unknown; netv4?: NetStatsRaw; netv6?: NetStatsRaw };
  title?: string;
}

/** The SDK calls the adapter makes (function names and arguments as `@linode/api-v4` exports them). */
export interface LinodeSdk {
  baseRequest: { interceptors: { request: unknown } };
  getAccountInfo(): Promise<AccountRaw>;
  getRegions(params?: PageParams): Promise<LinodePage<RegionRaw>>;
  getLinodes(params?: PageParams): Promise<LinodePage<LinodeRaw>>;
  getLinode(id: number): Promise<LinodeRaw>;
  getLinodeStats(id: number): Promise<StatsRaw>;
  getVolumes(params?: PageParams): Promise<LinodePage<VolumeRaw>>;
  getBuckets(params?: PageParams): Promise<LinodePage<BucketRaw>>;
  getDatabases(params?: PageParams): Promise<LinodePage<DatabaseRaw>>;
  getVPCs(params?: PageParams): Promise<LinodePage<VpcRaw>>;
  getFirewalls(params?: PageParams): Promise<LinodePage<FirewallRaw>>;
  getIPs(params?: PageParams): Promise<LinodePage<IpRaw>>;
  getNodeBalancers(params?: PageParams): Promise<LinodePage<NodeBalancerRaw>>;
  getNodeBalancerConfigs(nodeBalancerId: number, params?: PageParams): Promise<LinodePage<NodeBalancerConfigRaw>>;
  getNodeBalancerConfigNodes(nodeBalancerId: number, configId: number): Promise<LinodePage<NodeBalancerNodeRaw>>;
  getKubernetesClusters(params?: PageParams): Promise<LinodePage<LkeClusterRaw>>;
  getInvoices(params?: PageParams): Promise<LinodePage<InvoiceRaw>>;
  getInvoiceItems(invoiceId: number, params?: PageParams): Promise<LinodePage<InvoiceItemRaw>>;
}
