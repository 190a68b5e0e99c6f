// mcp-master as an operator starts it: a real process from main.ts (through tsx), its config from a dev
// fleet home, its log on stdout, an agent registering over gRPC, and SIGTERM.
import { createClient } from '@connectrpc/connect';
import { mintFleetTokens, writeMasterHome } from '@mcp/dev-fleet';
import { McpMasterService } from '@mcp/proto';
import { createGrpcClientTransport } from '@mcp/rpc';
import { clientTlsOptions, createCertificateAuthority, issueCertificate } from '@mcp/tls';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const mainPath = fileURLToPath(new URL('./main.ts', import.meta.url));

/** Log lines the process wrote so far, parsed. */
function logLines(output: string[]): Record<string, unknown>[] {
  return output
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Polls until a log line matches, or fails after the deadline with what was written. */
async function waitForLine(output: string[], message: string, deadlineMs = 30_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const line = logLines(output).find((entry) => entry['msg'] === message);
    if (line !== undefined) return line;
    if (Date.now() > deadline) throw new Error(`no "${message}" line; the process wrote:\n${output.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the mcp-master process', () => {
  let child: ChildProcess | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    if (child !== undefined && child.exitCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('logs "master ready" with its pid and node, serves agents, and stops on SIGTERM', async () => {
    dir = await mkdtemp(join(tmpdir(), 'mcp-master-process-'));
    const authority = await createCertificateAuthority({ dir: join(dir, 'ca'), commonName: 'test CA' });
    const tokenFile = join(dir, 'tokens.toml');
    const tokens = await mintFleetTokens({ tokenFile, operator: 'operator', nodes: ['orion'] });
    const home = await writeMasterHome({
      dir: join(dir, 'master'),
      node: 'rift',
      host: '127.0.0.1',
      port: 0,
      authority,
      tokenFile,
      masterToken: tokens.master,
      allowNodes: ['orion'],
    });
    const output: string[] = [];
    child = spawn(process.execPath, ['--import', tsx, mainPath, '--config', home.configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));

    const ready = await waitForLine(output, 'master ready');
    expect(ready).toMatchObject({ pid: child.pid, node: 'rift', address: expect.stringMatching(/^127\.0\.0\.1:\d+$/) });

    // The agent presents its own certificate (mutual TLS): its token alone would be refused.
    const orion = await issueCertificate({ authority, dir: join(dir, 'orion'), name: 'orion', commonName: 'agent-orion', altNames: ['localhost'], usage: 'client' });
    const tls = await clientTlsOptions({ caPath: authority.certPath, certPath: orion.chainPath, keyPath: orion.keyPath });
    const master = createClient(
      McpMasterService,
      createGrpcClientTransport({ address: String(ready['address']), tls, token: () => tokens.agents['orion'] ?? '' }),
    );
    expect((await master.register({ name: 'orion', role: 'worker', address: '127.0.0.5:9444' })).accepted).toBe(true);

    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(logLines(output).map((line) => line['msg'])).toContain('master stopping');
  });

  it('exits with a message naming the file when the config is missing', async () => {
    const output: string[] = [];
    child = spawn(process.execPath, ['--import', tsx, mainPath, '--config', '/nonexistent/master.toml'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(output.join('')).toBe('mcp-master: /nonexistent/master.toml: file not found; expected a readable TOML config file\n');
  });
});
