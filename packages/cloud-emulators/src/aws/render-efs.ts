import type { EmulatedResource } from "./model.ts";

/**
 * EFS's REST-JSON API: `GET /2015-02-01/file-systems` (`MaxItems`, `Marker`) answers every
 * description with its tags and metered size, so one call per page is the whole read.
 */

export function efsAction(method: string, pathname: string): string {
  if (method === "GET" && /^\/2015-02-01\/file-systems\/?$/.test(pathname)) return "DescribeFileSystems";
  return "";
}

export function isEfsPath(pathname: string): boolean {
  return pathname.startsWith("/2015-02-01/");
}

export function renderDescribeFileSystems(items: readonly EmulatedResource[], malformed: ReadonlySet<string>, marker: string | null, nextMarker: string | undefined): string {
  const page: Record<string, unknown> = { FileSystems: items.map((i) => renderFileSystem(i, malformed.has(i.id))) };
  if (marker) page.Marker = marker;
  if (nextMarker) page.NextMarker = nextMarker;
  return JSON.stringify(page);
}

function renderFileSystem(item: EmulatedResource, malformed: boolean): Record<string, unknown> {
  const bytes = Number(item.size);
  const fs: Record<string, unknown> = {
    OwnerId: item.account,
    CreationToken: `console-${item.id.slice(-12)}`,
    FileSystemId: item.extra.fileSystemId,
    FileSystemArn: item.id,
    CreationTime: Date.parse(item.createdAt) / 1000,
    NumberOfMountTargets: Number(item.extra.mountTargets),
    SizeInBytes: { Value: bytes, Timestamp: Date.parse(item.createdAt) / 1000 + 86_400, ValueInIA: 0, ValueInStandard: bytes, ValueInArchive: 0 },
    PerformanceMode: item.extra.performanceMode,
    Encrypted: item.tags.env === "prod",
    ThroughputMode: item.extra.throughputMode,
    Tags: Object.entries(item.tags).map(([Key, Value]) => ({ Key, Value })),
    FileSystemProtection: { ReplicationOverwriteProtection: "ENABLED" },
  };
  if (item.extra.throughputMode === "provisioned") fs.ProvisionedThroughputInMibps = 128;
  // Name mirrors the Name tag, as EFS itself does.
  if (item.tags.Name !== undefined) fs.Name = item.tags.Name;
  if (!malformed) fs.LifeCycleState = item.state;
  return fs;
}
