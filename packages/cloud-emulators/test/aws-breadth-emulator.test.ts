import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AwsEmulator, startAwsEmulator } from "../src/aws/index.ts";

/**
 * The breadth services' wire formats as the documented APIs validate and fail, checked by hand
 * (the adapter tests go through the real SDKs): REST-JSON for EKS and EFS, JSON 1.1 for ECS and
 * the Tagging API, Query XML for Auto Scaling, ElastiCache and Redshift.
 */
function auth(accessKeyId: string, service: string): string {
  return `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20250101/us-east-1/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=${"0".repeat(64)}`;
}

describe("AWS emulator: breadth services", () => {
  let emu: AwsEmulator;
  beforeAll(async () => {
    emu = await startAwsEmulator({ seed: 21, size: 2_000 });
  });
  afterAll(() => emu.close());

  const rest = (service: string, path: string, signed = true) =>
    fetch(`${emu.url}${path}`, { headers: signed ? { authorization: auth(emu.baseCredentials.accessKeyId, service) } : {} });
  const json = (service: string, target: string, body: unknown) =>
    fetch(`${emu.url}/`, {
      method: "POST",
      headers: { authorization: auth(emu.baseCredentials.accessKeyId, service), "content-type": "application/x-amz-json-1.1", "x-amz-target": target },
      body: JSON.stringify(body),
    });
  const query = (service: string, params: Record<string, string>) =>
    fetch(`${emu.url}/`, {
      method: "POST",
      headers: { authorization: auth(emu.baseCredentials.accessKeyId, service), "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
      body: new URLSearchParams(params).toString(),
    });

  it("EKS: lists names with nextToken, validates maxResults, answers a missing cluster with 404 in x-amzn-ErrorType", async () => {
    let res = await rest("eks", "/clusters?maxResults=2");
    const page = (await res.json()) as { clusters: string[]; nextToken?: string };
    expect(page.clusters).toHaveLength(2);
    expect(page.nextToken).toEqual(expect.any(String));
    res = await rest("eks", "/clusters?maxResults=0");
    expect(res.status).toBe(400);
    expect(res.headers.get("x-amzn-errortype")).toBe("InvalidParameterException");
    res = await rest("eks", "/clusters/nope");
    expect(res.status).toBe(404);
    expect(res.headers.get("x-amzn-errortype")).toBe("ResourceNotFoundException");
    res = await rest("eks", `/clusters/${page.clusters[0]}`);
    const described = (await res.json()) as { cluster: { name: string; status: string; tags: Record<string, string> } };
    expect(described.cluster.name).toBe(page.clusters[0]);
    res = await rest("eks", "/clusters", false);
    expect(res.status).toBe(403);
    expect(res.headers.get("x-amzn-errortype")).toBe("MissingAuthenticationTokenException");
  });

  it("EFS: pages with Marker/NextMarker and echoes the Marker it was given", async () => {
    const first = (await (await rest("elasticfilesystem", "/2015-02-01/file-systems?MaxItems=1")).json()) as { FileSystems: unknown[]; NextMarker?: string };
    expect(first.FileSystems).toHaveLength(1);
    expect(first.NextMarker).toEqual(expect.any(String));
    const second = (await (await rest("elasticfilesystem", `/2015-02-01/file-systems?MaxItems=1&Marker=${first.NextMarker}`)).json()) as { Marker?: string };
    expect(second.Marker).toBe(first.NextMarker);
    const bad = await rest("elasticfilesystem", "/2015-02-01/file-systems?MaxItems=101");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { ErrorCode: string }).ErrorCode).toBe("BadRequest");
  });

  it("ECS: unknown clusters are failures, not errors; services of an unknown cluster are ClusterNotFoundException", async () => {
    const res = await json("ecs", "AmazonEC2ContainerServiceV20141113.DescribeClusters", { clusters: ["nope"] });
    expect(await res.json()).toEqual({ clusters: [], failures: [{ arn: "nope", reason: "MISSING" }] });
    const services = await json("ecs", "AmazonEC2ContainerServiceV20141113.ListServices", { cluster: "nope" });
    expect(services.status).toBe(400);
    expect(((await services.json()) as { __type: string }).__type).toBe("ClusterNotFoundException");
  });

  it("Tagging API: ends with an empty PaginationToken, filters by type, validates its parameters", async () => {
    const all: string[] = [];
    let token = "";
    do {
      const page = (await (await json("tagging", "ResourceGroupsTaggingAPI_20170126.GetResources", { PaginationToken: token, ResourcesPerPage: 100 })).json()) as {
        PaginationToken: string;
        ResourceTagMappingList: { ResourceARN: string; Tags: { Key: string; Value: string }[] }[];
      };
      all.push(...page.ResourceTagMappingList.map((m) => m.ResourceARN));
      expect(page.ResourceTagMappingList.every((m) => m.Tags.length > 0)).toBe(true);
      token = page.PaginationToken;
    } while (token !== "");
    expect(all.some((arn) => arn.startsWith("arn:aws:ec2:us-east-1:111111111111:instance/"))).toBe(true);
    const filtered = (await (await json("tagging", "ResourceGroupsTaggingAPI_20170126.GetResources", { ResourceTypeFilters: ["ec2:instance"], ResourcesPerPage: 100 })).json()) as {
      ResourceTagMappingList: { ResourceARN: string }[];
    };
    expect(filtered.ResourceTagMappingList.length).toBeGreaterThan(0);
    expect(filtered.ResourceTagMappingList.every((m) => m.ResourceARN.includes(":instance/"))).toBe(true);
    const tooMany = await json("tagging", "ResourceGroupsTaggingAPI_20170126.GetResources", { ResourceTypeFilters: Array.from({ length: 101 }, (_, i) => `svc${i}`) });
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { __type: string }).__type).toBe("InvalidParameterException");
    const expired = await json("tagging", "ResourceGroupsTaggingAPI_20170126.GetResources", { PaginationToken: "bogus" });
    expect(((await expired.json()) as { __type: string }).__type).toBe("PaginationTokenExpiredException");
  });

  it("Query services: ElastiCache's 20–100 MaxRecords and its CacheClusterNotFound, in each service's namespace", async () => {
    let res = await query("elasticache", { Action: "DescribeCacheClusters", Version: "2015-02-02", MaxRecords: "5" });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('<ErrorResponse xmlns="http://elasticache.amazonaws.com/doc/2015-02-02/">');
    res = await query("elasticache", { Action: "ListTagsForResource", Version: "2015-02-02", ResourceName: "arn:aws:elasticache:us-east-1:111111111111:cluster:nope" });
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("<Code>CacheClusterNotFound</Code>");
    res = await query("redshift", { Action: "DescribeClusters", Version: "2012-12-01" });
    expect(await res.text()).toMatch(/^<\?xml[^>]*>\n<DescribeClustersResponse xmlns="http:\/\/redshift\.amazonaws\.com\/doc\/2012-12-01\/"><DescribeClustersResult><Clusters><Cluster>/);
    res = await query("autoscaling", { Action: "DescribeAutoScalingGroups", Version: "2011-01-01", MaxRecords: "1" });
    expect(await res.text()).toMatch(/<AutoScalingGroups><member>.*<\/member><\/AutoScalingGroups><NextToken>/);
  });
});
