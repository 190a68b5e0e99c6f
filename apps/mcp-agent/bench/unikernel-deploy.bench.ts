// Unikernel deploy-to-serving time on real QEMU: the agent's deployService (in this process, real QEMU runtime)
// against a bare `qemu-system-x86_64` boot of the same kernel, initrd and command line, each until its first HTTP answer.
import type { ServiceSpec } from '@mcp/registry';
import { comparisonLines, createCleanupStack, freeLoopbackPort, headerLine, interleaved, summarize, summaryLine, uniqueName } from '@mcp/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { deployService } from '../src/deploy.js';
import { undeployService } from '../src/lifecycle.js';
import { withServiceLock } from '../src/service-lock.js';
import { qemuSkipReason, startAgentTestBed, type AgentTestBed } from '../src/testing/agent-test-bed.js';

const WARM_UPS = 1;
const ROUNDS = 5;
const TARGET_RATIO = 1.2;
const MEMORY_MB = 128;
const GUEST_PORT = 8443;
const SERVING_DEADLINE_MS = 120_000;

/** What the QEMU runtime recorded for the VM (vms/<name>/vm.json): enough to boot the same guest by hand. */
interface VmBoot {
  readonly kernel: string;
  readonly initrd: string | undefined;
  readonly cmdline: string;
  readonly acceleration: string;
  readonly guestPort: number;
}

const cleanups = createCleanupStack();
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${signal}: cleaning up`);
    void cleanups.run().finally(() => process.exit(130));
  });
}

/** Polls GET / until it answers 2xx; slirp accepts the connection before the guest listens, so failures are expected. */
async function untilServing(port: number): Promise<void> {
  const deadline = Date.now() + SERVING_DEADLINE_MS;
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not serving yet
    }
    if (Date.now() > deadline) throw new Error(`nothing served HTTP on port ${port} within ${SERVING_DEADLINE_MS} ms`);
    await delay(10);
  }
}

function vmService(bed: AgentTestBed): ServiceSpec {
  return {
    name: uniqueName('bench-vm'),
    active: true,
    tier: 'worker',
    snapshot: { method: '', exclude: [] },
    components: [
      {
        name: 'vm',
        image: bed.vm?.image ?? '',
        runtime: 'unikernel',
        memoryMb: MEMORY_MB,
        vcpus: 1,
        ports: [],
        volumes: [],
        env: [],
        cmd: ['serve', 'acpi'],
        routes: [{ name: 'http', port: GUEST_PORT, mode: 'l4', public: false }],
      },
    ],
  };
}

async function deploy(bed: AgentTestBed, spec: ServiceSpec): Promise<number> {
  const outcome = await withServiceLock(bed.deps.registry, spec.name, () => deployService(bed.deps, { spec, pull: 'never' }));
  if (!outcome.success) throw new Error(`deploy of ${spec.name} failed: ${outcome.results.map((result) => result.error).join('; ')}`);
  const hostPort = bed.deps.registry.getService(spec.name).components[0]?.routes[0]?.hostPort;
  if (hostPort === undefined) throw new Error(`${spec.name} got no host port`);
  return hostPort;
}

async function undeploy(bed: AgentTestBed, name: string): Promise<void> {
  const outcome = await withServiceLock(bed.deps.registry, name, () => undeployService(bed.deps, name));
  if (!outcome.success) throw new Error(`undeploy of ${name} failed`);
}

/** Reads the runtime's record of a deployed VM and the boot files it cached under images/<image id>/boot. */
async function readVmBoot(stateDir: string, vmName: string): Promise<VmBoot> {
  const record = JSON.parse(await readFile(join(stateDir, 'vms', vmName, 'vm.json'), 'utf8')) as {
    imageId: string;
    acceleration: string;
    kernelCmdline?: string;
    settings: { ports?: { containerPort: number }[] };
  };
  const boot = join(stateDir, 'images', record.imageId, 'boot');
  const files = await readdir(boot);
  const kernel = files.find((name) => name === 'vmlinux') ?? files.find((name) => name === 'vmlinuz');
  if (kernel === undefined || record.kernelCmdline === undefined) throw new Error(`${vmName} does not boot a kernel from ${boot}`);
  return {
    kernel: join(boot, kernel),
    initrd: files.includes('initrd.img') ? join(boot, 'initrd.img') : undefined,
    cmdline: record.kernelCmdline,
    acceleration: record.acceleration,
    guestPort: record.settings.ports?.[0]?.containerPort ?? GUEST_PORT,
  };
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** The same guest as the runtime boots it, minus the runtime's extras (QMP socket, supervisor, fw_cfg env). */
async function bareBoot(vm: VmBoot, cwd: string, live: Set<ChildProcess>): Promise<number> {
  const port = await freeLoopbackPort();
  const args = [
    '-accel', vm.acceleration, ...(vm.acceleration === 'kvm' ? ['-cpu', 'host'] : []),
    '-m', String(MEMORY_MB), '-smp', '1', '-nodefaults', '-no-user-config', '-display', 'none', '-no-reboot',
    '-serial', 'file:console.log',
    '-nic', `user,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:${port}-:${vm.guestPort}`,
    '-kernel', vm.kernel, ...(vm.initrd === undefined ? [] : ['-initrd', vm.initrd]), '-append', vm.cmdline,
  ];
  const start = performance.now();
  const child = spawn('qemu-system-x86_64', args, { cwd, stdio: 'ignore' });
  live.add(child);
  try {
    const failed = new Promise<never>((_, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`qemu-system-x86_64 exited early (code ${code})`)));
    });
    await Promise.race([untilServing(port), failed]);
    return performance.now() - start;
  } finally {
    await stopProcess(child);
    live.delete(child);
  }
}

async function main(): Promise<void> {
  const skip = await qemuSkipReason();
  if (skip !== undefined) {
    console.log(`unikernel-deploy bench skipped: ${skip}`);
    return;
  }
  const startedMs = performance.now();
  const first = 20000 + randomInt(0, 400) * 100;
  // Takes the QEMU test lock: no test's TCG guests compete for the CPU while this measures.
  const bed = await startAgentTestBed({ vm: true, portRange: { first, last: first + 99 } });
  cleanups.push(() => bed.stop());
  const live = new Set<ChildProcess>();
  cleanups.push(async () => {
    for (const child of live) await stopProcess(child);
  });
  const stateDir = bed.vm?.stateDir ?? '';
  // Services still deployed: undeployed before the bed stops, so that the agent's own teardown path removes them.
  const deployed = new Set<string>();
  cleanups.push(async () => {
    for (const name of deployed) await undeploy(bed, name);
  });
  const deployTracked = async (spec: ServiceSpec): Promise<number> => {
    deployed.add(spec.name);
    return deploy(bed, spec);
  };
  const undeployTracked = async (name: string): Promise<void> => {
    await undeploy(bed, name);
    deployed.delete(name);
  };

  // A first, untimed deploy: the runtime extracts the image's boot files once, and its record tells the baseline
  // exactly what to boot.
  const probe = vmService(bed);
  await untilServing(await deployTracked(probe));
  const vm = await readVmBoot(stateDir, `${probe.name}-vm`);
  await undeployTracked(probe.name);

  const agentDeploy = async (): Promise<number> => {
    const spec = vmService(bed);
    const start = performance.now();
    await untilServing(await deployTracked(spec));
    const ms = performance.now() - start;
    await undeployTracked(spec.name);
    return ms;
  };
  const bare = (): Promise<number> => bareBoot(vm, bed.dir.path, live);
  const [baseline, measured] = (await interleaved([bare, agentDeploy], { count: ROUNDS, warmUps: WARM_UPS })).map(summarize);
  const ratio = measured!.medianMs / baseline!.medianMs;
  const p99Ratio = measured!.p99Ms / baseline!.p99Ms;
  console.log(
    `unikernel deploy-to-serving on ${availableParallelism()} cores, load ${loadavg()[0]!.toFixed(2)}, -accel ${vm.acceleration}, ` +
      `${MEMORY_MB} MB, ${WARM_UPS} warm-up + ${ROUNDS} rounds, alternating; both timed until the first HTTP 2xx on the host port`,
  );
  console.log(headerLine());
  console.log(summaryLine('bare qemu-system-x86_64 -kernel (baseline)', baseline!));
  console.log(summaryLine('agent deployService, 1 VM, 1 route', measured!));
  for (const text of comparisonLines(measured!, baseline!)) console.log(text);
  const verdict = (value: number): string => (value <= TARGET_RATIO ? 'met' : 'MISSED');
  console.log(
    `target: agent ≤ ${TARGET_RATIO}× bare boot → median ${ratio.toFixed(2)}× ${verdict(ratio)}, p99 ${p99Ratio.toFixed(2)}× ${verdict(p99Ratio)}`,
  );
  console.log(`(measured in ${((performance.now() - startedMs) / 1000).toFixed(1)} s, cleanup after)`);
}

try {
  await main();
} catch (error) {
  if (!interrupted) console.error(`unikernel-deploy bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  const failures = await cleanups.run();
  for (const failure of failures) console.error(`cleanup failed: ${failure instanceof Error ? failure.message : String(failure)}`);
  if (failures.length > 0) process.exitCode = 1;
}
