// The QEMU probe: a version from QEMU's banner, and a reason an operator can act on when a tool is missing.
import { describe, expect, it } from 'vitest';
import { probeQemu, qemuVersionOf } from './qemu-probe.js';

const tcg = async (): Promise<{ acceleration: 'tcg'; reason: string }> => ({ acceleration: 'tcg', reason: 'tcg forced by configuration' });

describe('probeQemu', () => {
  it('reads the version from QEMU\'s banner', () => {
    expect(qemuVersionOf('QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\nCopyright')).toBe('7.2.22');
    expect(qemuVersionOf('something else')).toBeUndefined();
  });

  it('is unavailable when QEMU is not installed, naming the binary and the setup script', async () => {
    const probe = await probeQemu(
      { qemuPath: '/nonexistent/qemu-system-x86_64', qemuImgPath: '/nonexistent/qemu-img', podmanPath: '/nonexistent/podman' },
      tcg,
    );
    expect(probe.available).toBe(false);
    expect(probe.reason).toContain('/nonexistent/qemu-system-x86_64 is not installed');
    expect(probe.reason).toContain('scripts/setup-system.sh');
  });
});
