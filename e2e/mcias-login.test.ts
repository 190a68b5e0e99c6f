// `mcp login` against MCIAS, then used: the built CLI asks a stand-in for MCIAS (libs/testing's mcias-stand-in, the
// contract of docs/mcias.md over real HTTPS; no MCIAS runs here) for a token with a username and a password read
// from stdin, stores it 0600, and the built master accepts it by asking the same MCIAS.
import { startMciasStandIn, createTempDir, uniqueNode, type McIasStandIn, type TempDir } from '@mcp/testing';
import { issueCertificate } from '@mcp/tls';
import { spawn } from 'node:child_process';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestFleet, type TestFleet } from './support/agent-process.js';
import { startMasterProcess, type MasterProcess } from './support/master-process.js';
import { binOf, ensureBuilt } from './support/programs.js';

let dir: TempDir;
let fleet: TestFleet;
let mcias: McIasStandIn;
let master: MasterProcess;
let configPath: string;
let tokenPath: string;

beforeAll(async () => {
  dir = await createTempDir('mcp-e2e-mcias');
  fleet = await createTestFleet(dir.path, [uniqueNode()]);
  const leaf = await issueCertificate({ authority: fleet.authority, dir: join(dir.path, 'mcias'), name: 'mcias', commonName: 'mcias', altNames: ['127.0.0.1'] });
  mcias = await startMciasStandIn({
    certPath: leaf.chainPath,
    keyPath: leaf.keyPath,
    users: { alice: { password: 'correct horse battery', accountType: 'human', roles: ['admin'] } },
  });
  await ensureBuilt('mcp');
  master = await startMasterProcess({
    dir: dir.path,
    node: uniqueNode(),
    credentials: fleet,
    allowNodes: [],
    mcias: { url: mcias.url, caPath: fleet.authority.certPath },
  });
  tokenPath = join(dir.path, 'cli', 'token');
  configPath = join(dir.path, 'mcp.toml');
  await writeFile(
    configPath,
    [
      '[master]', `address = "${master.address}"`, '',
      '[auth]', `token_path = "${tokenPath}"`, '',
      '[tls]', `ca_cert = "${fleet.authority.certPath}"`, '',
      '[mcias]', `server_url = "${mcias.url}"`, '',
    ].join('\n'),
  );
});

afterAll(async () => {
  await master?.stop();
  await mcias?.close();
  await dir?.remove();
});

/** Runs the built `mcp` with `input` on its stdin (a pipe, not a terminal). */
function mcp(args: readonly string[], input = ''): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binOf('mcp'), ...args], { env: { ...process.env, MCP_CONFIG: configPath }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ exitCode: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('mcp login with MCIAS', () => {
  it('refuses a wrong password and stores nothing', async () => {
    const result = await mcp(['login'], 'alice\nnot the password\n');
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('MCIAS refused the login of alice: invalid username or password');
    expect(result.stderr).not.toContain('not the password');
    await expect(stat(tokenPath)).rejects.toThrow(/ENOENT/);
  });

  it('stores the token owner-only, and the master accepts it through MCIAS', async () => {
    const login = await mcp(['login'], 'alice\ncorrect horse battery\n');
    expect(login.stderr).not.toContain('correct horse battery');
    expect(login).toMatchObject({ exitCode: 0, stdout: expect.stringContaining(`logged in as alice; token stored at ${tokenPath}`) });
    expect((await stat(tokenPath)).mode & 0o777).toBe(0o600);
    const listed = await mcp(['node', 'list']);
    expect(listed.stderr).toBe('');
    expect(listed.exitCode).toBe(0);
    // The audit file is written asynchronously: poll for the line.
    let audited: Record<string, unknown> | undefined;
    for (let attempt = 0; attempt < 100 && audited === undefined; attempt += 1) {
      audited = (await master.auditLines()).find((line) => line['rpc'] === '/mcp.v1.McpMasterService/ListNodes' && line['caller'] === 'alice');
      if (audited === undefined) await delay(50);
    }
    expect(audited).toMatchObject({ decision: 'accepted', outcome: 'ok' });
  });
});
