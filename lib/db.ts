// One way to get a database client: Prisma over the pg driver adapter (no Rust query engine).
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';

export type Db = InstanceType<typeof PrismaClient>;
export { Prisma } from '../generated/prisma/client';

// No JIT compilation: Amparo's statements are short, and during a surge (inserts outrunning autoanalyze)
// stale statistics inflated cost estimates until PostgreSQL spent 50 ms or more compiling statements that
// run in a few.
const SESSION_OPTIONS = '-c jit=off';

export function createDb(connectionString: string, poolSize = 10): Db {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, max: poolSize, options: SESSION_OPTIONS }) });
}
