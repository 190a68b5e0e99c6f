// `mcp --direct route add --mode l7` against the built mcp-agent driving a real HAProxy, with its certificate from a
// real Pebble (EAB required) through the agent's own http-01 responder: the route really is l7 (SPEC §10, failure 5).
import { startPebble, type Pebble } from '@mcp/acme/testing';
import { fetchThrough, startPlainBackend, type TestBackend } from '@mcp/proxy/testing';
import { createTempDir, freeLoopbackPort, type TempDir } from '@mcp/testing';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOperatorConfig } from './support/operator-config.js';
import { createTestFleet, startAgentProcess, type AgentProcess, type TestFleet } from './support/agent-process.js';
import { binOf, ensureBuilt, run, type Run } from './support/programs.js';

let dir: TempDir;
let fleet: TestFleet;
let agent: AgentProcess | undefined;
let pebble: Pebble | undefined;
let backend: TestBackend | undefined;
let configPath: string;
let listener: number;

function mcp(...args: string[]): Promise<Run> {
  return run(process.execPath, [binOf('mcp'), '--config', configPath, '--direct', ...args], { env: { ...process.env, HOME: dir.path, MCP_CONFIG: '' } });
}

beforeAll(async () => {
  dir = await createTempDir('mcp-e2e-proxy');
  fleet = await createTestFleet(dir.path);
  const http01 = await freeLoopbackPort();
  pebble = await startPebble({
    dir: join(dir.path, 'pebble'),
    ports: { acme: await freeLoopbackPort(), management: await freeLoopbackPort(), dns: await freeLoopbackPort() },
    httpPort: http01,
    resolveTo: '127.0.0.1',
  });
  const files = { eab: join(dir.path, 'eab.key'), root: join(dir.path, 'acme-root.pem'), listenerCa: join(dir.path, 'pebble-listener-ca.pem') };
  await writeFile(files.eab, `${pebble.eab.hmacKey}\n`, { mode: 0o600 });
  await writeFile(files.root, await pebble.rootPem());
  await writeFile(files.listenerCa, pebble.listenerCaPem);
  const [started] = await Promise.all([
    startAgentProcess(fleet, {
      extraConfig: [
        '[proxy]',
        'driver = "haproxy"',
        'stop_with_agent = true',
        '[acme]',
        `directory_url = "${pebble.directoryUrl}"`,
        `eab_kid = "${pebble.eab.kid}"`,
        `eab_hmac_key_file = "${files.eab}"`,
        `ca_bundle = "${files.root}"`,
        `directory_ca = "${files.listenerCa}"`,
        `http01_listen = "127.0.0.1:${http01}"`,
      ].join('\n'),
    }),
    ensureBuilt('mcp'),
  ]);
  agent = started;
  backend = await startPlainBackend('e2e-backend');
  listener = await freeLoopbackPort();
  configPath = await writeOperatorConfig({ dir: dir.path, operatorToken: fleet.tokens.operator, caCertPath: fleet.authority.certPath, nodes: [agent] });
}, 180_000);

afterAll(async () => {
  await agent?.stop();
  await backend?.close();
  await pebble?.stop();
  await dir?.remove();
});

describe('mcp route add --mode l7 through the built programs', { timeout: 120_000 }, () => {
  it('creates an l7 route: HAProxy terminates TLS with the CA\'s certificate and forwards plain HTTP', async () => {
    if (pebble === undefined || backend === undefined) throw new Error('set-up failed');
    const added = await mcp('route', 'add', 'web.e2e.test', `127.0.0.1:${backend.port}`, '--mode', 'l7', '--port', String(listener));
    expect([added.exitCode, added.stderr]).toEqual([0, '']);
    expect(added.stdout).toContain(`    l7 web.e2e.test → 127.0.0.1:${backend.port}`);
    const answer = await fetchThrough({ address: '127.0.0.1', port: listener, hostname: 'web.e2e.test', caPem: await pebble.rootPem() });
    expect([answer.status, answer.body]).toEqual([200, 'e2e-backend web.e2e.test']);

    const listed = await mcp('route', 'list');
    expect(listed.exitCode).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^NODE: ${agent?.node}\\n  proxy: haproxy 2\\.6`));
    expect(listed.stdout).toContain(`  :${listener}  routes=1  active=`);
    expect(listed.stdout).toContain(`    l7 web.e2e.test → 127.0.0.1:${backend.port}\n`);

    const removed = await mcp('route', 'remove', 'web.e2e.test', '--port', String(listener));
    expect(removed.exitCode).toBe(0);
    await expect(fetchThrough({ address: '127.0.0.1', port: listener, hostname: 'web.e2e.test', caPem: await pebble.rootPem() })).rejects.toThrow();
  });
});
