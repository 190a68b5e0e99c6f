import { describe, expect, it } from 'vitest';
import { usageFailure } from './errors.js';
import { createOutput, formatTable } from './output.js';

function capture(json: boolean) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const output = createOutput({ stdout: { write: (t: string) => stdout.push(t) }, stderr: { write: (t: string) => stderr.push(t) }, json });
  return { output, stdout: () => stdout.join(''), stderr: () => stderr.join('') };
}

describe('formatTable', () => {
  it('aligns every column but the last to its widest cell', () => {
    const text = formatTable(
      ['SERVICE', 'NODE', 'STATE'],
      [
        ['metacrypt', 'rift', 'running'],
        ['mc-proxy', 'edge-1', 'stopped'],
      ],
    );
    expect(text).toBe(
      'SERVICE    NODE    STATE\n' + 'metacrypt  rift    running\n' + 'mc-proxy   edge-1  stopped\n',
    );
  });

  it('counts a multi-byte character as one column', () => {
    expect(formatTable(['A', 'B'], [['→x', '1']])).toBe('A   B\n→x  1\n');
  });

  it('leaves no trailing spaces when the last cells are empty', () => {
    expect(formatTable(['A', 'B'], [['long', '']])).toBe('A     B\nlong\n');
  });
});

describe('failure rendering', () => {
  it('prints an error document on stdout under --json', () => {
    const out = capture(true);
    out.output.failure(usageFailure('Unknown argument: bogus'));
    expect([JSON.parse(out.stdout()), out.stderr()]).toEqual([
      { error: { code: 'usage', message: 'Unknown argument: bogus' } },
      '',
    ]);
  });

  it('prefixes every message line with "mcp:" on stderr and adds the hint for people', () => {
    const out = capture(false);
    out.output.failure({ ...usageFailure('first\nsecond') });
    expect([out.stdout(), out.stderr()]).toEqual(['', 'mcp: first\nmcp: second\nRun "mcp --help" for usage.\n']);
  });
});

describe('progress and records', () => {
  it('prints progress on stderr for people', () => {
    const { output, stdout, stderr } = capture(false);
    output.progress('deploying web to rift');
    expect([stdout(), stderr()]).toEqual(['', 'deploying web to rift\n']);
  });

  it('prints no progress under --json, so stderr stays empty', () => {
    const { output, stderr } = capture(true);
    output.progress('deploying web to rift');
    expect(stderr()).toBe('');
  });

  it('prints a record as one compact JSON line', () => {
    const { output, stdout } = capture(true);
    output.record({ component: 'api', line: 'ready' });
    expect(stdout()).toBe('{"component":"api","line":"ready"}\n');
  });
});
