// CPU time and peak memory of processes, read from Linux's /proc (benchmarks). Also finds the service
// processes that the stack did not start (PostgreSQL and its backends, Redis, the Temporal server) by
// their command line. A process may exit between being listed and being read: it then counts as gone.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;
/** The kernel's clock ticks per second (CLK_TCK, normally 100), asked once. */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    ticksPerSecond = Number.isFinite(value) && value > 0 ? value : 100;
  }
  return ticksPerSecond;
}

/** Contents of a /proc file, or undefined when the process is gone (or never was). */
function readProc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH') return undefined;
    throw err;
  }
}

/**
 * CPU seconds (user + system) a process has used since it started; undefined when it is gone. With
 * `children`, also what its exited children used once it reaped them (cutime + cstime): the PostgreSQL
 * postmaster so accounts for the backends that ended, which a later listing no longer finds.
 */
export function cpuSeconds(pid: number, opts: { children?: boolean } = {}): number | undefined {
  const stat = readProc(pid, 'stat');
  if (stat === undefined) return undefined;
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after its last ")".
  // From there on, field 3 (state) is index 0: utime (14) is 11, stime 12, cutime 13, cstime 14.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = (i: number) => Number(fields[i] ?? 0);
  const total = ticks(11) + ticks(12) + (opts.children ? ticks(13) + ticks(14) : 0);
  return total / clockTicks();
}

/** Peak resident memory (VmHWM) in MB; undefined when the process is gone or has none (a kernel thread). */
export function peakRssMb(pid: number): number | undefined {
  const status = readProc(pid, 'status');
  const kb = status && /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
  return kb ? Number(kb) / 1024 : undefined;
}

/** Process ids whose command line (arguments joined by spaces) or command name (comm) matches. */
export function pidsByCommand(pattern: RegExp): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const comm = readProc(pid, 'comm')?.trim();
    if (comm === undefined) continue;
    const cmdline = (readProc(pid, 'cmdline') ?? '').replace(/\0+$/, '').replaceAll('\0', ' ');
    if (pattern.test(comm) || pattern.test(cmdline)) pids.push(pid);
  }
  return pids;
}

/**
 * The services Amparo runs on, as scripts/services.sh starts them (machine binaries or docker compose):
 * PostgreSQL's server and backends are all `postgres`; Redis is `redis-server`; Temporal is the CLI's dev
 * server (`temporal server start-dev`, from PATH, the cache's `temporal-<version>`, or the one
 * @temporalio/testing downloads) or, with docker compose, `temporal-server`. With docker compose,
 * Temporal's own PostgreSQL counts as postgres.
 */
export const SERVICE_PATTERNS = {
  postgres: /^postgres$/,
  redis: /^redis-server(\s|$)/,
  'temporal server': /^(\S*\/)?temporal[^\s/]*\s+server\s+start-dev(\s|$)|^(\S*\/)?temporal-server(\s|$)/,
} as const satisfies Record<string, RegExp>;

/** The service processes running now, by group. */
export function servicePids(): Record<keyof typeof SERVICE_PATTERNS, number[]> {
  return Object.fromEntries(Object.entries(SERVICE_PATTERNS).map(([group, pattern]) => [group, pidsByCommand(pattern)])) as Record<
    keyof typeof SERVICE_PATTERNS,
    number[]
  >;
}

/**
 * CPU seconds per group, each the sum over its live processes including their reaped children (see
 * cpuSeconds): the difference of two snapshots is what a group used in between, even for processes that
 * started or ended (under a listed parent) meanwhile. Processes gone by now count as 0.
 */
export function snapshot(groups: Record<string, number[]>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(groups).map(([group, pids]) => [group, pids.reduce((sum, pid) => sum + (cpuSeconds(pid, { children: true }) ?? 0), 0)]),
  );
}
