import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAwsEstate } from "../src/aws/estate.ts";
import { type AwsEmulator, awsEmulatorKinds, awsGlobalEmulatorKinds, startAwsEmulator } from "../src/aws/index.ts";

/** A SigV4-shaped header: the emulator reads the credential scope and does not check the signature. */
function auth(accessKeyId: string, region: string, service: string): string {
  return `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20250101/${region}/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=${"0".repeat(64)}`;
}

async function query(emu: AwsEmulator, service: string, params: Record<string, string>, opts: { key?: string; region?: string; token?: string; noAuth?: boolean } = {}) {
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded; charset=utf-8" };
  if (!opts.noAuth) headers.authorization = auth(opts.key ?? emu.baseCredentials.accessKeyId, opts.region ?? "us-east-1", service);
  if (opts.token) headers["x-amz-security-token"] = opts.token;
  const res = await fetch(`${emu.url}/`, { method: "POST", headers, body: new URLSearchParams(params).toString() });
  return { status: res.status, body: await res.text() };
}

const tagValues = (xml: string, tag: string) => [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, "g"))].map((m) => m[1] as string);

describe("AWS emulator", () => {
  let emu: AwsEmulator;
  beforeAll(async () => {
    emu = await startAwsEmulator({ seed: 9, size: 300 });
  });
  afterAll(() => emu.close());

  it("serves a deterministic estate spread over every account, region and kind", async () => {
    const expected = [...emu.expected()];
    expect(expected).toHaveLength(300);
    expect(new Set(expected.map((x) => x.resourceId)).size).toBe(300);
    expect(new Set(expected.map((x) => x.account))).toEqual(new Set(["111111111111", "222222222222", "333333333333"]));
    expect(new Set(expected.map((x) => x.scopeKind))).toEqual(new Set(awsEmulatorKinds));
    expect(new Set(expected.filter((x) => !awsGlobalEmulatorKinds.has(x.scopeKind)).map((x) => x.region))).toEqual(new Set(emu.regions));
    // A distribution lives nowhere in particular; a bucket lives in one region though listed globally.
    expect(new Set(expected.filter((x) => x.scopeKind === "cloudfront_distribution").map((x) => x.region))).toEqual(new Set(["global"]));
    expect(expected.every((x) => x.status !== "unknown")).toBe(true);
    expect(expected.some((x) => x.name === x.resourceId)).toBe(true);

    const again = await startAwsEmulator({ seed: 9, size: 300 });
    const other = await startAwsEmulator({ seed: 10, size: 300 });
    try {
      expect([...again.expected()]).toEqual(expected);
      expect([...other.expected()].map((x) => x.resourceId)).not.toEqual(expected.map((x) => x.resourceId));
    } finally {
      await Promise.all([again.close(), other.close()]);
    }
  });

  it("pages DescribeInstances with positional nextTokens until every instance of the scope is served", async () => {
    const want = [...emu.expected()].filter((x) => x.scopeKind === "ec2_instance" && x.account === "111111111111" && x.scopeRegion === "us-east-1");
    const got: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const { status, body } = await query(emu, "ec2", { Action: "DescribeInstances", Version: "2016-11-15", MaxResults: "5", ...(token ? { NextToken: token } : {}) });
      expect(status).toBe(200);
      expect(body).toContain('<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">');
      const ids = tagValues(body, "instanceId");
      expect(ids.length).toBeLessThanOrEqual(5);
      got.push(...ids);
      token = tagValues(body, "nextToken")[0];
      pages += 1;
    } while (token);
    expect(got).toEqual(want.map((x) => x.resourceId));
    expect(pages).toBe(Math.max(1, Math.ceil(want.length / 5)));
  });

  it("validates page sizes and tokens like the API", async () => {
    const tooSmall = await query(emu, "ec2", { Action: "DescribeVolumes", Version: "2016-11-15", MaxResults: "2" });
    expect(tooSmall.status).toBe(400);
    expect(tooSmall.body).toContain("<Code>InvalidParameterValue</Code>");
    const badToken = await query(emu, "rds", { Action: "DescribeDBInstances", Version: "2014-10-31", Marker: "garbage" });
    expect(badToken.status).toBe(400);
    expect(badToken.body).toContain("<ErrorResponse");
  });

  it("refuses unsigned requests and unknown keys in each service's error shape", async () => {
    const unsigned = await query(emu, "ec2", { Action: "DescribeVpcs", Version: "2016-11-15" }, { noAuth: true });
    expect(unsigned.status).toBe(403);
    expect(unsigned.body).toContain("<Code>MissingAuthenticationToken</Code>");
    const ec2 = await query(emu, "ec2", { Action: "DescribeVpcs", Version: "2016-11-15" }, { key: "AKIANOTKNOWN" });
    expect(ec2.status).toBe(401);
    expect(ec2.body).toMatch(/<Response><Errors><Error><Code>AuthFailure<\/Code>/);
    const rds = await query(emu, "rds", { Action: "DescribeDBInstances", Version: "2014-10-31" }, { key: "AKIANOTKNOWN" });
    expect(rds.status).toBe(403);
    expect(rds.body).toContain("<Code>InvalidClientTokenId</Code>");
    const s3 = await fetch(`${emu.url}/?x-id=ListBuckets`, { headers: { authorization: auth("AKIANOTKNOWN", "us-east-1", "s3") } });
    expect(s3.status).toBe(403);
    expect(await s3.text()).toContain("<Code>InvalidAccessKeyId</Code>");
  });

  it("renders throttling and server errors as each AWS service does", async () => {
    emu.faults.set({ throttle: 4 });
    const ec2 = await query(emu, "ec2", { Action: "DescribeSubnets", Version: "2016-11-15" });
    const elb = await query(emu, "elasticloadbalancing", { Action: "DescribeLoadBalancers", Version: "2015-12-01" });
    const sts = await query(emu, "sts", { Action: "GetCallerIdentity", Version: "2011-06-15" });
    const s3 = await fetch(`${emu.url}/?x-id=ListBuckets`, { headers: { authorization: auth(emu.baseCredentials.accessKeyId, "us-east-1", "s3") } });
    expect([ec2.status, elb.status, sts.status, s3.status]).toEqual([503, 400, 400, 503]);
    expect(ec2.body).toContain("<Code>RequestLimitExceeded</Code>");
    expect(elb.body).toMatch(/<Error><Type>Sender<\/Type><Code>Throttling<\/Code><Message>Rate exceeded<\/Message><\/Error>/);
    expect(await s3.text()).toContain("<Code>SlowDown</Code>");

    emu.faults.set({ serverErrors: 1, match: "rds:" });
    const rds = await query(emu, "rds", { Action: "DescribeDBInstances", Version: "2014-10-31" });
    expect(rds.status).toBe(500);
    expect(rds.body).toContain("<Type>Receiver</Type>");
    emu.faults.clear();
  });

  it("issues AssumeRole keys that read the target account, checking the ExternalId", async () => {
    const assumed = await query(emu, "sts", {
      Action: "AssumeRole",
      Version: "2011-06-15",
      RoleArn: "arn:aws:iam::222222222222:role/reader",
      RoleSessionName: "t",
    });
    expect(assumed.status).toBe(200);
    const key = tagValues(assumed.body, "AccessKeyId")[0] as string;
    const token = tagValues(assumed.body, "SessionToken")[0] as string;
    const vpcs = await query(emu, "ec2", { Action: "DescribeVpcs", Version: "2016-11-15" }, { key, token, region: "us-east-1" });
    const owners = new Set(tagValues(vpcs.body, "ownerId"));
    expect(owners).toEqual(new Set(["222222222222"]));
    // Without its session token a temporary key is useless.
    expect((await query(emu, "ec2", { Action: "DescribeVpcs", Version: "2016-11-15" }, { key })).status).toBe(401);

    const denied = await query(emu, "sts", { Action: "AssumeRole", Version: "2011-06-15", RoleArn: "arn:aws:iam::333333333333:role/reader", RoleSessionName: "t" });
    expect(denied.status).toBe(403);
    expect(denied.body).toContain("<Code>AccessDenied</Code>");
  });

  it("applies removals, retags and additions to what it serves and expects", async () => {
    const fresh = await startAwsEmulator({ seed: 4, size: 50 });
    try {
      const [first, second] = [...fresh.expected()];
      expect(fresh.mutate.remove(first?.resourceId as string)).toBe(true);
      expect(fresh.mutate.remove("i-0doesnotexist")).toBe(false);
      expect(fresh.mutate.retag(second?.resourceId as string, { a: "b" })).toBe(true);
      const added = fresh.mutate.add({ account: "111111111111", kind: "vpc", region: "us-west-2", tags: { Name: "extra" } });
      const now = [...fresh.expected()];
      expect(now.some((x) => x.resourceId === first?.resourceId)).toBe(false);
      expect(now.find((x) => x.resourceId === second?.resourceId)?.tags).toEqual({ a: "b" });
      expect(now.find((x) => x.resourceId === added.resourceId)).toMatchObject({ name: "extra", region: "us-west-2", kind: "vpc" });
      expect(now).toHaveLength(50);
    } finally {
      await fresh.close();
    }
  });
});

describe("AWS estate", () => {
  it("serves a resized item with its new size and extra fields, and refuses an unknown id", () => {
    const estate = createAwsEstate({ seed: 3, size: 200, accounts: ["111111111111"], regions: ["us-east-1"] });
    const instance = [...estate.all()].find((item) => item.kind === "ec2_instance");
    if (!instance) throw new Error("no instance in the estate");
    const next = instance.size === "m5.large" ? "c5.large" : "m5.large";
    expect(estate.resize(instance.id, { size: next, extra: { desired: "5" } })).toBe(true);
    expect(estate.find(instance.id)).toMatchObject({ size: next, extra: { ...instance.extra, desired: "5" } });
    expect(estate.resize("i-0doesnotexist", { size: "t3.nano" })).toBe(false);
  });

  it("computes a million-resource estate on demand instead of holding it", () => {
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    const estate = createAwsEstate({ seed: 1, size: 1_000_000, accounts: ["111111111111", "222222222222"], regions: ["us-east-1", "eu-west-1"] });
    expect(estate.scopes.reduce((n, s) => n + s.count, 0)).toBe(1_000_000);
    const biggest = [...estate.scopes].sort((a, b) => b.count - a.count)[0];
    if (!biggest) throw new Error("no scopes");
    const page = estate.page(biggest, biggest.count - 3, 10);
    expect(page.items).toHaveLength(3);
    expect(page.next).toBeUndefined();
    expect(estate.find(page.items[0]?.id as string)).toEqual(page.items[0]);
    // A materialized estate would take hundreds of megabytes; the split itself is a few dozen numbers.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(32 * 1024 * 1024);
  });
});
