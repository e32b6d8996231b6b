// Prisma CLI configuration. Migrations run through the WebAssembly schema engine with a driver
// adapter (engine: 'js'), so no Rust engine is downloaded: see ../README.md "Adding a migration".
// The adapter is @prisma/adapter-pg 7 under an npm alias: version 6's fails on migrate's catalog queries.
import { defineConfig } from 'prisma/config';
import { PrismaPg } from 'pg-adapter-migrate';

const connectionString = process.env.DATABASE_URL ?? 'postgresql://postgres:postgres@127.0.0.1:5432/amparo';

export default defineConfig({
  schema: 'schema/schema.prisma',
  migrations: { path: 'schema/migrations' },
  experimental: { adapter: true },
  engine: 'js',
  adapter: () => Promise.resolve(new PrismaPg({ connectionString })),
});
