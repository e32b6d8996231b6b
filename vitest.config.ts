import { defineConfig } from 'vitest/config';

// Tests run against the real services, on their own databases and queue prefix,
// so a test run never touches the data of a demo or a developer's stack.
const pg = process.env.PG_BASE_URL ?? 'postgresql://postgres:postgres@127.0.0.1:5432';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: {
      DATABASE_URL: process.env.TEST_DATABASE_URL ?? `${pg}/amparo_test`,
      BANK_SIM_DATABASE_URL: process.env.TEST_BANK_SIM_DATABASE_URL ?? `${pg}/amparo_bank_test`,
      QUEUE_PREFIX: 'amparo-test',
      LOG_LEVEL: 'warn',
    },
  },
});
