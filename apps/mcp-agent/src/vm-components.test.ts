// Unikernel components as VMs on real QEMU (TCG) next to podman containers, through the agent's RPCs: deploy,
// the merged LiveCheck, NodeStatus, stop, undeploy, and an agent restart that finds the running VM again.
import { ResultStatus } from '@mcp/proto';
import type { ServiceSpec } from '@mcp/registry';
import { BUSYBOX_INDEX_HTML, VM_INDEX_HTML, uniqueName } from '@mcp/testing';
import { randomInt } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HTTPD_ON_PORT, hostPortOf } from './deploy.fixture.js';
import type { AgentDeps } from './deps.js';
import { inMemoryClient, type AgentClient } from './rpc/in-memory-client.fixture.js';
import { agentRpcGroups } from './rpc/groups.js';
import { podmanSkipReason, qemuSkipReason, startAgentTestBed, type AgentTestBed } from './testing/agent-test-bed.js';
import { serviceSpecToProto } from './wire/spec.js';

const skipReason = (await podmanSkipReason()) ?? (await qemuSkipReason());

/** GETs / on a loopback port until it answers 2xx; a TCG guest takes seconds to boot (60 s deadline). */
async function fetchText(port: number): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/`);
      const body = await response.text();
      if (response.ok) return body;
      if (Date.now() > deadline) throw new Error(`GET / on port ${port}: HTTP ${response.status}`);
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await delay(100);
  }
}

/** Processes whose command line holds the text (a VM's id is QEMU's -uuid and its supervisor's argument). */
async function processesWith(text: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(text)) pids.push(Number(entry));
  }
  return pids;
}

describe.skipIf(skipReason !== undefined)(`unikernel components on QEMU${skipReason ? ` (${skipReason})` : ''}`, { timeout: 180_000 }, () => {
  let bed: AgentTestBed;
  let client: AgentClient;
  beforeAll(async () => {
    const first = 20000 + randomInt(0, 400) * 100;
    bed = await startAgentTestBed({ vm: true, portRange: { first, last: first + 99 } });
    client = inMemoryClient(bed.deps, agentRpcGroups);
  }, 600_000);
  afterEach(async () => {
    for (const service of bed.deps.registry.listServices()) await client.undeployService({ service: service.name });
  }, 120_000);
  afterAll(() => bed.stop());

  /**
   * A VM (the test image serving HTTP on $PORT; `acpi` makes it power off on the ACPI button, as a real guest does,
   * so a stop is graceful) and a busybox httpd container, one route each.
   */
  function mixedService(): ServiceSpec {
    const route = (port: number) => ({ name: 'http', port, mode: 'l4' as const, public: false });
    const vmImage = bed.vm?.image ?? '';
    return {
      name: uniqueName('vmsvc'),
      active: true,
      tier: 'worker',
      snapshot: { method: '', exclude: [] },
      components: [
        { name: 'vm', image: vmImage, runtime: 'unikernel', memoryMb: 128, vcpus: 1, ports: [], volumes: [], env: [], cmd: ['serve', 'acpi'], routes: [route(8443)] },
        { name: 'web', image: bed.image, runtime: 'container', vcpus: 1, ports: [], volumes: [], env: [], cmd: HTTPD_ON_PORT, routes: [route(9443)] },
      ],
    };
  }

  async function deploy(deps: AgentDeps = bed.deps): Promise<ServiceSpec> {
    const spec = mixedService();
    const response = await client.deploy({ service: serviceSpecToProto(spec), noPull: true });
    expect(response.results.map((result) => [result.name, result.status, result.error])).toEqual([
      ['vm', ResultStatus.OK, ''],
      ['web', ResultStatus.OK, ''],
    ]);
    expect(deps.registry.getService(spec.name).components.map((component) => component.observed.state)).toEqual(['running', 'running']);
    return spec;
  }

  function vmIdOf(spec: ServiceSpec): string {
    const id = bed.deps.registry.getService(spec.name).components.find((component) => component.name === 'vm')?.observed.containerId;
    if (id === undefined || id === '') throw new Error(`no recorded VM id for ${spec.name}`);
    return id;
  }

  it('deploys a unikernel component as a VM whose route answers HTTP on its host port, next to a container', async () => {
    const spec = await deploy();
    expect(await fetchText(hostPortOf(bed.deps, spec.name, 'vm'))).toBe(VM_INDEX_HTML);
    expect(await fetchText(hostPortOf(bed.deps, spec.name, 'web'))).toBe(BUSYBOX_INDEX_HTML);
  });

  it('lists the VM as a unikernel instance next to the container in LiveCheck', async () => {
    const spec = await deploy();
    const response = await client.liveCheck({ service: spec.name });
    const rows = response.instances.map((instance) => [instance.component, instance.runtime, instance.state, instance.drift]);
    expect(rows).toEqual([
      ['vm', 'unikernel', 'running', false],
      ['web', 'container', 'running', false],
    ]);
    expect(response.warnings).toEqual([]);
  });

  it('reports qemu in NodeStatus as available, with its version and the tcg accelerator', async () => {
    const response = await client.nodeStatus({});
    const qemu = response.runtimes.find((runtime) => runtime.name === 'qemu');
    expect(qemu).toMatchObject({ componentRuntime: 'unikernel', available: true, acceleration: 'tcg' });
    expect(qemu?.version).toMatch(/^\d+\.\d+/);
  });

  it('stops the VM on Stop: recorded as exited and no QEMU process left', async () => {
    const spec = await deploy();
    const id = vmIdOf(spec);
    const response = await client.stopService({ service: spec.name });
    expect(response.results.map((result) => [result.name, result.success])).toEqual([
      ['vm', true],
      ['web', true],
    ]);
    const vm = bed.deps.registry.getService(spec.name).components.find((component) => component.name === 'vm');
    expect(vm?.observed.state).toBe('exited');
    expect(await processesWith(id)).toEqual([]);
  });

  it('removes the VM on Undeploy: gone from the runtime, no QEMU process left, ports released', async () => {
    const spec = await deploy();
    const id = vmIdOf(spec);
    const response = await client.undeployService({ service: spec.name });
    expect(response.success).toBe(true);
    const left = (await bed.deps.vmRuntime?.list({ node: bed.deps.node.name })) ?? [];
    expect(left.filter((vm) => vm.service === spec.name)).toEqual([]);
    expect(await processesWith(id)).toEqual([]);
    expect(bed.deps.registry.getService(spec.name).components.flatMap((component) => component.routes.map((route) => route.hostPort))).toEqual([
      undefined,
      undefined,
    ]);
  });

  it('finds the running VM again after an agent restart, and Recover does not start a second one', async () => {
    const spec = await deploy();
    const id = vmIdOf(spec);
    const restarted = bed.reopenRegistry();
    client = inMemoryClient(restarted, agentRpcGroups);
    expect(restarted.vmRuntime).not.toBe(undefined);
    const response = await client.recover({ service: spec.name });
    expect(response.results.map((result) => [result.component, result.status, result.detail])).toEqual([
      ['vm', ResultStatus.SKIPPED, expect.stringMatching(/^already running/)],
      ['web', ResultStatus.SKIPPED, expect.stringMatching(/^already running/)],
    ]);
    const vms = (await restarted.vmRuntime?.list({ node: restarted.node.name })) ?? [];
    expect(vms.filter((vm) => vm.service === spec.name).map((vm) => [vm.id, vm.state])).toEqual([[id, 'running']]);
    expect(await fetchText(hostPortOf(restarted, spec.name, 'vm'))).toBe(VM_INDEX_HTML);
  });

  it('brings a VM that went away back on Recover, from the registry alone, on the same host port', async () => {
    const spec = await deploy();
    const port = hostPortOf(bed.deps, spec.name, 'vm');
    const name = `${spec.name}-vm`;
    // Behind the agent's back, as a host reboot would leave it: the VM is gone, the registry still wants it running.
    await bed.deps.vmRuntime?.remove(name, { force: true });
    const restarted = bed.reopenRegistry();
    client = inMemoryClient(restarted, agentRpcGroups);
    const response = await client.recover({ service: spec.name });
    const vm = response.results.find((result) => result.component === 'vm');
    expect([vm?.status, vm?.error]).toEqual([ResultStatus.OK, '']);
    expect(await fetchText(port)).toBe(VM_INDEX_HTML);
  });
});
