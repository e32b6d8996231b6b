// Prisma CLI configuration. Migrations run through the WebAssembly schema engine with a driver
// adapter (engine: 'js'), so no Rust engine is downloaded: see ../README.md "Adding a migration".
// The adapter is @prisma/adapter-pg 7 under an npm alias: version 6's fails on migrate's catalog queries.
import { defineConfig } from 'prisma/config';
import { PrismaPg } from 'pg-adapter-migrate';
import { loadConfig } from './lib/config.ts';

// Migrations run as the tables' owner (DATABASE_OWNER_URL, lib/config.ts), never as the application's role.
const connectionString = loadConfig().DATABASE_OWNER_URL;

export default defineConfig({
  schema: 'schema/schema.prisma',
  migrations: { path: 'schema/migrations' },
  experimental: { adapter: true },
  engine: 'js',
  adapter: () => Promise.resolve(new PrismaPg({ connectionString })),
});
