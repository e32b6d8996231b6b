// A Temporal worker for workflow tests, on the real server started by scripts/services.sh.
// Each test file gets its own task queue, so files run in parallel without taking each other's tasks.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { register as requireTypeScript } from 'tsx/cjs/api';
import { loadConfig } from '../../lib/config';
import { FAILURE_CONVERTER_PATH, temporalDataConverter } from '../../lib/payload-codec';
import { uid } from './util';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));
export const HISTORIES_DIR = fileURLToPath(new URL('../histories/', import.meta.url));

let runtimeInstalled = false;
let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
let typeScriptRequirable = false;

/**
 * The data converter of the processes (lib/payload-codec.ts), for test workers, clients and replays. A worker
 * require()s its failure converter, a .ts file: tsx does that in the processes (node --import tsx), and
 * here, where vitest loads only what is imported, its require hook is installed for it.
 */
export function testDataConverter() {
  if (!typeScriptRequirable) requireTypeScript();
  typeScriptRequirable = true;
  return temporalDataConverter(loadConfig());
}

function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  // ERROR: retried activity failures (the rails fail on purpose in fault tests) would flood the output at WARN.
  Runtime.install({ logger: new DefaultLogger('ERROR') });
}

/** The workflow bundle, built once per test file (webpack takes a few seconds), with the processes' failure converter. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  quietRuntime();
  return (bundle ??= bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: new DefaultLogger('WARN'),
  }));
}

export interface TestTemporal {
  client: Client;
  taskQueue: string;
  close(): Promise<void>;
}

export async function startTestWorker(activities: object): Promise<TestTemporal> {
  quietRuntime(); // before the first native connection instantiates the runtime
  const config = loadConfig();
  const taskQueue = uid('test-tq');
  const dataConverter = testDataConverter();
  const nativeConnection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue,
    workflowBundle: await workflowBundle(),
    dataConverter,
    activities,
  });
  const running = worker.run();
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter });
  return {
    client,
    taskQueue,
    async close() {
      worker.shutdown();
      await running;
      await connection.close();
      await nativeConnection.close();
    },
  };
}

/**
 * With RECORD_HISTORIES=1, saves a finished workflow's history as a replay fixture (test/histories/).
 * The replay test replays every fixture against the current workflow code, so a change that breaks
 * determinism for running workflows fails the suite.
 */
export async function recordHistory(handle: WorkflowHandle, name: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  mkdirSync(HISTORIES_DIR, { recursive: true });
  const history = await handle.fetchHistory();
  writeFileSync(`${HISTORIES_DIR}${name}.json`, historyToJSON(history));
}
