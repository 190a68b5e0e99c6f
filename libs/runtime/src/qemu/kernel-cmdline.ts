// The guest kernel's command line: the image's own, then env as KEY=VALUE (Linux hands those to init), then cmd after `--`.

/** x86 COMMAND_LINE_SIZE is 2048 bytes, the terminating NUL included. */
export const MAX_KERNEL_CMDLINE_BYTES = 2047;
/**
 * Linux gives init at most 32 environment entries and 32 arguments (MAX_INIT_ENVS/ARGS) and panics beyond;
 * it adds HOME and TERM itself, and argv[0] is init's name.
 */
export const MAX_GUEST_ENV = 30;
export const MAX_GUEST_ARGS = 30;

/** Used when the image brings no /boot/cmdline: the serial console is where the VM's logs come from. */
export const DEFAULT_KERNEL_CMDLINE = 'console=ttyS0';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// The kernel's parser knows double quotes only as delimiters (no escapes); control characters end a line.
// eslint-disable-next-line no-control-regex
const UNREPRESENTABLE = /["\u0000-\u001f\u007f]/;

/** Every reason the env and cmd cannot reach a Linux guest intact, each naming the variable or argument. */
export function guestCommandLineProblems(
  env: Readonly<Record<string, string>>,
  cmd: readonly string[],
): string[] {
  const problems: string[] = [];
  const names = Object.keys(env);
  for (const name of names) {
    if (!ENV_NAME.test(name)) {
      problems.push(
        `env ${JSON.stringify(name)}: a VM's variable name must be letters, digits and '_' (not starting with a digit); ` +
          "the kernel would take a name with '.' as a module parameter",
      );
    }
    if (UNREPRESENTABLE.test(env[name] ?? '')) {
      problems.push(`env ${name}: a VM's value cannot hold double quotes or control characters (kernel command line)`);
    }
  }
  cmd.forEach((argument, index) => {
    if (argument === '') problems.push(`cmd[${index}]: a VM's argument cannot be empty`);
    if (UNREPRESENTABLE.test(argument)) {
      problems.push(`cmd[${index}]: a VM's argument cannot hold double quotes or control characters`);
    }
  });
  if (names.length > MAX_GUEST_ENV) {
    problems.push(`env: a VM takes at most ${MAX_GUEST_ENV} variables on its kernel command line, got ${names.length}`);
  }
  if (cmd.length > MAX_GUEST_ARGS) {
    problems.push(`cmd: a VM takes at most ${MAX_GUEST_ARGS} arguments, got ${cmd.length}`);
  }
  return problems;
}

/**
 * The kernel splits words on its isspace(), which also takes byte 0xA0 for a space, and that byte occurs
 * inside UTF-8 characters: anything but printable ASCII is quoted (the parser strips the quotes again).
 */
const NEEDS_QUOTES = /[^\x21-\x7e]/;

function word(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text}"` : text;
}

function envWord(name: string, value: string): string {
  return NEEDS_QUOTES.test(value) ? `${name}="${value}"` : `${name}=${value}`;
}

/**
 * Pure. `imageCmdline` is the image's /boot/cmdline (absent: `console=ttyS0`); when it names no console, the
 * serial one is added so that logs exist. Its own init arguments (after `--`) are kept unless `cmd` replaces
 * them, as a container's cmd replaces the image's. Inputs are assumed checked by guestCommandLineProblems.
 */
export function kernelCommandLine(
  imageCmdline: string | undefined,
  env: Readonly<Record<string, string>>,
  cmd: readonly string[] | undefined,
): string {
  const base = (imageCmdline ?? DEFAULT_KERNEL_CMDLINE).trim().split(/\s+/).filter((part) => part !== '');
  const dashes = base.indexOf('--');
  const kernelWords = dashes < 0 ? base : base.slice(0, dashes);
  const imageArgs = dashes < 0 ? [] : base.slice(dashes + 1);
  if (!kernelWords.some((part) => part.startsWith('console='))) kernelWords.unshift(DEFAULT_KERNEL_CMDLINE);
  const envWords = Object.entries(env).map(([name, value]) => envWord(name, value));
  const args = cmd === undefined ? imageArgs : cmd.map(word);
  return [...kernelWords, ...envWords, ...(args.length > 0 ? ['--', ...args] : [])].join(' ');
}

/** The byte-length check, separate because only the assembled line can be measured. */
export function commandLineTooLong(cmdline: string): string | undefined {
  const bytes = Buffer.byteLength(cmdline);
  return bytes > MAX_KERNEL_CMDLINE_BYTES
    ? `the kernel command line would be ${bytes} bytes, more than the ${MAX_KERNEL_CMDLINE_BYTES} Linux accepts; shorten env or cmd`
    : undefined;
}
