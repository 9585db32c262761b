import { defineConfig } from "drizzle-kit";

// `pnpm db:generate` writes migrations here; `pnpm db:studio` opens this database.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/schema/index.ts",
  out: "./drizzle",
  casing: "snake_case",
  dbCredentials: {
    url: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
  },
  strict: true,
  verbose: false,
});
