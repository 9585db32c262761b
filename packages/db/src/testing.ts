import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { createDb, type DbHandle } from "./client.ts";
import { migrate, migrationsFolder } from "./migrate.ts";

export { type PostgresCluster, startPostgresCluster } from "./test-cluster.ts";

/**
 * Fresh, migrated databases for tests, cloned from a template (`CREATE DATABASE … TEMPLATE`),
 * which takes a fraction of a second instead of running every migration again. The template
 * is named after a hash of the migrations, so it is rebuilt exactly when they change.
 */
export interface TestDatabase extends DbHandle {
  /** The new database's URL, for code under test that opens its own connections. */
  url: string;
  name: string;
  /** Closes the handle and drops the database. */
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** A superuser URL of the server (default `TEST_DATABASE_URL`, else postgres@127.0.0.1:5432). */
  adminUrl?: string;
  /** Prefix of the database name, to tell runs apart (default `cloudsync_test`). */
  prefix?: string;
}

const TEMPLATE_LOCK_KEY = 0x0c10_7e57;

export function defaultAdminUrl(): string {
  return process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function migrationsHash(): string {
  const hash = createHash("sha256");
  for (const file of readdirSync(migrationsFolder).filter((f) => f.endsWith(".sql")).sort()) {
    hash.update(file).update(readFileSync(path.join(migrationsFolder, file)));
  }
  return hash.digest("hex").slice(0, 12);
}

/** Makes sure the template exists and returns its name. Concurrent callers wait on a lock. */
async function ensureTemplate(adminUrl: string): Promise<string> {
  const template = `cloudsync_tpl_${migrationsHash()}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin`select pg_advisory_lock(${TEMPLATE_LOCK_KEY})`;
    const [exists] = await admin`select 1 from pg_database where datname = ${template}`;
    if (!exists) {
      const building = `${template}_building_${randomBytes(3).toString("hex")}`;
      await admin.unsafe(`create database "${building}"`);
      const handle = await createDb({ url: withDatabase(adminUrl, building), maxConnections: 2 });
      try {
        await migrate(handle);
      } finally {
        await handle.close();
      }
      // Renamed only once complete, so a crash never leaves a half-migrated template behind.
      await admin.unsafe(`alter database "${building}" rename to "${template}"`);
    }
    await admin`select pg_advisory_unlock(${TEMPLATE_LOCK_KEY})`;
    return template;
  } finally {
    await admin.end({ timeout: 5 });
  }
}

export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const adminUrl = options.adminUrl ?? defaultAdminUrl();
  const template = await ensureTemplate(adminUrl);
  const name = `${options.prefix ?? "cloudsync_test"}_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}" template "${template}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = withDatabase(adminUrl, name);
  const handle = await createDb({ url, maxConnections: 5 });
  return {
    ...handle,
    url,
    name,
    async drop() {
      await handle.close();
      const dropper = postgres(adminUrl, { max: 1, onnotice: () => {} });
      try {
        await dropper.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await dropper.end({ timeout: 5 });
      }
    },
  };
}
