// freeLoopbackPort gives a port that can be bound.
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freeLoopbackPort } from './free-port.js';

describe('freeLoopbackPort', () => {
  it('gives a port that can then be bound on 127.0.0.1', async () => {
    const port = await freeLoopbackPort();
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    expect(port).toBeGreaterThan(0);
    await new Promise((resolve) => server.close(resolve));
  });
});
