// A stranger's application: it knows @cloudsync/db only through the packed tarball and its own
// copies of drizzle-orm and postgres. run.mjs compiles it with strict settings and runs it against
// a fresh PostgreSQL database. skipLibCheck stays on as drizzle-orm's documentation asks (its
// declarations for other dialects need mysql2, gel…); the `@ts-expect-error` below and run.mjs's
// scan of the shipped declarations make sure our types still arrive as types, not `any`.
import {
  createDb,
  EmbeddedDatabaseUnavailableError,
  getInfrastructureHealthScore,
  type InfrastructureHealthScore,
  migrate,
  organizations,
  withOrganization,
} from "@cloudsync/db";
import { manifestPathFor, redactUrl } from "@cloudsync/db/backup";
import { eq } from "drizzle-orm";

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`consumer app: ${what}`);
  console.log(`  ok  ${what}`);
}

const url = process.env.DATABASE_URL;
if (!url) throw new Error("consumer app: set DATABASE_URL to an empty database (run.mjs does)");

if (process.env.CONSUMER_PHASE === "embedded") {
  // Second phase: the application has installed the optional @electric-sql/pglite.
  const embedded = await createDb({ dataDir: process.env.CONSUMER_PGLITE_DIR });
  try {
    await migrate(embedded);
    const rows = await embedded.db.select({ slug: organizations.slug }).from(organizations);
    check(embedded.driver === "pglite" && rows.length === 0, "with @electric-sql/pglite installed, the embedded database migrated and answered");
  } finally {
    await embedded.close();
  }
} else {
  const handle = await createDb({ url, maxConnections: 2 });
  try {
    await migrate(handle);
    check(handle.driver === "postgres", "migrate() applied the shipped migrations");

    // drizzle-orm's `eq` from the application's own copy must accept the package's columns: with
    // two copies of drizzle this line is a type error.
    const [acme] = await handle.db.insert(organizations).values({ name: "Acme", slug: "acme" }).returning({ id: organizations.id });
    await handle.db.insert(organizations).values({ name: "Other", slug: "other" });
    const found = await handle.db.select({ slug: organizations.slug }).from(organizations).where(eq(organizations.slug, "acme"));
    const slugs: string[] = found.map((row) => row.slug);
    // @ts-expect-error the row type is real, not `any`: a column that does not exist is refused
    found.map((row) => row.notAColumn);
    check(acme !== undefined && slugs.length === 1 && slugs[0] === "acme", "a typed query found the organization by slug");

    const visible = await withOrganization(handle.db, acme!.id, (tx) => tx.select({ slug: organizations.slug }).from(organizations));
    check(visible.length === 1 && visible[0]?.slug === "acme", "withOrganization() showed one tenant's rows under row-level security");

    const score: InfrastructureHealthScore = await withOrganization(handle.db, acme!.id, (tx) =>
      getInfrastructureHealthScore(tx, { organizationId: acme!.id }),
    );
    const total: number = score.total_resources;
    check(total === 0 && score.health_percentage === null && score.overall_status === "unknown", `a typed SQL function call answered (${score.overall_status})`);
  } finally {
    await handle.close();
  }

  check(manifestPathFor("/backups/x.dump") === "/backups/x.dump.manifest.json", "@cloudsync/db/backup is importable");
  check(!redactUrl(new URL("postgres://u:secret@h/db")).includes("secret"), "redactUrl() hides the password");

  // PGlite is an optional peer this application has not installed (yet): asking for the embedded
  // database must say what to install.
  const error = await createDb().then(
    (h) => h.close().then(() => null),
    (e: unknown) => e,
  );
  check(
    error instanceof EmbeddedDatabaseUnavailableError && error.message.includes("npm install @electric-sql/pglite"),
    "without @electric-sql/pglite, createDb() with no URL names the package to install",
  );
}
