import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TokenFileError } from './errors.js';
import { addTokenToFile } from './token-file-store.js';
import { createTokenFileValidator } from './token-file-validator.js';
import { generateToken } from './token.js';

let directory: string;
let path: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'mcp-auth-'));
  path = join(directory, 'tokens.toml');
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('createTokenFileValidator', () => {
  it('returns the identity of a token in the file', async () => {
    const token = await addTokenToFile(path, { name: 'alice', account: 'human', roles: ['admin'] });
    const validator = await createTokenFileValidator({ path });
    expect(await validator.validate(token)).toEqual({ name: 'alice', account: 'human', roles: ['admin'] });
  });

  it('tells tokens of different identities apart', async () => {
    await addTokenToFile(path, { name: 'alice', account: 'human', roles: [] });
    const agentToken = await addTokenToFile(path, { name: 'agent-rift', account: 'system', roles: [] });
    const validator = await createTokenFileValidator({ path });
    expect((await validator.validate(agentToken))?.name).toBe('agent-rift');
  });

  it('does not recognise a token that is not in the file', async () => {
    await addTokenToFile(path, { name: 'alice', account: 'human', roles: [] });
    const validator = await createTokenFileValidator({ path });
    expect(await validator.validate(generateToken())).toBeUndefined();
  });

  it('does not recognise an empty token', async () => {
    await addTokenToFile(path, { name: 'alice', account: 'human', roles: [] });
    const validator = await createTokenFileValidator({ path });
    expect(await validator.validate('')).toBeUndefined();
  });

  it('accepts a token added to the file after it started', async () => {
    await addTokenToFile(path, { name: 'alice', account: 'human', roles: [] });
    const validator = await createTokenFileValidator({ path });
    const later = await addTokenToFile(path, { name: 'bob', account: 'human', roles: [] });
    expect((await validator.validate(later))?.name).toBe('bob');
  });

  it('refuses a token whose entry was removed from the file', async () => {
    const token = await addTokenToFile(path, { name: 'alice', account: 'human', roles: [] });
    const validator = await createTokenFileValidator({ path });
    await validator.validate(token);
    await writeFile(path, '# everything revoked\n');
    expect(await validator.validate(token)).toBeUndefined();
  });

  it('fails closed while the file is malformed, naming the file', async () => {
    const token = await addTokenToFile(path, { name: 'alice', account: 'human', roles: [] });
    const validator = await createTokenFileValidator({ path });
    await writeFile(path, `${await readFile(path, 'utf8')}\n[[tokens]]\nname = "bob"\n`);
    await expect(validator.validate(token)).rejects.toThrow(`${path}: tokens[1].account: required key is missing`);
  });

  it('recovers once a malformed file is fixed', async () => {
    const token = await addTokenToFile(path, { name: 'alice', account: 'human', roles: [] });
    const good = await readFile(path, 'utf8');
    const validator = await createTokenFileValidator({ path });
    await writeFile(path, 'not toml at all');
    await expect(validator.validate(token)).rejects.toThrow(TokenFileError);
    await writeFile(path, good);
    expect((await validator.validate(token))?.name).toBe('alice');
  });

  it('refuses to start without a token file', async () => {
    await expect(createTokenFileValidator({ path })).rejects.toThrow(`${path}: cannot read`);
  });
});
