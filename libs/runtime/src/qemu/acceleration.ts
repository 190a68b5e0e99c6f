// Chooses KVM or TCG honestly: a present /dev/kvm is not proof (a paravirtual one cannot run stock guests).
import { open, readFile } from 'node:fs/promises';

export type Acceleration = 'kvm' | 'tcg';
/** What the operator configured: force one, or let the node's facts decide. */
export type AccelerationSetting = Acceleration | 'auto';

/** What the host offers, as read from /proc/cpuinfo and /dev/kvm. */
export interface AccelerationFacts {
  /** Hardware virtualisation flags of the CPU: 'vmx' (Intel VT-x) and/or 'svm' (AMD-V). */
  readonly virtualisationFlags: readonly string[];
  /** Whether /dev/kvm exists and this process may open it read-write. */
  readonly kvmDeviceUsable: boolean;
  /** Why /dev/kvm cannot be used, when it cannot. */
  readonly kvmDeviceProblem?: string;
}

export interface AccelerationChoice {
  readonly acceleration: Acceleration;
  /** Why, in words an operator can act on. */
  readonly reason: string;
  /** Set when QEMU cannot start any VM with this choice (kvm forced without a usable /dev/kvm). */
  readonly unusable?: string;
}

export function isAccelerationSetting(value: string): value is AccelerationSetting {
  return value === 'kvm' || value === 'tcg' || value === 'auto';
}

/** Pure: the setting and the host's facts → the accelerator QEMU gets. */
export function chooseAcceleration(setting: AccelerationSetting, facts: AccelerationFacts): AccelerationChoice {
  const flags = facts.virtualisationFlags.join('+');
  if (setting === 'tcg') return { acceleration: 'tcg', reason: 'tcg forced by configuration' };
  if (setting === 'kvm') {
    if (!facts.kvmDeviceUsable) {
      return {
        acceleration: 'kvm',
        reason: 'kvm forced by configuration',
        unusable: `kvm is forced by configuration but ${facts.kvmDeviceProblem ?? '/dev/kvm is unusable'}`,
      };
    }
    const warning = flags === '' ? ' (the CPU shows neither vmx nor svm: only guests made for this host will run)' : '';
    return { acceleration: 'kvm', reason: `kvm forced by configuration${warning}` };
  }
  if (!facts.kvmDeviceUsable) {
    return { acceleration: 'tcg', reason: `tcg: ${facts.kvmDeviceProblem ?? '/dev/kvm is unusable'}` };
  }
  if (flags === '') {
    return {
      acceleration: 'tcg',
      reason: 'tcg: /dev/kvm exists but the CPU has neither vmx nor svm (a paravirtual KVM cannot run stock guests)',
    };
  }
  return { acceleration: 'kvm', reason: `kvm: /dev/kvm is usable and the CPU has ${flags}` };
}

/** The vmx/svm flags named on any `flags` line of /proc/cpuinfo. */
export function virtualisationFlagsOf(cpuinfo: string): string[] {
  const found = new Set<string>();
  for (const line of cpuinfo.split('\n')) {
    if (!/^flags\s*:/.test(line)) continue;
    for (const flag of line.slice(line.indexOf(':') + 1).trim().split(/\s+/)) {
      if (flag === 'vmx' || flag === 'svm') found.add(flag);
    }
  }
  return [...found].sort();
}

export interface AccelerationFactPaths {
  readonly cpuinfoPath?: string;
  readonly kvmPath?: string;
}

/** Reads the facts; never throws (an unreadable file counts as the capability missing). */
export async function readAccelerationFacts(paths: AccelerationFactPaths = {}): Promise<AccelerationFacts> {
  const cpuinfoPath = paths.cpuinfoPath ?? '/proc/cpuinfo';
  const kvmPath = paths.kvmPath ?? '/dev/kvm';
  const cpuinfo = await readFile(cpuinfoPath, 'utf8').catch(() => '');
  try {
    const handle = await open(kvmPath, 'r+');
    await handle.close();
    return { virtualisationFlags: virtualisationFlagsOf(cpuinfo), kvmDeviceUsable: true };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? `there is no ${kvmPath}` : `${kvmPath} cannot be opened (${code ?? 'error'})`;
    return { virtualisationFlags: virtualisationFlagsOf(cpuinfo), kvmDeviceUsable: false, kvmDeviceProblem: problem };
  }
}
