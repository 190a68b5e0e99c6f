// Test scaffolding for commands that go through mcp-master: a fake master (fake-master.ts), optional fake agents it
// lists in ListNodes (fake-agent.ts), and a CLI sandbox whose config names the master, a token file and the test CA.
import { create } from '@bufbuild/protobuf';
import { ListNodesResponseSchema } from '@mcp/proto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createCliSandbox, type CliRun, type CliSandbox } from './cli-test-harness.js';
import { createTestPki, fakeAgentToken, startFakeAgent, type FakeAgent, type TestPki } from './fake-agent.js';
import type { FakeNode } from './fake-fleet.js';
import { startFakeMaster, type FakeMaster, type MasterScript } from './fake-master.js';

export interface MasterFleetOptions {
  /** The master's script; ListNodes defaults to the fake agents (role worker, healthy). */
  readonly master?: MasterScript;
  /** Fake agents the master's default ListNodes names. */
  readonly agents?: readonly FakeNode[];
  /** Definitions written to the services dir, by service name. */
  readonly services?: Readonly<Record<string, string>>;
}

export interface MasterFleet {
  readonly sandbox: CliSandbox;
  readonly master: FakeMaster;
  readonly servicesDir: string;
  readonly configPath: string;
  agent(name: string): FakeAgent;
  /** `mcp --config <config> <argv…>` (through the master: no --direct). */
  mcp(...argv: string[]): Promise<CliRun>;
}

export interface FakeMasterBed {
  start(options?: MasterFleetOptions): Promise<MasterFleet>;
}

/** Registers the hooks (one CA per file; master, agents and sandbox closed after each test). */
export function useFakeMaster(): FakeMasterBed {
  let pkiRoot = '';
  let pki: TestPki | undefined;
  const cleanups: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    pkiRoot = await mkdtemp(join(tmpdir(), 'mcp-cli-pki-'));
    pki = await createTestPki(pkiRoot);
  });
  afterEach(async () => {
    await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
  });
  afterAll(() => rm(pkiRoot, { recursive: true, force: true }));
  return {
    async start(options = {}) {
      if (pki === undefined) throw new Error('useFakeMaster: the CA is made in beforeAll');
      const ready = pki;
      const agents = await Promise.all((options.agents ?? []).map((node) => startFakeAgent({ pki: ready, ...node })));
      const listNodes = () =>
        create(ListNodesResponseSchema, {
          nodes: agents.map((agent) => ({ name: agent.name, address: agent.address, role: 'worker', status: 'healthy' })),
        });
      const master = await startFakeMaster({ pki: ready, script: { listNodes, ...options.master } });
      const sandbox = await createCliSandbox();
      cleanups.push(async () => {
        await Promise.all([master.close(), ...agents.map((agent) => agent.close())]);
        await sandbox.remove();
      });
      const servicesDir = join(sandbox.root, 'services');
      await sandbox.write(join(sandbox.root, 'token'), `${fakeAgentToken}\n`);
      for (const [name, text] of Object.entries(options.services ?? {})) await sandbox.write(join(servicesDir, `${name}.toml`), text);
      const configPath = await sandbox.write(
        'mcp.toml',
        `[services]\ndir = "services"\n[master]\naddress = "${master.address}"\n[auth]\ntoken_path = "token"\n[tls]\nca_cert = "${ready.caPath}"\n`,
      );
      return {
        sandbox,
        master,
        servicesDir,
        configPath,
        agent: (name) => {
          const found = agents.find((agent) => agent.name === name);
          if (found === undefined) throw new Error(`no fake agent named ${name}`);
          return found;
        },
        mcp: (...argv) => sandbox.run(['--config', configPath, ...argv]),
      };
    },
  };
}
