// The monitor on real QEMU (TCG): a VM's QEMU killed behind the agent's back becomes a transition and one drift
// alert, and the VM started again through the agent gives a recovery alert.
import { transitionEventKind, type ServiceSpec } from '@mcp/registry';
import { uniqueName } from '@mcp/testing';
import { randomInt } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deployService } from '../deploy.js';
import { startService, undeployService } from '../lifecycle.js';
import { withServiceLock } from '../service-lock.js';
import { qemuSkipReason, startAgentTestBed, type AgentTestBed } from '../testing/agent-test-bed.js';
import { createAlertRecorder, type AlertRecord, type AlertRecorder } from './alert-recorder.fixture.js';
import { createAlertRunner } from './alert-runner.js';
import { Monitor } from './monitor.js';
import { TEST_SETTINGS, waitFor } from './monitor.fixture.js';

const skipReason = await qemuSkipReason();

/** A TCG guest takes seconds to boot or be recreated: every wait here gets a minute. */
const VM_DEADLINE_MS = 60_000;

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

describe.skipIf(skipReason !== undefined)(`monitor of a VM${skipReason ? ` (${skipReason})` : ''}`, { timeout: 240_000 }, () => {
  let bed: AgentTestBed;
  let recorder: AlertRecorder;
  const monitors: Monitor[] = [];
  const vmIds: string[] = [];
  beforeAll(async () => {
    const first = 20000 + randomInt(0, 400) * 100;
    bed = await startAgentTestBed({ vm: true, portRange: { first, last: first + 99 } });
    recorder = await createAlertRecorder(bed.dir.path);
  }, 600_000);
  afterEach(async () => {
    for (const monitor of monitors.splice(0)) await monitor.stop();
    for (const service of bed.deps.registry.listServices()) await undeployService(bed.deps, service.name);
    for (const id of vmIds.splice(0)) {
      await waitFor('no QEMU process left', async () => ((await processesWith(id)).length === 0 ? true : undefined), 30_000);
    }
  }, 120_000);
  afterAll(() => bed?.stop());

  /** The VM test image serving HTTP on $PORT; `acpi` lets a stop power it off gracefully. No restart policy. */
  function vmService(): ServiceSpec {
    return {
      name: uniqueName('monvm'),
      active: true,
      tier: 'worker',
      snapshot: { method: '', exclude: [] },
      components: [
        {
          name: 'vm',
          image: bed.vm?.image ?? '',
          runtime: 'unikernel',
          memoryMb: 128,
          vcpus: 1,
          ports: [],
          volumes: [],
          env: [],
          cmd: ['serve', 'acpi'],
          routes: [{ name: 'http', port: 8443, mode: 'l4', public: false }],
        },
      ],
    };
  }

  async function deploy(): Promise<ServiceSpec> {
    const spec = vmService();
    const outcome = await withServiceLock(bed.deps.registry, spec.name, () => deployService(bed.deps, { spec, pull: 'never' }));
    if (!outcome.success) throw new Error(`deploy failed: ${outcome.results.map((result) => result.error).join('; ')}`);
    const id = bed.deps.registry.getService(spec.name).components[0]?.observed.containerId ?? '';
    if (id === '') throw new Error(`no recorded VM id for ${spec.name}`);
    vmIds.push(id);
    return spec;
  }

  function startMonitor(): Monitor {
    const monitor = new Monitor({
      deps: bed.deps,
      settings: TEST_SETTINGS,
      alertRunner: createAlertRunner({ command: recorder.command(), timeoutMs: 10_000, environment: {} }),
    });
    monitors.push(monitor);
    monitor.start();
    return monitor;
  }

  /** SIGKILLs the VM's QEMU by the pid its supervisor wrote into the VM's state dir, as an OOM killer would. */
  async function killQemu(spec: ServiceSpec): Promise<void> {
    const pidFile = join(bed.vm?.stateDir ?? '', 'vms', `${spec.name}-vm`, 'qemu.pid');
    const pid = Number((await readFile(pidFile, 'utf8')).trim());
    if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no QEMU pid in ${pidFile}`);
    process.kill(pid, 'SIGKILL');
  }

  const alertsOf = async (service: string): Promise<AlertRecord[]> =>
    (await recorder.records()).filter((record) => record.env['MCP_SERVICE'] === service);

  it('records a killed QEMU as a transition and runs the alert command once, with the context', async () => {
    const spec = await deploy();
    const monitor = startMonitor();
    await killQemu(spec);
    const [alert] = await waitFor('the drift alert', async () => ((await alertsOf(spec.name)).length > 0 ? alertsOf(spec.name) : undefined), VM_DEADLINE_MS);
    expect(alert?.env).toMatchObject({ MCP_ALERT_KIND: 'drift', MCP_SERVICE: spec.name, MCP_COMPONENT: 'vm', MCP_DESIRED: 'running' });
    expect(alert?.env['MCP_OBSERVED']).not.toBe('running');
    const transition = bed.deps.registry
      .listEvents({ service: spec.name, component: 'vm' })
      .find((event) => event.kind === transitionEventKind && event.toState === alert?.env['MCP_OBSERVED']);
    expect(transition).toMatchObject({ fromState: 'running' });
    // More sweeps see the same drift: the cooldown keeps them quiet.
    await monitor.sweepNow();
    await monitor.sweepNow();
    await monitor.alertsDelivered();
    expect(await alertsOf(spec.name)).toHaveLength(1);
  });

  it('reports the recovery once the agent has started the VM again', async () => {
    const spec = await deploy();
    startMonitor();
    await killQemu(spec);
    await waitFor('the drift alert', async () => ((await alertsOf(spec.name)).length === 1 ? true : undefined), VM_DEADLINE_MS);
    const started = await withServiceLock(bed.deps.registry, spec.name, () => startService(bed.deps, spec.name));
    expect(started.results.map((result) => [result.name, result.error])).toEqual([['vm', '']]);
    const recreated = bed.deps.registry.getService(spec.name).components[0]?.observed.containerId ?? '';
    if (recreated !== '') vmIds.push(recreated);
    const alerts = await waitFor(
      'the recovery alert',
      async () => {
        const seen = await alertsOf(spec.name);
        return seen.length >= 2 ? seen : undefined;
      },
      VM_DEADLINE_MS,
    );
    expect(alerts.map((alert) => [alert.env['MCP_ALERT_KIND'], alert.env['MCP_OBSERVED'] === 'running'])).toEqual([
      ['drift', false],
      ['recovered', true],
    ]);
  });
});
