// The kernel command line carries env and cmd to a Linux guest intact (checked against a model of Linux's own parser).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_GUEST_ENV,
  commandLineTooLong,
  guestCommandLineProblems,
  kernelCommandLine,
} from './kernel-cmdline.js';

/** Kernel parameters the model treats as the kernel's own (consumed, never reaching init). */
const KERNEL_PARAMS = new Set(['console', 'quiet', 'panic', 'loglevel']);

// Linux's isspace(): ASCII whitespace and byte 0xA0 (lib/ctype.c).
const isSpace = (byte: number): boolean => byte === 0x20 || (byte >= 0x09 && byte <= 0x0d) || byte === 0xa0;

/** lib/cmdline.c next_arg(), byte for byte: one word → [param, value or undefined], and the rest. */
function nextArg(bytes: Buffer, start: number): { param: Buffer; value?: Buffer; next: number } {
  let args = start;
  let inQuote = false;
  let quoted = false;
  if (bytes[args] === 0x22) {
    args += 1;
    inQuote = true;
    quoted = true;
  }
  let i = 0;
  let equals = 0;
  for (; args + i < bytes.length; i += 1) {
    const byte = bytes[args + i] ?? 0;
    if (isSpace(byte) && !inQuote) break;
    if (equals === 0 && byte === 0x3d) equals = i;
    if (byte === 0x22) inQuote = !inQuote;
  }
  let end = i;
  if (quoted && i > 0 && bytes[args + i - 1] === 0x22) end = i - 1;
  let next = args + i + (args + i < bytes.length ? 1 : 0);
  while (next < bytes.length && isSpace(bytes[next] ?? 0)) next += 1;
  if (equals === 0) return { param: bytes.subarray(args, args + end), next };
  let valueStart = args + equals + 1;
  let valueEnd = args + end;
  if (bytes[valueStart] === 0x22) {
    valueStart += 1;
    if (bytes[args + i - 1] === 0x22) valueEnd = Math.min(valueEnd, args + i - 1);
  }
  return { param: bytes.subarray(args, args + equals), value: bytes.subarray(valueStart, valueEnd), next };
}

/** init/main.c: what init gets, as environment and arguments, from a command line. */
function linuxInit(cmdline: string): { env: Record<string, string>; argv: string[] } {
  const bytes = Buffer.from(cmdline);
  const env: Record<string, string> = {};
  const argv: string[] = [];
  let position = 0;
  while (position < bytes.length && isSpace(bytes[position] ?? 0)) position += 1;
  let afterDashes = false;
  while (position < bytes.length) {
    const { param, value, next } = nextArg(bytes, position);
    position = next;
    const name = param.toString();
    if (!afterDashes && name === '--' && value === undefined) {
      afterDashes = true;
      continue;
    }
    if (afterDashes) argv.push(value === undefined ? name : `${name}=${value.toString()}`);
    else if (KERNEL_PARAMS.has(name) || name.includes('.')) continue;
    else if (value === undefined) argv.push(name);
    else env[name] = value.toString();
  }
  return { env, argv };
}

const envName = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,11}$/).filter((name) => !KERNEL_PARAMS.has(name));
// Any text the validation lets through: no double quote, no control character (unicode included).
const representable = fc.string({ unit: 'binary', maxLength: 20 }).filter((text) => guestCommandLineProblems({ X: text }, []).length === 0);
const argument = representable.filter((text) => text !== '');

describe('kernelCommandLine', () => {
  it('delivers every representable env value and argument to init unchanged', () => {
    fc.assert(
      fc.property(fc.dictionary(envName, representable, { maxKeys: 8 }), fc.array(argument, { maxLength: 6 }), (env, cmd) => {
        const line = kernelCommandLine('console=ttyS0 quiet', env, cmd);
        expect(linuxInit(line)).toEqual({ env, argv: cmd });
      }),
    );
  });

  it('keeps the image command line and its init arguments when no cmd replaces them', () => {
    const line = kernelCommandLine('console=ttyS0 panic=-1 -- serve acpi', { PORT: '8080' }, undefined);
    expect(line).toBe('console=ttyS0 panic=-1 PORT=8080 -- serve acpi');
  });

  it("replaces the image's init arguments with cmd", () => {
    expect(kernelCommandLine('console=ttyS0 -- serve', {}, ['print', 'hi'])).toBe('console=ttyS0 -- print hi');
  });

  it('adds the serial console when the image names none, and defaults to it without a cmdline', () => {
    expect(kernelCommandLine('quiet', {}, undefined)).toBe('console=ttyS0 quiet');
    expect(kernelCommandLine(undefined, { A: 'b' }, undefined)).toBe('console=ttyS0 A=b');
  });

  it('quotes values with spaces or non-ASCII text, whose UTF-8 may hold the byte Linux takes for a space', () => {
    expect(kernelCommandLine(undefined, { GREETING: 'hello world', CITY: 'Brà' }, ['two words'])).toBe(
      'console=ttyS0 GREETING="hello world" CITY="Brà" -- "two words"',
    );
  });
});

describe('guestCommandLineProblems', () => {
  it('names every variable and argument that cannot reach a guest intact', () => {
    const problems = guestCommandLineProblems(
      { 'module.param': 'x', '9LIVES': 'x', QUOTE: 'say "hi"', NEWLINE: 'a\nb' },
      ['ok', '', 'tab\there'],
    );
    expect(problems.map((problem) => problem.split(':')[0])).toEqual([
      'env "module.param"',
      'env "9LIVES"',
      'env QUOTE',
      'env NEWLINE',
      'cmd[1]',
      'cmd[2]',
    ]);
  });

  it('refuses more variables than Linux hands to init', () => {
    const env = Object.fromEntries(Array.from({ length: MAX_GUEST_ENV + 1 }, (_, index) => [`V${index}`, '1']));
    expect(guestCommandLineProblems(env, [])).toEqual([expect.stringContaining(`at most ${MAX_GUEST_ENV} variables`)]);
  });

  it('accepts ordinary variables and arguments', () => {
    expect(guestCommandLineProblems({ PORT: '8080', URL: 'https://x/?a=b&c' }, ['serve', '--flag=1'])).toEqual([]);
  });
});

describe('commandLineTooLong', () => {
  it('measures bytes, not characters, against the 2047 Linux accepts', () => {
    expect(commandLineTooLong('x'.repeat(2047))).toBeUndefined();
    expect(commandLineTooLong('é'.repeat(1024))).toContain('2048 bytes');
  });
});
