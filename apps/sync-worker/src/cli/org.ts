import { type Database, organizations, userProfiles } from "@cloudsync/db";
import { and, asc, eq, sql } from "drizzle-orm";
import { CommandFailedError, UsageError } from "./errors.ts";

export interface OrganizationRef {
  organizationId: string;
  slug: string;
  /** The owner, to whom rows the CLI creates (providers) are attributed. */
  ownerId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The same refusal whether the slug is another owner's or has no owner: it names nobody. */
function slugTaken(slug: string): CommandFailedError {
  return new CommandFailedError(`the slug "${slug}" is taken by another organization: choose another --slug. Nothing was written.`);
}

function emailTaken(email: string): CommandFailedError {
  return new CommandFailedError(
    `--owner-email ${email} already belongs to a user, and an address belongs to one organization: use another address for this organization's owner. Nothing was written.`,
  );
}

/** Which unique rule a 23505 from a racing `org add` broke, if any. */
function uniqueViolation(error: unknown): string | undefined {
  for (let e = error as { code?: string; constraint_name?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === "23505") return e.constraint_name ?? "";
  }
  return undefined;
}

/**
 * `org add`: creates the organization and its owner in one transaction, so a refusal leaves
 * nothing behind. When the slug exists and its owner has this email, nothing changes and it
 * reports `created: false` (a second run of the same command is not an error). When the slug
 * exists under anyone else, or the email belongs to another user, it refuses; the messages name
 * no other organization, id or person.
 */
export async function ensureOrganization(db: Database, input: { name: string; slug: string; ownerEmail: string }): Promise<OrganizationRef & { created: boolean }> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(input.slug) || input.slug.length > 100) {
    throw new UsageError(`--slug must be lower-case letters, digits and hyphens, starting with a letter or digit, at most 100 (got ${JSON.stringify(input.slug)})`);
  }
  if (!/^[^@\s]+@[^@\s]+$/.test(input.ownerEmail)) throw new UsageError(`--owner-email is not an email address: ${JSON.stringify(input.ownerEmail)}`);
  const email = input.ownerEmail;
  try {
    return await db.transaction(async (tx) => {
      const [existing] = await tx.select({ id: organizations.id, slug: organizations.slug }).from(organizations).where(eq(organizations.slug, input.slug)).for("update");
      if (existing) {
        const [owner] = await tx
          .select({ id: userProfiles.id })
          .from(userProfiles)
          .where(and(eq(userProfiles.organizationId, existing.id), eq(userProfiles.role, "owner"), sql`lower(${userProfiles.email}) = lower(${email})`));
        if (!owner) throw slugTaken(input.slug);
        return { organizationId: existing.id, slug: existing.slug, ownerId: owner.id, created: false };
      }
      const [user] = await tx.select({ id: userProfiles.id }).from(userProfiles).where(sql`lower(${userProfiles.email}) = lower(${email})`);
      if (user) throw emailTaken(email);
      const [org] = await tx.insert(organizations).values({ name: input.name, slug: input.slug }).returning();
      const [owner] = await tx.insert(userProfiles).values({ organizationId: org!.id, email, role: "owner", displayName: "Owner" }).returning();
      return { organizationId: org!.id, slug: org!.slug, ownerId: owner!.id, created: true };
    });
  } catch (error) {
    // A concurrent `org add` can take the slug or the address between our check and insert.
    const violated = uniqueViolation(error);
    if (violated === undefined) throw error;
    throw violated.includes("email") ? emailTaken(email) : slugTaken(input.slug);
  }
}

/**
 * The organization `--org` names, unambiguously: by id, which never changes; or by slug only
 * together with the owner's email, so that a slug someone else holds can never receive these
 * credentials. Not found, wrong owner and no owner are one message: it confirms nothing about
 * an organization the caller could not already name with its owner.
 */
export async function resolveOrganization(db: Database, input: { org: string; ownerEmail?: string | undefined }): Promise<OrganizationRef> {
  const byId = UUID.test(input.org);
  if (!byId && !input.ownerEmail) {
    throw new UsageError(
      `--org ${JSON.stringify(input.org)} is a slug: give the owner's address too (--owner-email), or pass the organization's id, which \`cloudsync org add\` prints`,
    );
  }
  const conditions = [
    byId ? eq(organizations.id, input.org) : eq(organizations.slug, input.org),
    eq(userProfiles.role, "owner"),
    eq(userProfiles.isActive, true),
    ...(input.ownerEmail ? [sql`lower(${userProfiles.email}) = lower(${input.ownerEmail})`] : []),
  ];
  const [found] = await db
    .select({ organizationId: organizations.id, slug: organizations.slug, ownerId: userProfiles.id })
    .from(organizations)
    .innerJoin(userProfiles, eq(userProfiles.organizationId, organizations.id))
    .where(and(...conditions))
    .orderBy(asc(userProfiles.createdAt))
    .limit(1);
  if (!found) {
    throw new CommandFailedError(
      `no organization matches --org ${JSON.stringify(input.org)}${input.ownerEmail ? ` with owner ${input.ownerEmail}` : " with an active owner"}; check both, or create it with \`cloudsync org add\` (which prints its id)`,
    );
  }
  return found;
}
