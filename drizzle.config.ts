import { defineConfig } from "drizzle-kit";

// Migrations are generated from the schema files and committed; the server
// applies them on boot (lib/db/migrate.ts). Generating needs no database.
export default defineConfig({
  dialect: "postgresql",
  schema: "./lib/db/schema/*.ts",
  out: "./db/migrations",
  casing: "snake_case",
});
