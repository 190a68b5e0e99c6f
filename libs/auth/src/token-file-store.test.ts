import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TokenFileError } from './errors.js';
import { secretFileProblem } from './secret-file.js';
import { addTokenToFile, readTokenFile } from './token-file-store.js';
import { hashToken } from './token.js';

let directory: string;
let path: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'mcp-auth-'));
  path = join(directory, 'tokens.toml');
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

const alice = { name: 'alice', account: 'human', roles: ['admin'] } as const;

describe('addTokenToFile', () => {
  it('creates the file with mode 0600', async () => {
    await addTokenToFile(path, alice);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('writes the hash of the returned token and never the token itself', async () => {
    const token = await addTokenToFile(path, alice);
    const text = await readFile(path, 'utf8');
    expect(text).toContain(hashToken(token));
    expect(text).not.toContain(token);
  });

  it('records the identity the token stands for', async () => {
    const token = await addTokenToFile(path, { ...alice, comment: 'laptop' }, { clock: { now: () => Date.UTC(2025, 0, 31) } });
    expect(await readTokenFile(path)).toEqual([
      {
        identity: { name: 'alice', account: 'human', roles: ['admin'] },
        sha256: hashToken(token),
        created: new Date(Date.UTC(2025, 0, 31)),
        comment: 'laptop',
      },
    ]);
  });

  it('keeps what the file already held byte for byte', async () => {
    const before = `# operator notes\n[[tokens]] # the first one\nname = 'bob'\naccount = "human"\nsha256 = "${hashToken('b')}"\n`;
    await writeFile(path, before, { mode: 0o600 });
    await addTokenToFile(path, alice);
    const after = await readFile(path, 'utf8');
    expect(after.startsWith(before)).toBe(true);
    expect((await readTokenFile(path)).map((entry) => entry.identity.name)).toEqual(['bob', 'alice']);
  });

  it('makes an existing file 0600 again', async () => {
    await writeFile(path, '', { mode: 0o600 });
    await chmod(path, 0o644);
    await addTokenToFile(path, alice);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('creates the parent directory when it is missing', async () => {
    const nested = join(directory, 'dev', 'tokens.toml');
    await addTokenToFile(nested, alice);
    expect(await readTokenFile(nested)).toHaveLength(1);
  });

  it('refuses to append to a malformed file and leaves it unchanged', async () => {
    const broken = '[[tokens]\nname = "x"\n';
    await writeFile(path, broken, { mode: 0o600 });
    await expect(addTokenToFile(path, alice)).rejects.toThrow(TokenFileError);
    expect(await readFile(path, 'utf8')).toBe(broken);
  });

  it('refuses an identity name outside the allowed alphabet, naming the key', async () => {
    await expect(addTokenToFile(path, { ...alice, name: 'alice smith' })).rejects.toThrow(`${path}: name: expected`);
  });

  it('refuses a name that the file already holds as another account type', async () => {
    await addTokenToFile(path, alice);
    await expect(addTokenToFile(path, { ...alice, account: 'system' })).rejects.toThrow('already a human account');
  });

  it('leaves no temporary file behind', async () => {
    await addTokenToFile(path, alice);
    await addTokenToFile(path, { name: 'agent-rift', account: 'system', roles: [] });
    expect(await readdir(directory)).toEqual(['tokens.toml']);
  });
});

describe('readTokenFile', () => {
  it('refuses a file that group or others may write, naming the file', async () => {
    await addTokenToFile(path, alice);
    await chmod(path, 0o664);
    await expect(readTokenFile(path)).rejects.toThrow(`${path}: readable or writable by group or others (mode 664)`);
  });

  it('refuses a file that group or others may read', async () => {
    await addTokenToFile(path, alice);
    await chmod(path, 0o640);
    await expect(readTokenFile(path)).rejects.toThrow(`${path}: readable or writable by group or others (mode 640)`);
  });

  it("refuses a file another user owns", async () => {
    await addTokenToFile(path, alice);
    const uid = process.getuid?.() ?? 0;
    expect(await secretFileProblem(path, uid + 1)).toBe(`owned by uid ${uid}, not by this daemon's user (uid ${uid + 1}); chown it`);
    expect(await secretFileProblem(path, uid)).toBeUndefined();
  });

  it('names the file when it does not exist', async () => {
    await expect(readTokenFile(path)).rejects.toThrow(`${path}: cannot read: ENOENT`);
  });
});
