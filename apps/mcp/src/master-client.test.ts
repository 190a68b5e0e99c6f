import { create } from '@bufbuild/protobuf';
import { ListNodesResponseSchema } from '@mcp/proto';
import { createCertificateAuthority } from '@mcp/tls';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useFakeMaster } from './fake-master-fleet.js';

const bed = useFakeMaster();

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

describe('calls to the master', () => {
  it('exits 1 naming the master and suggesting --direct when nothing answers at its address', async () => {
    const f = await bed.start();
    const port = await closedPort();
    const config = await f.sandbox.write('down.toml', `[master]\naddress = "127.0.0.1:${port}"\n[auth]\ntoken_path = "token"\n`);
    const { exitCode, stderr } = await f.sandbox.run(['--config', config, 'node', 'list']);
    expect([exitCode, stderr]).toEqual([
      1,
      expect.stringMatching(new RegExp(`^mcp: ListNodes through mcp-master \\(127\\.0\\.0\\.1:${port}\\) failed: .*; if the master itself is down, --direct talks to the agents of \\[\\[nodes\\]\\]\\n$`)),
    ]);
  });

  it('exits 2 saying to log in again when the master refuses the token', async () => {
    const f = await bed.start({ master: { listNodes: () => create(ListNodesResponseSchema, {}) } });
    await f.sandbox.write(join(f.sandbox.root, 'token'), 'stale-token\n');
    const { exitCode, stderr } = await f.mcp('node', 'list');
    expect([exitCode, stderr]).toEqual([
      2,
      `mcp: mcp-master (${f.master.address}) refused the token for ListNodes: invalid or expired token; run "mcp login" for a fresh token\n`,
    ]);
  });

  it('exits 1 saying the master\'s certificate does not verify when it is signed by another CA', async () => {
    const f = await bed.start();
    const other = await createCertificateAuthority({ dir: join(f.sandbox.root, 'other-ca'), commonName: 'another CA' });
    const config = await f.sandbox.write(
      'foreign.toml',
      `[master]\naddress = "${f.master.address}"\n[auth]\ntoken_path = "token"\n[tls]\nca_cert = "${other.certPath}"\n`,
    );
    const { exitCode, stderr } = await f.sandbox.run(['--config', config, 'node', 'list']);
    expect([exitCode, stderr]).toEqual([1, expect.stringContaining(`mcp: mcp-master (${f.master.address}): its certificate does not verify against the configured CA`)]);
  });
});
