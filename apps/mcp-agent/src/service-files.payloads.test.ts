// Hostile paths and service names: each is refused by both write and read, and nothing anywhere changes.
import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidPathError } from './errors.js';
import { CANARY_TEXT, SERVICE, createFilesFixture, snapshotTree, type FilesFixture } from './service-files.fixture.js';
import { readServiceFile, writeServiceFile } from './service-files.js';

interface Payload {
  readonly name: string;
  readonly path: string | ((fixture: FilesFixture) => string);
  readonly service?: string;
  /** The rule that must refuse it, so a payload cannot pass for the wrong reason. */
  readonly problem: RegExp;
}

const pathPayloads: readonly Payload[] = [
  { name: 'absolute system path', path: '/etc/passwd', problem: /is absolute/ },
  { name: 'the filesystem root', path: '/', problem: /is absolute/ },
  { name: 'double-slash absolute', path: '//etc/passwd', problem: /is absolute/ },
  { name: 'absolute path of the canary', path: (fixture) => fixture.canary, problem: /is absolute/ },
  { name: 'absolute path with ..', path: '/tmp/../outside/canary.txt', problem: /is absolute/ },
  { name: 'bare ..', path: '..', problem: /"\.\." segment/ },
  { name: '.. first', path: '../outside/canary.txt', problem: /"\.\." segment/ },
  { name: '.. twice first', path: '../../outside/canary.txt', problem: /"\.\." segment/ },
  { name: '.. in the middle', path: 'sub/../../other/secret.txt', problem: /"\.\." segment/ },
  { name: '.. that stays inside', path: 'sub/../config.toml', problem: /"\.\." segment/ },
  { name: '.. last', path: 'sub/..', problem: /"\.\." segment/ },
  { name: '.. after a file', path: 'sub/a.txt/../../..', problem: /"\.\." segment/ },
  { name: './..', path: './..', problem: /"\." segment/ },
  { name: 'leading ./', path: './config.toml', problem: /"\." segment/ },
  { name: 'trailing /.', path: 'sub/.', problem: /"\." segment/ },
  { name: 'bare .', path: '.', problem: /"\." segment/ },
  { name: 'empty path', path: '', problem: /is empty/ },
  { name: 'doubled slash', path: 'sub//a.txt', problem: /empty segment/ },
  { name: 'trailing slash', path: 'sub/', problem: /empty segment/ },
  { name: 'percent-encoded ..', path: '%2e%2e/outside/canary.txt', problem: /decodes or normalises/ },
  { name: 'upper-case percent-encoded ..', path: '%2E%2E/%2E%2E/outside', problem: /decodes or normalises/ },
  { name: 'half-encoded ..', path: '.%2e/x', problem: /decodes or normalises/ },
  { name: 'encoded slash', path: '..%2foutside%2fcanary.txt', problem: /decodes or normalises/ },
  { name: 'encoded dots and slashes', path: '%2e%2e%2f%2e%2e%2foutside', problem: /decodes or normalises/ },
  { name: 'double-encoded ..', path: '%252e%252e/x', problem: /decodes or normalises/ },
  { name: 'encoded backslash', path: '..%5coutside', problem: /decodes or normalises/ },
  { name: 'encoded NUL', path: 'config.toml%00.txt', problem: /decodes or normalises/ },
  { name: 'NUL at the end', path: 'config.toml\u0000', problem: /NUL byte/ },
  { name: 'NUL before traversal', path: 'config.toml\u0000/../../outside', problem: /NUL byte/ },
  { name: 'bare NUL', path: '\u0000', problem: /NUL byte/ },
  { name: 'newline', path: 'a\nb', problem: /control or invisible/ },
  { name: 'carriage return', path: 'a\rb', problem: /control or invisible/ },
  { name: 'tab', path: 'a\tb', problem: /control or invisible/ },
  { name: 'escape sequence', path: 'a\u001b[2Jb', problem: /control or invisible/ },
  { name: 'DEL', path: 'a\u007fb', problem: /control or invisible/ },
  { name: 'C1 next-line', path: 'a\u0085b', problem: /control or invisible/ },
  { name: 'line separator', path: 'a\u2028b', problem: /control or invisible/ },
  { name: 'right-to-left override', path: 'txt.\u202eexe', problem: /control or invisible/ },
  { name: 'backslash traversal', path: '..\\outside\\canary.txt', problem: /backslash/ },
  { name: 'mixed separators', path: 'sub\\..\\..\\outside', problem: /backslash/ },
  { name: 'backslash-absolute', path: '\\etc\\passwd', problem: /backslash/ },
  { name: 'drive letter', path: 'C:\\Windows\\win.ini', problem: /backslash/ },
  { name: 'UNC path', path: '\\\\server\\share', problem: /backslash/ },
  { name: 'fullwidth dots', path: '\uff0e\uff0e/outside/canary.txt', problem: /decodes or normalises/ },
  { name: 'two-dot leader', path: '\u2025/outside', problem: /decodes or normalises/ },
  { name: 'fullwidth solidus', path: '..\uff0foutside', problem: /looks like a slash/ },
  { name: 'division slash', path: 'sub\u2215..\u2215..\u2215outside', problem: /looks like a slash/ },
  { name: 'fraction slash', path: 'a\u2044b', problem: /looks like a slash/ },
  { name: 'small reverse solidus', path: 'a\ufe68b', problem: /looks like a slash/ },
  { name: 'lone surrogate', path: 'a\ud800b', problem: /well-formed Unicode/ },
  { name: 'symlink to an outside file', path: 'link-out-file', problem: /leads outside/ },
  { name: 'absolute symlink to an outside file', path: 'link-out-abs', problem: /leads outside/ },
  { name: 'symlink to a sibling service', path: 'link-sibling', problem: /leads outside/ },
  { name: 'symlink to a device', path: 'link-dev', problem: /leads outside/ },
  { name: 'symlinked parent leading outside', path: 'link-out-dir/canary.txt', problem: /leads outside/ },
  { name: 'new file under a symlinked parent', path: 'link-out-dir/new.txt', problem: /leads outside/ },
  { name: 'nested parent symlink to the root', path: 'sub/escape/other/secret.txt', problem: /leads outside/ },
  { name: 'chain of symlinks leading outside', path: 'chain-1/canary.txt', problem: /leads outside/ },
  { name: 'dangling symlink inside', path: 'dangling-in', problem: /dangling symlink/ },
  { name: 'dangling symlink aiming outside', path: 'dangling-out', problem: /dangling symlink/ },
  { name: 'symlink loop', path: 'loop-a', problem: /symlink loop/ },
  { name: 'symlink loop as a parent', path: 'loop-a/x', problem: /symlink loop/ },
  { name: 'self-referencing symlink', path: 'self-loop', problem: /symlink loop/ },
  { name: 'FIFO', path: 'fifo', problem: /names a FIFO/ },
  { name: 'socket', path: 'sock', problem: /names a socket/ },
  { name: 'device node', path: 'null-device', problem: /names a character device/ },
  { name: 'directory', path: 'sub', problem: /names a directory/ },
  { name: 'file used as a directory', path: 'config.toml/x', problem: /not a directory/ },
  { name: 'overlong segment', path: 'x'.repeat(256), problem: /256-byte segment/ },
  { name: 'overlong multibyte segment', path: '\u00e9'.repeat(128), problem: /256-byte segment/ },
  { name: 'overlong total', path: `${'a/'.repeat(2048)}b`, problem: /4097 bytes long/ },
  { name: 'too long once placed', path: `${'abcdefgh/'.repeat(454)}abc`, problem: /too long once placed/ },
];

const servicePayloads: readonly Payload[] = [
  { name: 'traversal as service', service: '../outside', path: 'canary.txt', problem: /not a valid service name/ },
  { name: 'upper-case service', service: 'Web', path: 'config.toml', problem: /not a valid service name/ },
  { name: 'empty service', service: '', path: 'config.toml', problem: /not a valid service name/ },
  { name: 'service with a slash', service: 'web/../other', path: 'secret.txt', problem: /not a valid service name/ },
  { name: 'service .', service: '.', path: 'web/config.toml', problem: /not a valid service name/ },
  { name: 'service ..', service: '..', path: 'outside/canary.txt', problem: /not a valid service name/ },
  { name: '64-character service', service: `w${'e'.repeat(63)}`, path: 'x', problem: /not a valid service name/ },
  { name: 'service with NUL', service: 'web\u0000', path: 'config.toml', problem: /not a valid service name/ },
  { name: 'service starting with a digit', service: '1web', path: 'x', problem: /not a valid service name/ },
  { name: 'service with a look-alike letter', service: 'w\u0435b', path: 'config.toml', problem: /not a valid service name/ },
  { name: 'service directory symlinked outside', service: 'linked', path: 'canary.txt', problem: /is a symlink/ },
  { name: 'service directory that is a file', service: 'plainfile', path: 'x', problem: /not a directory/ },
];

function pathOf(payload: Payload, fixture: FilesFixture): string {
  return typeof payload.path === 'string' ? payload.path : payload.path(fixture);
}

describe.each([
  ['write', (fx: FilesFixture, p: Payload) =>
    writeServiceFile({ root: fx.root, service: p.service ?? SERVICE, path: pathOf(p, fx), data: Buffer.from('pwned\n'), maxBytes: 1 << 20 })],
  ['read', (fx: FilesFixture, p: Payload) =>
    readServiceFile({ root: fx.root, service: p.service ?? SERVICE, path: pathOf(p, fx), maxBytes: 1 << 20 })],
] as const)('%s refuses', (_direction, attempt) => {
  let fixture: FilesFixture;
  beforeEach(async () => {
    fixture = await createFilesFixture();
  });
  afterEach(async () => {
    await fixture.cleanup();
  });

  it.each([...pathPayloads, ...servicePayloads].map((p) => [p.name, p] as const))(
    '%s, touching nothing',
    async (_name, payload) => {
      const before = await snapshotTree(fixture.base);
      const error = await attempt(fixture, payload).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(InvalidPathError);
      const refusal = error as InvalidPathError;
      expect(refusal.field).toBe(payload.service === undefined ? 'path' : 'service');
      expect(refusal.problem).toMatch(payload.problem);
      expect(await snapshotTree(fixture.base)).toEqual(before);
      expect(await readFile(fixture.canary, 'utf8')).toBe(CANARY_TEXT);
    },
  );
});

describe('the tree snapshot', () => {
  it('notices a read of a file outside the service directory', async () => {
    const fixture = await createFilesFixture();
    try {
      const before = await snapshotTree(fixture.base);
      await readFile(fixture.canary);
      expect(await snapshotTree(fixture.base)).not.toEqual(before);
    } finally {
      await fixture.cleanup();
    }
  });
});
