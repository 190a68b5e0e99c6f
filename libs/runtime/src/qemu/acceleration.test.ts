// KVM only when it really works: CPU flags and a usable /dev/kvm, with the operator's override winning.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from './qemu-harness.js';
import { chooseAcceleration, readAccelerationFacts, virtualisationFlagsOf } from './acceleration.js';
import type { AccelerationFacts } from './acceleration.js';

const realKvm: AccelerationFacts = { virtualisationFlags: ['vmx'], kvmDeviceUsable: true };
const paravirtualKvm: AccelerationFacts = { virtualisationFlags: [], kvmDeviceUsable: true };
const noKvm: AccelerationFacts = { virtualisationFlags: ['svm'], kvmDeviceUsable: false, kvmDeviceProblem: 'there is no /dev/kvm' };

describe('chooseAcceleration', () => {
  it('picks kvm on auto when the CPU has vmx or svm and /dev/kvm opens', () => {
    expect(chooseAcceleration('auto', realKvm)).toMatchObject({ acceleration: 'kvm', reason: expect.stringContaining('vmx') });
  });

  it('falls back to tcg on auto when /dev/kvm exists without hardware virtualisation (a paravirtual KVM)', () => {
    expect(chooseAcceleration('auto', paravirtualKvm)).toMatchObject({
      acceleration: 'tcg',
      reason: expect.stringContaining('neither vmx nor svm'),
    });
  });

  it('falls back to tcg on auto when /dev/kvm cannot be used', () => {
    expect(chooseAcceleration('auto', noKvm)).toEqual({ acceleration: 'tcg', reason: 'tcg: there is no /dev/kvm' });
  });

  it('forces tcg when configured, even with a real KVM', () => {
    expect(chooseAcceleration('tcg', realKvm).acceleration).toBe('tcg');
  });

  it('forces kvm when configured, warning when the CPU shows no virtualisation flags', () => {
    const choice = chooseAcceleration('kvm', paravirtualKvm);
    expect(choice).toMatchObject({ acceleration: 'kvm', reason: expect.stringContaining('neither vmx nor svm') });
    expect(choice.unusable).toBeUndefined();
  });

  it('marks forced kvm unusable when /dev/kvm cannot be opened', () => {
    expect(chooseAcceleration('kvm', noKvm).unusable).toContain('there is no /dev/kvm');
  });
});

describe('readAccelerationFacts', () => {
  const tempDir = useTempDirs('mcp-accel');

  it('reads vmx/svm from the flags lines of cpuinfo', () => {
    const cpuinfo = 'processor\t: 0\nflags\t\t: fpu vme svm sse\nprocessor\t: 1\nflags\t\t: fpu vmx\nbugs\t: vmx\n';
    expect(virtualisationFlagsOf(cpuinfo)).toEqual(['svm', 'vmx']);
    expect(virtualisationFlagsOf('flags\t: fpu sse2 hypervisor\n')).toEqual([]);
  });

  it('counts a device it can open read-write as usable, and a missing one as not, naming it', async () => {
    const dir = await tempDir();
    const cpuinfoPath = join(dir, 'cpuinfo');
    const kvmPath = join(dir, 'kvm');
    await writeFile(cpuinfoPath, 'flags\t: fpu vmx\n');
    await writeFile(kvmPath, '');
    expect(await readAccelerationFacts({ cpuinfoPath, kvmPath })).toEqual({ virtualisationFlags: ['vmx'], kvmDeviceUsable: true });
    const missing = await readAccelerationFacts({ cpuinfoPath, kvmPath: join(dir, 'absent') });
    expect(missing).toMatchObject({ kvmDeviceUsable: false, kvmDeviceProblem: `there is no ${join(dir, 'absent')}` });
  });
});
