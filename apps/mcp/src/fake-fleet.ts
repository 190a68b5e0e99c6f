// Test scaffolding for --direct commands: fake agents (see fake-agent.ts) and a CLI sandbox whose config
// lists them, with a token file and the test CA; each test states only its agents' scripts and its argv.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createCliSandbox, type CliRun, type CliSandbox } from './cli-test-harness.js';
import { createTestPki, fakeAgentToken, startFakeAgent, type AgentScript, type FakeAgent, type TestPki } from './fake-agent.js';

export interface FakeNode {
  readonly name: string;
  readonly script?: AgentScript;
  readonly capabilities?: readonly string[];
  readonly withoutNodeStatus?: boolean;
}

export interface FleetOptions {
  /** Content of the token file; null leaves no token file. Default: the token the agents accept. */
  readonly token?: string | null;
  /** Definitions written to the services dir, by service name. */
  readonly services?: Readonly<Record<string, string>>;
}

export interface Fleet {
  readonly sandbox: CliSandbox;
  readonly agents: readonly FakeAgent[];
  readonly configPath: string;
  readonly tokenPath: string;
  readonly servicesDir: string;
  agent(name: string): FakeAgent;
  /** `mcp --config <config> --direct <argv…>`. */
  mcp(...argv: string[]): Promise<CliRun>;
  /** The same with the clock fixed at `now`. */
  mcpAt(now: Date, ...argv: string[]): Promise<CliRun>;
}

export interface FakeFleet {
  start(nodes: readonly FakeNode[], options?: FleetOptions): Promise<Fleet>;
}

/** Registers the hooks (one CA per file, agents and sandboxes closed after each test). */
export function useFakeFleet(): FakeFleet {
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
    async start(nodes, options = {}) {
      if (pki === undefined) throw new Error('useFakeFleet: the CA is made in beforeAll');
      const ready = pki;
      const agents = await Promise.all(nodes.map((node) => startFakeAgent({ pki: ready, ...node })));
      const sandbox = await createCliSandbox();
      cleanups.push(async () => {
        await Promise.all(agents.map((agent) => agent.close()));
        await sandbox.remove();
      });
      return writeFleet(sandbox, agents, ready, options);
    },
  };
}

async function writeFleet(sandbox: CliSandbox, agents: readonly FakeAgent[], pki: TestPki, options: FleetOptions): Promise<Fleet> {
  const tokenPath = join(sandbox.root, 'token');
  const servicesDir = join(sandbox.root, 'services');
  if (options.token !== null) await sandbox.write(tokenPath, `${options.token ?? fakeAgentToken}\n`);
  for (const [name, text] of Object.entries(options.services ?? {})) await sandbox.write(join(servicesDir, `${name}.toml`), text);
  const nodes = agents.map((agent) => `[[nodes]]\nname = "${agent.name}"\naddress = "${agent.address}"\n`).join('');
  const configPath = await sandbox.write(
    'mcp.toml',
    `[services]\ndir = "services"\n[auth]\ntoken_path = "token"\n[tls]\nca_cert = "${pki.caPath}"\n${nodes}`,
  );
  const run = (now: Date | undefined, argv: readonly string[]) =>
    sandbox.run(['--config', configPath, '--direct', ...argv], {}, now === undefined ? undefined : () => now);
  return {
    sandbox,
    agents,
    configPath,
    tokenPath,
    servicesDir,
    agent: (name) => {
      const found = agents.find((agent) => agent.name === name);
      if (found === undefined) throw new Error(`no fake agent named ${name}`);
      return found;
    },
    mcp: (...argv) => run(undefined, argv),
    mcpAt: (now, ...argv) => run(now, argv),
  };
}
