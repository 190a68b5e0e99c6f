// The agent's VM runtime from its [qemu] config: off when disabled (with the reason), QEMU on <data.dir>/qemu otherwise.
import { createTempDir, type TempDir } from '@mcp/testing';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noVmBackend } from './deps.js';
import { vmRuntimeOf } from './start-agent.js';
import { captureLog, qemuSkipReason } from './testing/agent-test-bed.js';

const skipReason = await qemuSkipReason();

describe('the VM runtime of an agent', () => {
  let dir: TempDir;
  beforeAll(async () => {
    dir = await createTempDir('mcp-agent-qemu-config');
  });
  afterAll(() => dir.remove());

  it('has none when qemu.enabled is false, and says so in the refusal of a unikernel component', async () => {
    const logs = captureLog();
    const chosen = await vmRuntimeOf({ qemu: { enabled: false, acceleration: 'auto', stateDir: join(dir.path, 'off') } }, logs.log);
    expect(chosen.vmRuntime).toBeUndefined();
    expect(noVmBackend(chosen)).toBe('this node cannot run VMs (runtime = "unikernel" needs the QEMU backend): qemu.enabled is false in the agent config');
    expect(logs.lines().map((line) => line['msg'])).toEqual(['VMs are off on this node']);
  });

  it.skipIf(skipReason !== undefined)(`creates QEMU on the configured state dir when its probe says it works${skipReason ? ` (${skipReason})` : ''}`, async () => {
    const stateDir = join(dir.path, 'qemu');
    const chosen = await vmRuntimeOf({ qemu: { enabled: true, acceleration: 'tcg', stateDir } }, captureLog().log);
    expect(chosen.vmUnavailableReason).toBeUndefined();
    expect(chosen.vmRuntime?.backend).toBe('qemu');
    expect(await chosen.vmRuntime?.probe()).toMatchObject({ available: true, acceleration: 'tcg' });
  });
});
