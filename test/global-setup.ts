// Runs once before the suite: fails fast, with a clear message, when a service is not up.
// (Databases are created and migrated by scripts/test.sh before vitest starts.)
import net from 'node:net';
import { loadConfig } from '../lib/config';

function reachable(address: string, defaultPort: number): Promise<boolean> {
  const url = new URL(address.includes('://') ? address : `tcp://${address}`);
  return new Promise((resolve) => {
    const socket = net.connect({ host: url.hostname, port: Number(url.port || defaultPort), timeout: 2000 }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
    socket.on('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

export default async function setup(): Promise<void> {
  const config = loadConfig();
  const services: Array<[string, string, number]> = [
    ['PostgreSQL', config.DATABASE_URL, 5432],
    ['Redis', config.REDIS_URL, 6379],
    ['Temporal', config.TEMPORAL_ADDRESS, 7233],
  ];
  for (const [name, address, port] of services) {
    if (!(await reachable(address, port))) {
      throw new Error(`${name} is not reachable: run "bash scripts/services.sh up" (or ./scripts/test.sh, which does) first`);
    }
  }
}
