// Node loads this file itself (not through tsx), hence the explicit .ts extensions.
import { defineConfig } from 'vitest/config';
import { loadConfig } from './lib/config.ts';
import { testDatabaseUrl } from './lib/test-databases.ts';

// Tests run against the real services, on their own databases and queue prefix,
// so a test run never touches the data of a demo or a developer's stack.
const config = loadConfig();

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    env: {
      DATABASE_URL: testDatabaseUrl(config.DATABASE_URL),
      DATABASE_OWNER_URL: testDatabaseUrl(config.DATABASE_OWNER_URL),
      BANK_SIM_DATABASE_URL: testDatabaseUrl(config.BANK_SIM_DATABASE_URL),
      SMS_SIM_DATABASE_URL: testDatabaseUrl(config.SMS_SIM_DATABASE_URL),
      WALLET_SIM_DATABASE_URL: testDatabaseUrl(config.WALLET_SIM_DATABASE_URL),
      QUEUE_PREFIX: 'amparo-test',
      LOG_LEVEL: 'warn',
    },
  },
});
