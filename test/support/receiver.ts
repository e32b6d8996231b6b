// The client's end of a simulator's callbacks in tests: a tiny HTTP server on a free port that hands
// each request's body to `handle` for the status to answer, or answers 503 while `failing.on` is true
// (a client that is down, so the simulator must retry).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Receiver {
  url: string;
  failing: { on: boolean };
  close(): Promise<void>;
}

export async function startReceiver(path: string, handle: (req: http.IncomingMessage, body: string) => number): Promise<Receiver> {
  const failing = { on: false };
  const server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (chunk: Buffer) => (data += chunk.toString()));
    req.on('end', () => {
      if (failing.on) return void res.writeHead(503).end();
      res.writeHead(handle(req, data)).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}${path}`, failing, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
