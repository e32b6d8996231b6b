// Runs once before the suite. Databases are migrated by scripts/test.sh before vitest starts;
// this only fails fast, with a clear message, when the services are not up.
import net from 'node:net';

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 2000 }, () => { socket.end(); resolve(true); });
    socket.on('error', () => resolve(false));
    socket.on('timeout', () => { socket.destroy(); resolve(false); });
  });
}

export default async function setup(): Promise<void> {
  const checks: Array<[string, string, number]> = [
    ['PostgreSQL', '127.0.0.1', 5432],
    ['Redis', '127.0.0.1', 6379],
  ];
  for (const [name, host, port] of checks) {
    if (!(await reachable(host, port))) {
      throw new Error(`${name} is not reachable at ${host}:${port}: run "bash scripts/services.sh up" (or the README's test command) first`);
    }
  }
}
