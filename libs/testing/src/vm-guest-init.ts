// The /init of the VM test image (a busybox shell script) and the markers it prints on the serial console.

/** Printed once httpd listens on $PORT (`MCP-VM-READY port=<port>`). */
export const VM_READY_MARKER = 'MCP-VM-READY';
/** Prefix of one console line per variable of init's environment (`MCP-VM-ENV KEY=VALUE`), printed first. */
export const VM_ENV_MARKER = 'MCP-VM-ENV';
/** Prefix of the console line that echoes init's arguments (`MCP-VM-ARGS serve acpi`). */
export const VM_ARGS_MARKER = 'MCP-VM-ARGS';
/** Printed once per host directory init mounted (`MCP-VM-MOUNT /data`): a 9p share, tagged by its guest path. */
export const VM_MOUNT_MARKER = 'MCP-VM-MOUNT';
/** Printed when a guest started with the `acpi` argument receives the ACPI power button (QMP system_powerdown). */
export const VM_POWERDOWN_MARKER = 'MCP-VM-POWERDOWN';
/** What httpd serves at `/`. */
export const VM_INDEX_HTML = 'hello from mcp vm\n';
/** The port httpd listens on when no PORT variable reaches the guest. */
export const VM_DEFAULT_HTTP_PORT = 8080;
/** The image's kernel command line: serial console, few kernel messages, a panic ends the VM at once. */
export const VM_KERNEL_CMDLINE = 'console=ttyS0 quiet panic=-1';

/** Kernel modules insmod'ed in this order (dependencies first): virtio-net, the ACPI power button, then 9p over virtio. */
export const VM_GUEST_MODULES = [
  'virtio_ring',
  'virtio',
  'virtio_pci_modern_dev',
  'virtio_pci_legacy_dev',
  'virtio_pci',
  'failover',
  'net_failover',
  'virtio_net',
  'button',
  'evdev',
  'netfs',
  'fscache',
  '9pnet',
  '9pnet_virtio',
  '9p',
] as const;

/**
 * Host directories shared over virtio-9p are mounted first, each at its tag (the agent tags a share by its guest
 * path), with a `MCP-VM-MOUNT <path>` line each.
 * Programs, chosen by init's arguments (the kernel command line after `--`, i.e. a component's `cmd`):
 * - `serve [acpi]` (also no argument): eth0 = 10.0.2.15 behind QEMU's user-mode network, busybox httpd on
 *   $PORT (default 8080), then the ready marker; with `acpi`, busybox acpid powers the guest off on the ACPI
 *   power button, otherwise the power button is ignored (as a plain busybox init does).
 * - `print <line>... ` writes each line to the console (`@sleep:<seconds>` pauses instead), then ends the VM
 *   with EXIT_CODE: 0 powers off (QEMU exits 0); an odd code N goes through QEMU's isa-debug-exit device
 *   (port 0xf4, value (N-1)/2), whose exit status is 2·value+1.
 */
export const VM_GUEST_INIT = `#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
env | sort | sed 's/^/${VM_ENV_MARKER} /'
echo "${VM_ARGS_MARKER} $*"
for module in ${VM_GUEST_MODULES.join(' ')}; do insmod /lib/modules/$module.ko; done
# Each host directory the agent shares (a component volume) is a 9p device whose tag is its path in the guest.
for tagfile in /sys/bus/virtio/drivers/9pnet_virtio/*/mount_tag; do
  [ -e "$tagfile" ] || continue
  tag=$(tr -d '\\000' < "$tagfile")
  mkdir -p "$tag"
  mount -t 9p -o trans=virtio,version=9p2000.L "$tag" "$tag" && echo "${VM_MOUNT_MARKER} $tag"
done

end_vm() {
  code=\${1:-0}
  if [ "$code" != 0 ]; then
    if [ $((code % 2)) = 1 ]; then
      printf "\\\\$(printf %o $(((code - 1) / 2)))" | dd of=/dev/port bs=1 seek=244 count=1 conv=notrunc 2>/dev/null
    else
      echo "EXIT_CODE=$code cannot leave through isa-debug-exit (only odd codes can)"
    fi
  fi
  poweroff -f
}

if [ "$1" = print ]; then
  shift
  for line in "$@"; do
    case $line in
      @sleep:*) sleep "\${line#@sleep:}" ;;
      *) echo "$line" ;;
    esac
  done
  end_vm "$EXIT_CODE"
fi

port=\${PORT:-${VM_DEFAULT_HTTP_PORT}}
ip link set lo up
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
ip route add default via 10.0.2.2
printf '${VM_INDEX_HTML.replace('\n', '\\n')}' > /www/index.html
httpd -p "$port" -h /www
case " $* " in
  *" acpi "*)
    # -d: in the foreground, logging to the console (busybox acpid's default log file has no directory here).
    acpid -d -c /etc/acpi &
    # The power button counts only once acpid holds the input devices open.
    until ls -l /proc/$!/fd 2>/dev/null | grep -q /dev/input; do sleep 0.1; done
    ;;
esac
echo "${VM_READY_MARKER} port=$port"
exec sleep 2147483647
`;

/** busybox acpid runs /etc/acpi/PWRF/00000080 on the ACPI power button. */
export const VM_POWER_BUTTON_SCRIPT = `#!/bin/sh
echo "${VM_POWERDOWN_MARKER}"
poweroff -f
`;
