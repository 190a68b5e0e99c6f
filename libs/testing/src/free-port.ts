// A TCP port free on the loopback address right now, for a test to hand to something that cannot bind port 0.
import { createServer } from 'node:net';

/** Free at the time of the call; another process could take it before use, so bind soon after. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}
