import { type Database, organizations, userProfiles } from "@cloudsync/db";
import { eq } from "drizzle-orm";
import { UsageError } from "./context.ts";

/** Creates an organization with its first (owner) user, or returns the existing one with that slug. */
export async function ensureOrganization(db: Database, input: { name: string; slug: string; ownerEmail: string }) {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(input.slug)) {
    throw new UsageError(`--slug must be lower-case letters, digits and hyphens, starting with a letter or digit (got ${JSON.stringify(input.slug)})`);
  }
  if (!/^[^@\s]+@[^@\s]+$/.test(input.ownerEmail)) throw new UsageError(`--owner-email is not an email address: ${JSON.stringify(input.ownerEmail)}`);
  const [existing] = await db.select().from(organizations).where(eq(organizations.slug, input.slug));
  const org = existing ?? (await db.insert(organizations).values({ name: input.name, slug: input.slug }).returning())[0]!;
  const [owner] = await db.select().from(userProfiles).where(eq(userProfiles.organizationId, org.id)).limit(1);
  const user =
    owner ??
    (await db.insert(userProfiles).values({ organizationId: org.id, email: input.ownerEmail, role: "owner", displayName: "Owner" }).returning())[0]!;
  return { organizationId: org.id, slug: org.slug, ownerId: user.id, created: !existing };
}

/** Finds an organization by slug or id, with a user to attribute new rows to. */
export async function findOrganization(db: Database, slugOrId: string) {
  const isId = /^[0-9a-f-]{36}$/i.test(slugOrId);
  const [org] = await db
    .select()
    .from(organizations)
    .where(isId ? eq(organizations.id, slugOrId) : eq(organizations.slug, slugOrId));
  if (!org) throw new UsageError(`no organization ${JSON.stringify(slugOrId)}; create it with \`cloudsync org add --name … --slug … --owner-email …\``);
  const [user] = await db.select().from(userProfiles).where(eq(userProfiles.organizationId, org.id)).limit(1);
  if (!user) throw new UsageError(`organization ${org.slug} has no user to own its providers; run \`cloudsync org add\` again with --owner-email`);
  return { organizationId: org.id, slug: org.slug, ownerId: user.id };
}
