// QEMU's command line for one VM (pure). Paths of the VM's own files are relative: QEMU runs in its state dir.
import type { PortMapping } from '../types.js';
import type { Acceleration } from './acceleration.js';

/** Files QEMU uses, relative to the VM's state dir (unix socket paths must stay under 108 bytes). */
export const QMP_SOCKET = 'qmp.sock';
export const CONSOLE_FIFO = 'console.fifo';
export const DISK_OVERLAY = 'disk.qcow2';
export const GUEST_ENV_FILE = 'guest-env';
/** fw_cfg entry with the env as KEY=VALUE lines, for guests that boot from a disk and so get no command line. */
export const GUEST_ENV_FW_CFG = 'opt/mcp/env';

export interface KernelBoot {
  /** Absolute path of vmlinux or vmlinuz. */
  readonly kernel: string;
  readonly initrd?: string;
  readonly cmdline: string;
}

/** QEMU refuses a longer 9p mount tag. */
export const MAX_MOUNT_TAG_BYTES = 31;

/** A host directory shared with the guest over virtio-9p; the guest mounts it by its tag, which is its guest path. */
export interface SharedDirectory {
  readonly hostPath: string;
  readonly tag: string;
  readonly readOnly: boolean;
}

export interface QemuLaunch {
  /** The VM's id, a UUID: QEMU's -uuid, which also tells our processes apart from others in /proc. */
  readonly id: string;
  readonly name: string;
  readonly acceleration: Acceleration;
  readonly memoryMb: number;
  readonly vcpus: number;
  readonly ports: readonly PortMapping[];
  /** Boot this kernel directly; without it, boot from the disk. */
  readonly kernel?: KernelBoot;
  /** Attach the copy-on-write disk (DISK_OVERLAY) as a virtio disk. */
  readonly disk: boolean;
  /** Host directories shared with the guest (the component's volumes). */
  readonly shares?: readonly SharedDirectory[];
}

/** QEMU's option parser splits on commas; a literal comma is written twice. */
function optionValue(text: string): string {
  return text.replaceAll(',', ',,');
}

export function hostForward(port: PortMapping): string {
  return `hostfwd=${port.protocol}:${port.hostIp ?? ''}:${port.hostPort}-:${port.containerPort}`;
}

export function qemuArguments(launch: QemuLaunch): string[] {
  const nic = ['user', 'model=virtio-net-pci', ...launch.ports.map(hostForward)].join(',');
  const args = [
    '-name', optionValue(launch.name),
    '-uuid', launch.id,
    '-accel', launch.acceleration,
    ...(launch.acceleration === 'kvm' ? ['-cpu', 'host'] : []),
    '-m', String(launch.memoryMb),
    '-smp', String(launch.vcpus),
    '-nodefaults', '-no-user-config', '-display', 'none',
    // A guest reboot or panic ends the process, so the exit is seen and the restart policy decides.
    '-no-reboot',
    '-serial', `file:${CONSOLE_FIFO}`,
    '-qmp', `unix:${QMP_SOCKET},server=on,wait=off`,
    // Lets a guest end with an exit code (Nanos uses it): writing v to port 0xf4 exits QEMU with 2v+1.
    '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04',
    '-nic', nic,
    '-fw_cfg', `name=${GUEST_ENV_FW_CFG},file=${GUEST_ENV_FILE}`,
  ];
  if (launch.disk) args.push('-drive', `file=${DISK_OVERLAY},format=qcow2,if=virtio`);
  (launch.shares ?? []).forEach((share, index) => {
    // security_model=none: files keep the host's owners and modes; the guest sees them as they are on the node.
    const readOnly = share.readOnly ? ',readonly=on' : '';
    args.push('-fsdev', `local,id=share${index},path=${optionValue(share.hostPath)},security_model=none${readOnly}`);
    args.push('-device', `virtio-9p-pci,fsdev=share${index},mount_tag=${optionValue(share.tag)}`);
  });
  if (launch.kernel !== undefined) {
    args.push('-kernel', launch.kernel.kernel);
    if (launch.kernel.initrd !== undefined) args.push('-initrd', launch.kernel.initrd);
    args.push('-append', launch.kernel.cmdline);
  }
  return args;
}

/** The fw_cfg file's content: one KEY=VALUE per line. */
export function guestEnvFile(env: Readonly<Record<string, string>>): string {
  return Object.entries(env)
    .map(([name, value]) => `${name}=${value}\n`)
    .join('');
}
