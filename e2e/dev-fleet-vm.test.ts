// A fresh dev fleet as an operator of the Go MCP meets it: a service of a locally built `localhost/` image deploys
// through the master without --no-pull (the node has the image, so nothing is pulled) and serves; a unikernel
// service deploys through the master onto the TCG-only worker (real QEMU) and serves on its route's host port; the
// platform's real definition shapes (examples/platform-shapes: `path = '../mcq'`, node with tier, a unikernel with a
// volume) validate and deploy, and a file put into the VM service's /srv/<service>/ is read inside the VM over 9p.
import { VM_INDEX_HTML, createTempDir, ensureBusyboxImage, ensureVmTestImage, uniqueName, type TempDir } from '@mcp/testing';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { podmanUnavailable } from './support/podman.js';
import { binOf, ensureBuilt, repo, run, type Run } from './support/programs.js';
import { holdQemuTestLock, httpBody, qemuUnavailable } from './support/vm-guests.js';

const skip = (await podmanUnavailable()) ?? (await qemuUnavailable());

let dir: TempDir;
let fleetDir: string;
let releaseLock: () => void = () => undefined;
const web = uniqueName('localweb');
const vm = uniqueName('vmweb');
const mcq = uniqueName('mcq');
const vmdata = uniqueName('vmdata');

/** A file of examples/platform-shapes under a unique service name; `edit` adapts it to this fleet. */
async function platformShape(shape: 'mcq' | 'vmdata', name: string, edit: (text: string) => string = (text) => text): Promise<void> {
  const text = await readFile(join(repo, 'examples/platform-shapes', `${shape}.toml`), 'utf8');
  const renamed = text.replaceAll(`name = '${shape}'`, `name = '${name}'`).replaceAll(`name = "${shape}"`, `name = "${name}"`);
  await writeFile(join(fleetDir, 'services', `${name}.toml`), edit(renamed));
}

function mcp(...args: string[]): Promise<Run> {
  return run(process.execPath, [binOf('mcp'), ...args], {
    env: { ...process.env, HOME: dir.path, MCP_CONFIG: join(fleetDir, 'mcp.toml') },
    timeoutMs: 180_000,
  });
}

/** The host port of the service's first route, from the master's Status. */
async function hostPortOf(service: string): Promise<number> {
  const status = await mcp('status', service, '--json');
  expect(status.exitCode, status.stderr).toBe(0);
  const answer = JSON.parse(status.stdout) as { response: { services: { components: { routes: { hostPort: number }[] }[] }[] } };
  return answer.response.services[0]?.components[0]?.routes[0]?.hostPort ?? 0;
}

beforeAll(async () => {
  if (skip !== undefined) return;
  releaseLock = await holdQemuTestLock();
  dir = await createTempDir('mcp-e2e-dev-fleet-vm');
  fleetDir = join(dir.path, 'fleet');
  const [image, vmImage] = await Promise.all([
    ensureBusyboxImage(),
    ensureVmTestImage(),
    ensureBuilt('mcp'),
    ensureBuilt('mcp-master'),
    ensureBuilt('mcp-agent'),
  ]);
  const up = await mcp('dev', 'up', '--dir', fleetDir);
  if (up.exitCode !== 0) throw new Error(`mcp dev up failed (exit ${up.exitCode}):\n${up.stdout}${up.stderr}`);
  const services = join(fleetDir, 'services');
  await writeFile(
    join(services, `${web}.toml`),
    [`name = '${web}'`, '[[components]]', "name = 'web'", `image = '${image}'`, `cmd = ["sh", "-c", "exec httpd -f -p $PORT -h /www"]`, '[[components.routes]]', 'port = 8443', ''].join('\n'),
  );
  await writeFile(
    join(services, `${vm}.toml`),
    [`name = '${vm}'`, '[[components]]', `name = '${vm}'`, "runtime = 'unikernel'", `image = '${vmImage}'`, 'memory = 128', 'cmd = ["serve", "acpi"]', '[[components.routes]]', 'port = 443', ''].join('\n'),
  );
}, 600_000);

afterAll(async () => {
  try {
    if (skip !== undefined) return;
    for (const service of [vm, web, mcq, vmdata]) await mcp('undeploy', service);
    await mcp('dev', 'down', '--dir', fleetDir);
    await run('podman', ['rm', '-f', '-t', '0', `${web}-web`, web, mcq]);
    await dir?.remove();
  } finally {
    releaseLock();
  }
}, 300_000);

describe.skipIf(skip !== undefined)(`a dev fleet with local images and a TCG-only worker${skip === undefined ? '' : ` (${skip})`}`, () => {
  it('deploys a service of a local localhost/ image through the master without --no-pull, and it serves', async () => {
    const deployed = await mcp('deploy', web);
    expect(deployed.exitCode, deployed.stdout + deployed.stderr).toBe(0);
    expect(deployed.stdout).toMatch(/^ {6}pull: skipped \(image localhost\/\S+ is present/m);
    expect(await httpBody(await hostPortOf(web))).toContain('hello from mcp busybox');
  });

  it('records no placement for a first deploy whose image the node lacks, so ps does not list it', async () => {
    const missing = uniqueName('nopull');
    await writeFile(
      join(fleetDir, 'services', `${missing}.toml`),
      [`name = '${missing}'`, '[[components]]', "name = 'web'", `image = 'localhost/${uniqueName('absent')}:v1'`, ''].join('\n'),
    );
    const deployed = await mcp('deploy', missing);
    expect(deployed.exitCode, deployed.stdout + deployed.stderr).toBe(1);
    expect(deployed.stdout).toMatch(/^ {2}record: skipped \(nothing recorded: node worker \(\S+\) changed nothing\)$/m);
    const ps = await mcp('ps');
    expect(ps.exitCode, ps.stderr).toBe(0);
    expect(ps.stdout).not.toContain(missing);
  });

  it('deploys a unikernel service through the master onto the TCG-only worker, where it serves on its route port', async () => {
    const deployed = await mcp('deploy', vm);
    expect(deployed.exitCode, deployed.stdout + deployed.stderr).toBe(0);
    expect(deployed.stdout).toMatch(/^ {2}place: ok \(node worker: .*runs VMs under TCG/m);
    expect(await httpBody(await hostPortOf(vm))).toBe(VM_INDEX_HTML);
    const ps = await mcp('ps');
    expect(ps.stdout).toMatch(new RegExp(`^${vm}\\s+${vm}\\s+worker\\s+running\\s`, 'm'));
  });

  it('validates the platform shapes, warning that node wins over tier, and deploys the pinned one onto its node', async () => {
    await platformShape('mcq', mcq);
    const validated = await mcp('validate', mcq);
    expect(validated.exitCode, validated.stdout + validated.stderr).toBe(0);
    expect(validated.stderr).toContain('tier: set together with node; node wins: the service is pinned to node worker');
    const deployed = await mcp('deploy', mcq);
    expect(deployed.exitCode, deployed.stdout + deployed.stderr).toBe(0);
    expect(deployed.stdout).toMatch(/^ {2}place: ok \(node worker: service \S+ is pinned to node worker\)$/m);
    expect(await httpBody(await hostPortOf(mcq))).toContain('hello from mcp busybox');
  });

  it('shares a unikernel volume with the VM: a file put into /srv/<service>/ on its node is read inside the VM', async () => {
    const filesRoot = join(fleetDir, 'worker', 'srv');
    await platformShape('vmdata', vmdata, (text) => text.replace('/srv/vmdata:', `${filesRoot}/${vmdata}:`));
    await mkdir(join(filesRoot, vmdata), { recursive: true });
    const deployed = await mcp('deploy', vmdata);
    expect(deployed.exitCode, deployed.stdout + deployed.stderr).toBe(0);
    const port = await hostPortOf(vmdata);
    expect(await httpBody(port)).toBe(VM_INDEX_HTML);
    // Written after the VM booted: the guest reads the node's directory itself, not a copy taken at start.
    await writeFile(join(filesRoot, vmdata, 'note.txt'), 'written on the node\n');
    const response = await fetch(`http://127.0.0.1:${port}/data/note.txt`);
    expect([response.status, await response.text()]).toEqual([200, 'written on the node\n']);
  });
});
