// QEMU's command line for a VM: accelerator, memory, CPUs, console, QMP, forwards, boot source.
import { describe, expect, it } from 'vitest';
import { guestEnvFile, hostForward, qemuArguments } from './qemu-arguments.js';
import type { QemuLaunch } from './qemu-arguments.js';

const launch: QemuLaunch = {
  id: '0b9a3a5e-4a4e-4d8b-9a59-0f0e6c1c2f11',
  name: 'web-app',
  acceleration: 'tcg',
  memoryMb: 256,
  vcpus: 2,
  ports: [],
  disk: false,
};

const valueOf = (args: readonly string[], option: string): string | undefined => args[args.indexOf(option) + 1];

describe('qemuArguments', () => {
  it('shares each host directory over virtio-9p, tagged by its guest path, read-only when asked', () => {
    const args = qemuArguments({
      ...launch,
      shares: [
        { hostPath: '/srv/web,app', tag: '/data', readOnly: false },
        { hostPath: '/srv/conf', tag: '/etc/app', readOnly: true },
      ],
    });
    const pairs = args.flatMap((arg, index) => (arg === '-fsdev' || (arg === '-device' && args[index + 1]?.startsWith('virtio-9p')) ? [args[index + 1]] : []));
    expect(pairs).toEqual([
      'local,id=share0,path=/srv/web,,app,security_model=none',
      'virtio-9p-pci,fsdev=share0,mount_tag=/data',
      'local,id=share1,path=/srv/conf,security_model=none,readonly=on',
      'virtio-9p-pci,fsdev=share1,mount_tag=/etc/app',
    ]);
  });

  it('gives the accelerator, memory, CPUs, the VM id as its UUID, and no reboot', () => {
    const args = qemuArguments(launch);
    expect([valueOf(args, '-accel'), valueOf(args, '-m'), valueOf(args, '-smp'), valueOf(args, '-uuid')]).toEqual([
      'tcg',
      '256',
      '2',
      launch.id,
    ]);
    expect(args).toContain('-no-reboot');
    expect(args).not.toContain('-cpu');
  });

  it('passes the host CPU through under kvm', () => {
    expect(valueOf(qemuArguments({ ...launch, acceleration: 'kvm' }), '-cpu')).toBe('host');
  });

  it('puts the console, QMP and the guest env file on relative paths in the state dir', () => {
    const args = qemuArguments(launch);
    expect(valueOf(args, '-serial')).toBe('file:console.fifo');
    expect(valueOf(args, '-qmp')).toBe('unix:qmp.sock,server=on,wait=off');
    expect(valueOf(args, '-fw_cfg')).toBe('name=opt/mcp/env,file=guest-env');
  });

  it('forwards each published port from its host address to the same-numbered guest port on user networking', () => {
    const args = qemuArguments({
      ...launch,
      ports: [
        { hostIp: '127.0.0.1', hostPort: 18080, containerPort: 18080, protocol: 'tcp' },
        { hostPort: 5353, containerPort: 53, protocol: 'udp' },
      ],
    });
    expect(valueOf(args, '-nic')).toBe(
      'user,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:18080-:18080,hostfwd=udp::5353-:53',
    );
    expect(hostForward({ hostPort: 1, containerPort: 2, protocol: 'tcp' })).toBe('hostfwd=tcp::1-:2');
  });

  it('boots a kernel with its initrd and command line, and attaches the overlay disk when asked', () => {
    const args = qemuArguments({
      ...launch,
      disk: true,
      kernel: { kernel: '/cache/boot/vmlinux', initrd: '/cache/boot/initrd.img', cmdline: 'console=ttyS0 PORT=1' },
    });
    expect([valueOf(args, '-kernel'), valueOf(args, '-initrd'), valueOf(args, '-append')]).toEqual([
      '/cache/boot/vmlinux',
      '/cache/boot/initrd.img',
      'console=ttyS0 PORT=1',
    ]);
    expect(valueOf(args, '-drive')).toBe('file=disk.qcow2,format=qcow2,if=virtio');
  });

  it('doubles commas in the name, as QEMU option values need', () => {
    expect(valueOf(qemuArguments({ ...launch, name: 'a,b' }), '-name')).toBe('a,,b');
  });
});

describe('guestEnvFile', () => {
  it('writes one KEY=VALUE per line', () => {
    expect(guestEnvFile({ PORT: '8080', GREETING: 'hello world' })).toBe('PORT=8080\nGREETING=hello world\n');
  });
});
