import { randomBytes } from "node:crypto";
import type { AwsService } from "./errors.ts";

/**
 * Who is calling. Signatures are not verified (the real SDK signs correctly anyway); what
 * matters is the SigV4 credential scope, which names the key, region and service.
 */

export interface SigV4Scope {
  accessKeyId: string;
  region: string;
  service: string;
}

export function parseAuthorization(header: string | undefined): SigV4Scope | undefined {
  if (!header) return undefined;
  const match = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(header);
  if (!match) return undefined;
  return { accessKeyId: match[1] as string, region: match[2] as string, service: match[3] as string };
}

const queryVersions: Record<string, AwsService> = {
  "2016-11-15": "ec2",
  "2015-12-01": "elasticloadbalancing",
  "2014-10-31": "rds",
  "2011-06-15": "sts",
  "2011-01-01": "autoscaling",
  "2015-02-02": "elasticache",
  "2012-12-01": "redshift",
  "2010-05-15": "cloudformation",
};

/** For unsigned requests: which service's error shape to answer in. */
export function guessService(form: URLSearchParams | undefined): AwsService {
  const version = form?.get("Version");
  return (version && queryVersions[version]) || (form?.get("Action") ? "ec2" : "s3");
}

/**
 * Temporary keys carry their account (`ASIA` + 12 digits + 4 hex), so the server needs no
 * session table and a restarted emulator still recognises keys it issued.
 */
export function issueTemporaryKey(account: string): { accessKeyId: string; secretAccessKey: string; sessionToken: string } {
  return {
    accessKeyId: `ASIA${account}${randomBytes(2).toString("hex").toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString("base64"),
    sessionToken: `FwoGZXIvYXdzE${randomBytes(48).toString("base64")}`,
  };
}

export function accountOfTemporaryKey(accessKeyId: string): string | undefined {
  return /^ASIA(\d{12})[0-9A-F]{4}$/.exec(accessKeyId)?.[1];
}

export function parseRoleArn(arn: string | null): { account: string; roleName: string } | undefined {
  const match = arn ? /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/.exec(arn) : null;
  return match ? { account: match[1] as string, roleName: match[2] as string } : undefined;
}
