// Each VM's supervisor: a detached shell that runs QEMU, timestamps its console, records its exit and restarts it by policy.
import { spawn } from 'node:child_process';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CONSOLE_FIFO } from './qemu-arguments.js';
import { VM_FILES } from './vm-record.js';

/**
 * Runs in the VM's state dir as `sh -c SCRIPT mcp-vm-supervisor <journal> <event prefix> <restart> <qemu> <args…>`.
 * Why a shell and not the agent: the VM must outlive the agent, and only QEMU's parent learns its exit status.
 * Why a fifo and awk: the serial console gets a timestamp per line as it is written, agent or not (awk's
 * systime() has whole seconds; `-W interactive` makes mawk hand on each line at once). The supervisor holds
 * the fifo open read-write while QEMU runs, so neither side blocks on open, and closes it after QEMU exits,
 * so awk sees the end and the console log is complete before the exit is recorded.
 */
export const SUPERVISOR_SCRIPT = `
journal=$1 prefix=$2 policy=$3
shift 3
record() {
  printf '%s"action":"%s"%s,"timeMs":%s}\\n' "$prefix" "$1" "$2" "$(date +%s%3N)" >> "$journal"
}
[ -p ${CONSOLE_FIFO} ] || mkfifo ${CONSOLE_FIFO}
retries=0
while :; do
  rm -f ${VM_FILES.exited} ${VM_FILES.restarting}
  exec 3<>${CONSOLE_FIFO}
  awk -W interactive '{ sub(/\\r$/, ""); print systime(), $0; fflush() }' < ${CONSOLE_FIFO} >> ${VM_FILES.console} 3>&- &
  reader=$!
  "$@" < /dev/null >> ${VM_FILES.qemuLog} 2>&1 3>&- &
  qemu=$!
  echo "$qemu" > ${VM_FILES.qemuPid}
  date +%s%3N > ${VM_FILES.started}
  record start ''
  wait "$qemu"
  code=$?
  exec 3>&-
  wait "$reader"
  again=no
  if [ ! -e ${VM_FILES.stopRequested} ]; then
    case $policy in
      always|unless-stopped) again=yes ;;
      on-failure) [ "$code" -ne 0 ] && again=yes ;;
      on-failure:*) [ "$code" -ne 0 ] && [ "$retries" -lt "\${policy#on-failure:}" ] && again=yes ;;
    esac
  fi
  [ "$again" = yes ] && : > ${VM_FILES.restarting}
  echo "$code $(date +%s%3N)" > ${VM_FILES.exited}.tmp && mv ${VM_FILES.exited}.tmp ${VM_FILES.exited}
  record die ",\\"exitCode\\":$code"
  [ "$again" = yes ] || exit 0
  # A guest that dies at once would otherwise spin a core.
  sleep 1
  if [ -e ${VM_FILES.stopRequested} ]; then rm -f ${VM_FILES.restarting}; exit 0; fi
  retries=$((retries + 1))
done
`;

export interface SupervisorLaunch {
  readonly dir: string;
  readonly journal: string;
  /** journalLinePrefix() of the VM. */
  readonly eventPrefix: string;
  readonly restart: string;
  readonly qemuPath: string;
  readonly qemuArgs: readonly string[];
  readonly shellPath?: string;
}

/** Starts the supervisor in its own session (it survives the agent) and records its pid; returns the pid. */
export async function startSupervisor(launch: SupervisorLaunch): Promise<number> {
  const log = await open(join(launch.dir, VM_FILES.supervisorLog), 'a');
  try {
    const child = spawn(
      launch.shellPath ?? '/bin/sh',
      ['-c', SUPERVISOR_SCRIPT, 'mcp-vm-supervisor', launch.journal, launch.eventPrefix, launch.restart, launch.qemuPath, ...launch.qemuArgs],
      { cwd: launch.dir, detached: true, stdio: ['ignore', log.fd, log.fd] },
    );
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('spawn', () => resolve(child.pid ?? -1));
      child.once('error', reject);
    });
    child.unref();
    const pidFile = await open(join(launch.dir, VM_FILES.supervisorPid), 'w');
    try {
      await pidFile.writeFile(`${pid}\n`);
    } finally {
      await pidFile.close();
    }
    return pid;
  } finally {
    await log.close();
  }
}

/**
 * Whether pid is a live process whose command line contains `marker` (the VM's id): a pid file outlives
 * its process, and the number may since belong to something else. A zombie has no command line: dead.
 */
export async function isOurProcess(pid: number | undefined, marker: string): Promise<boolean> {
  if (pid === undefined || !Number.isInteger(pid) || pid <= 0) return false;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'latin1').catch(() => '');
  return cmdline.includes(marker);
}

export function parsePid(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  return Number(text);
}
