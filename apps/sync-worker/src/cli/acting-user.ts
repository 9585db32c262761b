import { type DbOrTx, type Database, userProfiles } from "@cloudsync/db";
import { and, eq, sql } from "drizzle-orm";
import { CommandFailedError } from "./errors.ts";
import type { OrganizationRef } from "./org.ts";

/**
 * Who a change is attributed to (`acknowledged_by`, `resolved_by`): `--by` when given, an active
 * user of this organization (RLS hides everyone else's users), otherwise the owner `--org` named.
 */
export async function actingUser(tx: DbOrTx, org: OrganizationRef, by: string | undefined): Promise<{ id: string; label: string }> {
  if (by === undefined) return { id: org.ownerId, label: "the owner" };
  const [user] = await tx
    .select({ id: userProfiles.id, email: userProfiles.email })
    .from(userProfiles)
    .where(and(sql`lower(${userProfiles.email}) = lower(${by})`, eq(userProfiles.isActive, true)));
  if (!user) throw new CommandFailedError(`--by ${by} is not an active user of ${org.slug}; leave --by out to act as the owner. Nothing was written.`);
  return { id: user.id, label: user.email };
}
