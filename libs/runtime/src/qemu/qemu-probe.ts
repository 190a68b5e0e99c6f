// Whether VMs can run here (Nomad's fingerprint): QEMU, qemu-img, podman and awk present, and which accelerator.
import { execFile } from 'node:child_process';
import type { ProbeResult } from '../types.js';
import type { AccelerationChoice } from './acceleration.js';

export interface QemuTools {
  readonly qemuPath: string;
  readonly qemuImgPath: string;
  readonly podmanPath: string;
}

function output(command: string, args: readonly string[]): Promise<{ stdout: string } | { missing: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 10_000 }, (error, stdout, stderr) => {
      if (error === null) resolve({ stdout });
      else if ((error as NodeJS.ErrnoException).code === 'ENOENT') resolve({ missing: `${command} is not installed` });
      else resolve({ missing: `${command} ${args.join(' ')} failed: ${stderr.trim() || error.message}` });
    });
  });
}

/** "QEMU emulator version 7.2.22 (Debian …)" → "7.2.22". */
export function qemuVersionOf(text: string): string | undefined {
  return /QEMU emulator version (\S+)/.exec(text)?.[1];
}

export async function probeQemu(tools: QemuTools, choose: () => Promise<AccelerationChoice>): Promise<ProbeResult> {
  const [qemu, qemuImg, podman, awk, choice] = await Promise.all([
    output(tools.qemuPath, ['--version']),
    output(tools.qemuImgPath, ['--version']),
    output(tools.podmanPath, ['--version']),
    // The supervisor's console timestamps need an awk with systime() that can hand lines on at once (mawk, gawk).
    output('awk', ['-W', 'interactive', 'BEGIN { print systime() }']),
    choose(),
  ]);
  const problems = [qemu, qemuImg, podman, awk].flatMap((result) => ('missing' in result ? [result.missing] : []));
  if ('stdout' in awk && !/^\d+\s*$/.test(awk.stdout)) problems.push(`awk gave no time from systime(): ${awk.stdout.trim()}`);
  const version = 'stdout' in qemu ? (qemuVersionOf(qemu.stdout) ?? qemu.stdout.split('\n')[0]?.trim()) : undefined;
  if (problems.length > 0) {
    return {
      available: false,
      ...(version === undefined ? {} : { version }),
      reason: `${problems.join('; ')} (scripts/setup-system.sh installs qemu-system-x86, qemu-utils and podman)`,
    };
  }
  if (choice.unusable !== undefined) {
    return { available: false, ...(version === undefined ? {} : { version }), acceleration: choice.acceleration, reason: choice.unusable };
  }
  return { available: true, ...(version === undefined ? {} : { version }), acceleration: choice.acceleration };
}
