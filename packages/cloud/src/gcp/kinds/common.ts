import { MalformedItemError } from "../../errors.ts";
import type { NormalizedResource, ResourceStatus, ResourceType, SizeCategory } from "../../types.ts";
import { creationTimestampToIso, labelsToTags, str, toConfiguration } from "../normalize.ts";

export interface Identity {
  id: string;
  name: string;
}

/**
 * The numeric `id` is the resource id: it survives renames, unlike `name`/`selfLink`
 * (the selfLink stays in `configuration`). An item without both is malformed.
 */
export function identityOf(item: Record<string, unknown>, project: string): Identity {
  const id = str(item, "id");
  const name = str(item, "name");
  if (!id) throw new MalformedItemError("gcp", project, null, "the item has no id");
  if (!name) throw new MalformedItemError("gcp", project, id, "the item has no name");
  return { id, name };
}

export function malformed(project: string, id: string, reason: string): MalformedItemError {
  return new MalformedItemError("gcp", project, id, reason);
}

export function buildResource(
  item: Record<string, unknown>,
  fields: {
    project: string;
    identity: Identity;
    kind: string;
    regionCode: string;
    resourceType: ResourceType;
    status: ResourceStatus;
    sizeCategory: SizeCategory;
  },
): NormalizedResource {
  return {
    cloud: "gcp",
    account: fields.project,
    regionCode: fields.regionCode,
    kind: fields.kind,
    resourceId: fields.identity.id,
    name: fields.identity.name,
    resourceType: fields.resourceType,
    status: fields.status,
    sizeCategory: fields.sizeCategory,
    tags: labelsToTags(item.labels),
    configuration: toConfiguration(item),
    providerCreatedAt: creationTimestampToIso(item.creationTimestamp),
  };
}
