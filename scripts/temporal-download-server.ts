// Last resort of scripts/services.sh on machines without a Temporal CLI and without Go:
// @temporalio/testing downloads the dev server (needs internet) and runs it until SIGTERM.
// Arguments are the services script's own: --ip, --port, --db-filename (other flags are passed through).
import { TestWorkflowEnvironment } from '@temporalio/testing';

const args = process.argv.slice(2);
const take = (flag: string): string | undefined => {
  const i = args.indexOf(flag);
  if (i < 0) return undefined;
  const [value] = args.splice(i, 2).slice(1);
  return value;
};
const ip = take('--ip') ?? '127.0.0.1';
const port = Number(take('--port') ?? 7233);
const dbFilename = take('--db-filename');

const env = await TestWorkflowEnvironment.createLocal({
  server: { ip, port, dbFilename, extraArgs: args },
});
console.log(`Temporal dev server (downloaded) listening on ${ip}:${port}`);
const stop = async () => {
  await env.teardown();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
