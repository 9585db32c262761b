import type { FileSystemDescription } from "@aws-sdk/client-efs";
import type { NormalizedResource, ResourceStatus } from "../../types.ts";
import { configurationOf, displayName, isoDate, lookupStatus, storedBytesSizeCategory, tagsToRecord } from "../normalize.ts";
import { type AwsKindReader, clampPageSize, type ItemWhere, malformed } from "./kind.ts";
import { cloudWatchKeysOf } from "../metric-table.ts";
import { awsSdk } from "../sdk.ts";

/**
 * EFS file systems: DescribeFileSystems per region answers each file system with its tags and
 * metered size, so one call per page is the whole read.
 */

export const efsFileSystemStatus: Readonly<Record<string, ResourceStatus>> = {
  creating: "provisioning",
  available: "running",
  // A throughput or protection change keeps the file system mounted.
  updating: "running",
  deleting: "stopping",
  deleted: "terminated",
  error: "error",
};

export function normalizeEfsFileSystem(fs: FileSystemDescription, where: ItemWhere): NormalizedResource {
  const arn = fs.FileSystemArn;
  if (!arn) throw malformed(where, fs.FileSystemId, "file system without FileSystemArn");
  const status = lookupStatus(efsFileSystemStatus, fs.LifeCycleState);
  if (!status) throw malformed(where, arn, `unknown file system state ${JSON.stringify(fs.LifeCycleState ?? null)}`);
  const tags = tagsToRecord(fs.Tags);
  return {
    cloud: "aws",
    account: where.account,
    regionCode: where.region,
    kind: "efs_file_system",
    resourceId: arn,
    name: displayName(tags, fs.Name, fs.FileSystemId, arn),
    resourceType: "storage",
    status,
    // EFS meters the size about hourly; it is the only size an elastic file system has.
    sizeCategory: storedBytesSizeCategory(fs.SizeInBytes?.Value),
    tags,
    configuration: configurationOf({ ...fs, Tags: undefined }),
    providerCreatedAt: isoDate(fs.CreationTime),
  };
}

type EfsSdk = typeof import("@aws-sdk/client-efs");

export const efsFileSystemReader: AwsKindReader<FileSystemDescription> = {
  kind: "efs_file_system",
  resourceType: "storage",
  fanout: "account_region",
  service: "elasticfilesystem",
  operation: "DescribeFileSystems",
  metricKeys: cloudWatchKeysOf("efs_file_system"),
  relations: [],
  async *pages(ctx) {
    // Imported here, not at the top: a process that never reads EFS never loads its SDK.
    const sdk: EfsSdk = awsSdk("@aws-sdk/client-efs");
    const client = ctx.clients.client("elasticfilesystem", (config) => new sdk.EFSClient(config));
    const pages = sdk.paginateDescribeFileSystems({ client, pageSize: clampPageSize(ctx.pageSize, 1, 100) }, {}, { abortSignal: ctx.signal });
    for await (const page of pages) yield page.FileSystems ?? [];
  },
  normalize: normalizeEfsFileSystem,
};
