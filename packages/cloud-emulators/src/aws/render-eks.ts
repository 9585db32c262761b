import type { EmulatedResource } from "./model.ts";

/**
 * EKS's REST-JSON API: `GET /clusters` lists names (`maxResults` 1–100, `nextToken`), `GET
 * /clusters/{name}` describes one. Times are epoch seconds, tags a plain map.
 */

export function eksAction(method: string, pathname: string): string {
  if (method !== "GET") return "";
  if (/^\/clusters\/?$/.test(pathname)) return "ListClusters";
  if (/^\/clusters\/[^/]+\/?$/.test(pathname)) return "DescribeCluster";
  return "";
}

export function isEksPath(pathname: string): boolean {
  return /^\/clusters(\/|$)/.test(pathname);
}

export function eksClusterNameOf(pathname: string): string {
  return decodeURIComponent(pathname.replace(/^\/clusters\//, "").replace(/\/$/, ""));
}

export function renderListClusters(items: readonly EmulatedResource[], nextToken: string | undefined): string {
  const page: Record<string, unknown> = { clusters: items.map((i) => i.naturalName) };
  if (nextToken) page.nextToken = nextToken;
  return JSON.stringify(page);
}

export function renderDescribeCluster(item: EmulatedResource, malformed: boolean): string {
  const name = item.naturalName ?? "";
  const code = item.id.slice(-16);
  const cluster: Record<string, unknown> = {
    name,
    arn: item.id,
    createdAt: Date.parse(item.createdAt) / 1000,
    version: item.extra.version,
    endpoint: `https://${code.toUpperCase()}.gr7.${item.region}.eks.amazonaws.com`,
    roleArn: `arn:aws:iam::${item.account}:role/${name.slice(0, 40)}-cluster-role`,
    resourcesVpcConfig: {
      subnetIds: [`subnet-0${code}`],
      securityGroupIds: [],
      clusterSecurityGroupId: `sg-0${code}`,
      vpcId: item.extra.vpcId,
      endpointPublicAccess: true,
      endpointPrivateAccess: false,
      publicAccessCidrs: ["0.0.0.0/0"],
    },
    kubernetesNetworkConfig: { serviceIpv4Cidr: "10.100.0.0/16", ipFamily: "ipv4" },
    logging: { clusterLogging: [{ types: ["api", "audit", "authenticator", "controllerManager", "scheduler"], enabled: false }] },
    identity: { oidc: { issuer: `https://oidc.eks.${item.region}.amazonaws.com/id/${code.toUpperCase()}` } },
    certificateAuthority: { data: Buffer.from(`emulated-ca-${code}`).toString("base64") },
    platformVersion: item.extra.platformVersion,
    tags: { ...item.tags },
    accessConfig: { authenticationMode: "API_AND_CONFIG_MAP" },
    upgradePolicy: { supportType: "STANDARD" },
  };
  if (!malformed) cluster.status = item.state;
  return JSON.stringify({ cluster });
}
