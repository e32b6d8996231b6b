// Starts Amparo's own processes (simulators, workers, web) as child processes, waits until each is ready,
// and stops them again. Used by the demo and the end-to-end tests; the services (PostgreSQL, Redis,
// Temporal) are brought up beforehand by scripts/services.sh.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface ProcessSpec {
  name: string;
  entry: string;
  /** Ready when this URL answers 200, or when the process logs a line with msg "ready". */
  healthUrl?: string;
  /** Variables for this process only (an extra web process's own WEB_PORT). */
  env?: NodeJS.ProcessEnv;
}

export interface StackUrls {
  /** The first web process: PUBLIC_URL, where the rails send their callbacks. */
  web: string;
  /** Every web process's base URL, the first one first (a load balancer would spread requests over them). */
  webs: string[];
  registry: string;
  bank: string;
  sms: string;
  wallet: string;
}

/** How many processes of each of Amparo's own kinds to start (1 each unless given). */
export interface StackScale {
  web?: number;
  temporalWorker?: number;
  queueWorker?: number;
}

export interface StackOptions {
  scale?: StackScale;
}

export interface Stack {
  urls: StackUrls;
  env: NodeJS.ProcessEnv;
  /** Stops one process (SIGKILL when `hard`), as a crash would, and starts it again. */
  restart(name: string, opts?: { hard?: boolean }): Promise<void>;
  /**
   * Process id of each running process by name (benchmarks read their peak memory from /proc). With a
   * scale of 1 a kind's one process is `web`, `temporal-worker`, `queue-worker`; with N, `web-1`..`web-N` etc.
   */
  pids(): Record<string, number>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Free ports and matching URLs for one stack, so a demo or test never collides with a running one. */
export async function stackEnv(base: NodeJS.ProcessEnv, overrides: NodeJS.ProcessEnv = {}): Promise<NodeJS.ProcessEnv> {
  const [web, registry, bank, sms, wallet] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
  return {
    ...base,
    WEB_PORT: String(web),
    PUBLIC_URL: `http://127.0.0.1:${web}`,
    REGISTRY_SIM_PORT: String(registry),
    REGISTRY_SIM_URL: `http://127.0.0.1:${registry}`,
    BANK_SIM_PORT: String(bank),
    BANK_SIM_URL: `http://127.0.0.1:${bank}`,
    SMS_SIM_PORT: String(sms),
    SMS_SIM_URL: `http://127.0.0.1:${sms}`,
    WALLET_SIM_PORT: String(wallet),
    WALLET_SIM_URL: `http://127.0.0.1:${wallet}`,
    // Every synthetic applicant of a demo or benchmark comes from this machine's one address: the limit
    // per address (meant for a carrier's NAT) would stop the crowd; the limits per phone and number stay.
    RATE_LIMITS: base.RATE_LIMITS || 'intakePerIp=1000000/60',
    ...overrides,
  };
}

/** `web`, or `web-1`..`web-N` when there are several. */
const instanceNames = (base: string, count: number): string[] =>
  count === 1 ? [base] : Array.from({ length: count }, (_, i) => `${base}-${i + 1}`);

function scaleOf(value: number | undefined, kind: string): number {
  const count = value ?? 1;
  if (!Number.isInteger(count) || count < 1) throw new Error(`scale.${kind} must be a positive integer, not ${value}`);
  return count;
}

async function processSpecs(env: NodeJS.ProcessEnv, scale: StackScale): Promise<{ specs: ProcessSpec[]; webs: string[] }> {
  const webNames = instanceNames('web', scaleOf(scale.web, 'web'));
  // The first web process listens on WEB_PORT and is PUBLIC_URL (the rails' callbacks go there); each
  // other one gets a free port of its own. Any of them can take callbacks, requests or the status page.
  const webs = await Promise.all(
    webNames.map(async (name, i) => {
      if (i === 0) return { name, url: env.PUBLIC_URL!, env: {} };
      const port = await freePort();
      return { name, url: `http://127.0.0.1:${port}`, env: { WEB_PORT: String(port) } };
    }),
  );
  const specs: ProcessSpec[] = [
    { name: 'registry-sim', entry: 'simulators/registry/main.ts', healthUrl: `${env.REGISTRY_SIM_URL}/health` },
    { name: 'bank-sim', entry: 'simulators/bank/main.ts', healthUrl: `${env.BANK_SIM_URL}/health` },
    { name: 'sms-sim', entry: 'simulators/sms/main.ts', healthUrl: `${env.SMS_SIM_URL}/health` },
    { name: 'wallet-sim', entry: 'simulators/wallet/main.ts', healthUrl: `${env.WALLET_SIM_URL}/health` },
    ...instanceNames('temporal-worker', scaleOf(scale.temporalWorker, 'temporalWorker')).map((name) => ({
      name,
      entry: 'workers/temporal-worker.ts',
    })),
    ...instanceNames('queue-worker', scaleOf(scale.queueWorker, 'queueWorker')).map((name) => ({ name, entry: 'workers/queue-worker.ts' })),
    ...webs.map((w) => ({ name: w.name, entry: 'web/main.ts', healthUrl: `${w.url}/health`, env: w.env })),
  ];
  return { specs, webs: webs.map((w) => w.url) };
}

/**
 * Starts the simulators, then the workers and web. `opts.scale` runs several processes of a kind (each
 * extra web process on a port of its own, see `urls.webs`); the default is one of each.
 */
export async function startStack(
  env: NodeJS.ProcessEnv,
  logDir = path.join(ROOT, '.data', 'logs'),
  opts: StackOptions = {},
): Promise<Stack> {
  mkdirSync(logDir, { recursive: true });
  const { specs, webs } = await processSpecs(env, opts.scale ?? {});
  const children = new Map<string, ChildProcess>();

  const launch = async (spec: ProcessSpec): Promise<void> => {
    const log = createWriteStream(path.join(logDir, `${spec.name}.log`), { flags: 'a' });
    // At least info: readiness is read from the log, and the logs go to files, not the terminal.
    const childEnv = { ...env, ...spec.env, LOG_LEVEL: env.LOG_LEVEL === 'debug' ? 'debug' : 'info' };
    // AMPARO_CPU_PROFILE_DIR: each process writes V8 CPU profiles when it stops (benchmarks), in a folder
    // of its own per launch (a restarted process overwrites nothing): one file per thread, the main
    // thread's and tsx's module loader's, under Node's default names (a fixed name made them overwrite each other).
    const profile = env.AMPARO_CPU_PROFILE_DIR
      ? ['--cpu-prof', `--cpu-prof-dir=${path.join(env.AMPARO_CPU_PROFILE_DIR, `${spec.name}.${Date.now()}`)}`]
      : [];
    const child = spawn(process.execPath, [...profile, '--import', 'tsx', path.join(ROOT, spec.entry)], {
      cwd: ROOT,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.set(spec.name, child);
    let loggedReady = false;
    let tail = '';
    const onOutput = (chunk: Buffer) => {
      const text = chunk.toString();
      log.write(text);
      tail = (tail + text).slice(-2000);
      if (text.includes('"msg":"ready"')) loggedReady = true;
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    child.on('exit', () => log.end());
    await waitUntil(
      spec,
      child,
      () => loggedReady,
      () => tail,
    );
  };

  const stopOne = async (name: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
    const child = children.get(name);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };

  const kindOf = (spec: ProcessSpec) => spec.entry;
  const stop = async () => {
    // Reverse order: the edge first, the simulators last; the processes of one kind together.
    const kinds = [...new Set(specs.map(kindOf))].reverse();
    for (const kind of kinds) await Promise.all(specs.filter((s) => kindOf(s) === kind).map((s) => stopOne(s.name)));
  };
  try {
    // Simulators first (the workers call them), then workers and web together.
    const simulators = specs.filter((s) => s.name.endsWith('-sim'));
    await Promise.all(simulators.map(launch));
    await Promise.all(specs.filter((s) => !simulators.includes(s)).map(launch));
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    urls: {
      web: webs[0]!,
      webs,
      registry: env.REGISTRY_SIM_URL!,
      bank: env.BANK_SIM_URL!,
      sms: env.SMS_SIM_URL!,
      wallet: env.WALLET_SIM_URL!,
    },
    env,
    stop,
    pids: () =>
      Object.fromEntries(
        [...children].flatMap(([name, c]) => (c.pid !== undefined && c.exitCode === null && c.signalCode === null ? [[name, c.pid]] : [])),
      ),
    async restart(name, opts = {}) {
      const spec = specs.find((s) => s.name === name);
      if (!spec) throw new Error(`no process named ${name}`);
      await stopOne(name, opts.hard ? 'SIGKILL' : 'SIGTERM');
      await launch(spec);
    },
  };
}

async function waitUntil(spec: ProcessSpec, child: ChildProcess, loggedReady: () => boolean, tail: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${spec.name} exited with code ${child.exitCode}:\n${tail()}`);
    if (spec.healthUrl) {
      const ok = await fetch(spec.healthUrl, { signal: AbortSignal.timeout(1000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
    } else if (loggedReady()) {
      return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${spec.name} did not become ready within 90 s:\n${tail()}`);
}
