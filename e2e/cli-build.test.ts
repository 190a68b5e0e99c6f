// `mcp build` and deploy's build of a missing image (SPEC §5, issue 11): podman builds from [build.images] in the
// service's path under the CLI's workspace, pushes to a real registry (Debian's docker-registry,
// insecure through a registries.conf written here), and the agent pulls it from there on deploy.
import { createTempDir, ensureBusyboxImage, probeLocalRegistry, requireRuntime, startLocalRegistry, uniqueName, type LocalRegistry, type TempDir } from '@mcp/testing';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOperatorConfig } from './support/operator-config.js';
import { createTestFleet, startAgentProcess, type AgentProcess } from './support/agent-process.js';
import { podman, podmanUnavailable, startPodmanService, type PodmanService } from './support/podman.js';
import { binOf, ensureBuilt, run, type Run } from './support/programs.js';

const skip = (await podmanUnavailable()) ?? (await requireRuntime('podman', () => probeLocalRegistry()));

let dir: TempDir;
let registry: LocalRegistry;
let podmanService: PodmanService;
let agent: AgentProcess;
let configPath: string;
let registriesConf: string;
let definitionPath: string;
const service = uniqueName('built');

function mcp(...args: string[]): Promise<Run> {
  return run(process.execPath, [binOf('mcp'), '--config', configPath, ...args], {
    env: { ...process.env, HOME: dir.path, MCP_CONFIG: '', CONTAINERS_REGISTRIES_CONF: registriesConf },
  });
}

const imageOf = (tag: string): string => `${registry.address}/${service}:${tag}`;

async function registryTags(): Promise<string[]> {
  const response = await fetch(`http://${registry.address}/v2/${service}/tags/list`);
  return response.ok ? (((await response.json()) as { tags: string[] | null }).tags ?? []).sort() : [];
}

/** Writes the definition with `tag` and the page the image will serve. */
async function release(tag: string): Promise<void> {
  await writeFile(join(dir.path, 'workspace', 'src', service, 'index.html'), `release ${tag} of ${service}\n`);
  await writeFile(definitionPath, (await readFile(definitionPath, 'utf8')).replace(/^image = .*$/m, `image = "${imageOf(tag)}"`));
}

async function servedPage(): Promise<string> {
  const listed = await mcp('--direct', 'list', '--json');
  const port = /"hostPort":\s*(\d+)/.exec(listed.stdout)?.[1];
  if (port === undefined) throw new Error(`no host port in ${listed.stdout}`);
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await (await fetch(`http://127.0.0.1:${port}/`)).text();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await delay(100);
    }
  }
}

describe.skipIf(skip !== undefined)(`mcp build against a real registry${skip === undefined ? '' : ` (${skip})`}`, () => {
  beforeAll(async () => {
    dir = await createTempDir('mcp-e2e-build');
    const [base, started] = await Promise.all([ensureBusyboxImage(), startLocalRegistry(), ensureBuilt('mcp')]);
    registry = started;
    registriesConf = join(dir.path, 'registries.conf');
    await writeFile(registriesConf, `[[registry]]\nlocation = "${registry.address}"\ninsecure = true\n`);
    podmanService = await startPodmanService({ dir: dir.path, insecureRegistries: [registry.address] });
    const fleet = await createTestFleet(dir.path);
    agent = await startAgentProcess(fleet, { podmanSocket: podmanService.socketPath });

    await mkdir(join(dir.path, 'workspace', 'src', service), { recursive: true });
    await writeFile(join(dir.path, 'workspace', 'src', service, 'Containerfile.web'), `FROM ${base}\nCOPY index.html /www/index.html\n`);
    configPath = await writeOperatorConfig({
      dir: dir.path,
      operatorToken: fleet.tokens.operator,
      caCertPath: fleet.authority.certPath,
      servicesDir: join(dir.path, 'services'),
      extra: ['[build]', `workspace = "${join(dir.path, 'workspace')}"`],
      nodes: [agent],
    });
    definitionPath = join(dir.path, 'services', `${service}.toml`);
    await mkdir(join(dir.path, 'services'));
    await writeFile(
      definitionPath,
      [
        `name = "${service}"`,
        `path = 'src/${service}'`,
        '',
        '[build.images]',
        `"${service}" = "Containerfile.web"`,
        '',
        '[[components]]',
        'name = "web"',
        `image = "${imageOf('v1')}"`,
        'cmd = ["sh", "-c", "exec httpd -f -p $PORT -h /www"]',
        '',
        '[[components.routes]]',
        'port = 443',
        '',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    await run('podman', ['rm', '-f', '-t', '0', `${service}-web`, service]);
    await agent?.stop();
    await podmanService?.stop();
    await registry?.stop();
    for (const tag of ['v1', 'v2']) await run('podman', ['rmi', '-f', imageOf(tag)]);
    await dir?.remove();
  });

  it('builds from the service path, pushes, and the node pulls what was pushed', async () => {
    await release('v1');
    const built = await mcp('build', service);
    expect(built, built.stderr).toMatchObject({ exitCode: 0 });
    expect(built.stdout).toBe(`building ${imageOf('v1')}\npushing ${imageOf('v1')}\n`);
    expect(await registryTags()).toEqual(['v1']);

    // Gone from this host: the agent can only get it from the registry.
    await podman('rmi', imageOf('v1'));
    const deployed = await mcp('--direct', 'deploy', service);
    expect(deployed, deployed.stdout + deployed.stderr).toMatchObject({ exitCode: 0 });
    expect(deployed.stdout).not.toContain('building');
    expect(await servedPage()).toBe(`release v1 of ${service}\n`);
  });

  it('deploy builds and pushes an image the registry lacks first, and only then', async () => {
    await release('v2');
    const deployed = await mcp('--direct', 'deploy', service);
    expect(deployed, deployed.stdout + deployed.stderr).toMatchObject({ exitCode: 0 });
    expect(deployed.stdout).toMatch(new RegExp(`^building ${imageOf('v2')}\npushing ${imageOf('v2')}\n`));
    expect(await registryTags()).toEqual(['v1', 'v2']);
    expect(await servedPage()).toBe(`release v2 of ${service}\n`);

    const again = await mcp('--direct', 'deploy', service);
    expect(again, again.stdout + again.stderr).toMatchObject({ exitCode: 0 });
    expect(again.stdout).not.toContain('building');
  });

  it('--json reports what was built as one document', async () => {
    const built = await mcp('build', `${service}/${service}`, '--json');
    expect(built, built.stderr).toMatchObject({ exitCode: 0 });
    expect(JSON.parse(built.stdout)).toEqual({
      images: [
        {
          image: imageOf('v2'),
          components: ['web'],
          dockerfile: join(dir.path, 'workspace', 'src', service, 'Containerfile.web'),
          context: join(dir.path, 'workspace', 'src', service),
          built: true,
        },
      ],
    });
  });
});
