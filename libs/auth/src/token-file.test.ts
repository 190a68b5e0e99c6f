import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenFileError } from './errors.js';
import type { TokenEntry } from './token-file.js';
import { formatTokenEntry, parseTokenFile, tokenFileHeader } from './token-file.js';
import { generateToken, hashToken } from './token.js';

const file = '/etc/mcp/tokens.toml';
const hash = hashToken('some token');

function problemsOf(text: string): TokenFileError {
  try {
    parseTokenFile(text, file);
  } catch (error) {
    if (error instanceof TokenFileError) return error;
    throw error;
  }
  throw new Error('expected the file to be refused');
}

function entry(fields: string): string {
  return `[[tokens]]\n${fields}\n`;
}

describe('parseTokenFile', () => {
  it('reads name, account, roles and hash of every entry', () => {
    const text = entry(`name = "alice"\naccount = "human"\nroles = ["admin"]\nsha256 = "${hash}"`) +
      entry(`name = 'agent-rift'\naccount = 'system'\nsha256 = '${hashToken('other')}'`);
    expect(parseTokenFile(text, file)).toEqual([
      { identity: { name: 'alice', account: 'human', roles: ['admin'] }, sha256: hash },
      { identity: { name: 'agent-rift', account: 'system', roles: [] }, sha256: hashToken('other') },
    ]);
  });

  it('accepts a file with only comments as having no tokens', () => {
    expect(parseTokenFile(tokenFileHeader, file)).toEqual([]);
  });

  it('stores hashes in lower case whatever case the file uses', () => {
    const [parsed] = parseTokenFile(entry(`name = "a"\naccount = "human"\nsha256 = "${hash.toUpperCase()}"`), file);
    expect(parsed?.sha256).toBe(hash);
  });

  it('keeps the creation time and comment', () => {
    const [parsed] = parseTokenFile(
      entry(`name = "a"\naccount = "human"\nsha256 = "${hash}"\ncreated = 2025-01-31T12:00:00Z\ncomment = "laptop"`),
      file,
    );
    expect(parsed?.created?.toISOString()).toBe('2025-01-31T12:00:00.000Z');
    expect(parsed?.comment).toBe('laptop');
  });

  it('refuses text that is not TOML, naming the file and the line', () => {
    const error = problemsOf(`[[tokens]]\nname = "alice\naccount = "human"\n`);
    expect(error.message).toMatch(/^\/etc\/mcp\/tokens\.toml: not valid TOML at line 2, column \d+: /);
  });

  it('refuses a hash that is not 64 hex characters, naming the key', () => {
    const error = problemsOf(entry(`name = "a"\naccount = "human"\nsha256 = "abc123"`));
    expect(error.problems).toEqual([
      { keyPath: 'tokens[0].sha256', problem: 'expected 64 hexadecimal characters (the SHA-256 of the token), got 6 characters' },
    ]);
  });

  it('never repeats a plain token pasted in place of its hash', () => {
    const token = generateToken();
    const error = problemsOf(entry(`name = "a"\naccount = "human"\nsha256 = "${token}"`));
    expect(error.message).toContain('looks like a plain token');
    expect(error.message).not.toContain(token);
  });

  it('refuses an unknown account type, naming the key and the allowed values', () => {
    const error = problemsOf(entry(`name = "a"\naccount = "robot"\nsha256 = "${hash}"`));
    expect(error.message).toBe(`${file}: tokens[0].account: expected "human" or "system", got "robot"`);
  });

  it('refuses an entry without a name', () => {
    const error = problemsOf(entry(`account = "human"\nsha256 = "${hash}"`));
    expect(error.problems).toEqual([{ keyPath: 'tokens[0].name', problem: 'required key is missing' }]);
  });

  it('refuses an unknown key so that a misspelt one is not silently ignored', () => {
    const error = problemsOf(entry(`name = "a"\naccount = "human"\nrole = ["admin"]\nsha256 = "${hash}"`));
    expect(error.problems.map((p) => p.keyPath)).toEqual(['tokens[0].role']);
  });

  it('refuses roles that are not a list of names', () => {
    const error = problemsOf(entry(`name = "a"\naccount = "human"\nroles = "admin"\nsha256 = "${hash}"`));
    expect(error.problems).toEqual([{ keyPath: 'tokens[0].roles', problem: 'expected a list of strings, got "admin"' }]);
  });

  it('refuses a top-level key other than tokens', () => {
    const error = problemsOf(`version = 1\n`);
    expect(error.problems.map((p) => p.keyPath)).toEqual(['version']);
  });

  it('reports every problem of the file at once', () => {
    const text = entry(`name = "a"\naccount = "robot"\nsha256 = "${hash}"`) + entry(`name = "b"\naccount = "human"\nsha256 = "00"`);
    expect(problemsOf(text).problems.map((p) => p.keyPath)).toEqual(['tokens[0].account', 'tokens[1].sha256']);
  });

  it('refuses the same hash in two entries', () => {
    const text = entry(`name = "a"\naccount = "human"\nsha256 = "${hash}"`) + entry(`name = "b"\naccount = "human"\nsha256 = "${hash}"`);
    expect(problemsOf(text).problems.map((p) => p.keyPath)).toEqual(['tokens[1].sha256']);
  });

  it('finds a repeated hash even when another entry is broken', () => {
    const text = entry(`name = "a"\naccount = "robot"\nsha256 = "${hash}"`) +
      entry(`name = "b"\naccount = "human"\nsha256 = "${hash}"`) + entry(`name = "c"\naccount = "human"\nsha256 = "${hash}"`);
    expect(problemsOf(text).problems.map((p) => p.keyPath)).toEqual(['tokens[0].account', 'tokens[2].sha256']);
  });

  it('allows several tokens for one identity', () => {
    const text = entry(`name = "a"\naccount = "human"\nsha256 = "${hash}"`) +
      entry(`name = "a"\naccount = "human"\nsha256 = "${hashToken('second')}"`);
    expect(parseTokenFile(text, file)).toHaveLength(2);
  });

  it('refuses one name with two account types', () => {
    const text = entry(`name = "a"\naccount = "human"\nsha256 = "${hash}"`) +
      entry(`name = "a"\naccount = "system"\nsha256 = "${hashToken('second')}"`);
    expect(problemsOf(text).problems.map((p) => p.keyPath)).toEqual(['tokens[1].account']);
  });
});

describe('formatTokenEntry', () => {
  const name = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._@+-]{0,20}$/);

  it('writes entries that parse back to the same entry', () => {
    fc.assert(
      fc.property(
        name,
        fc.constantFrom('human' as const, 'system' as const),
        fc.array(name, { maxLength: 3 }),
        fc.option(fc.string(), { nil: undefined }),
        (entryName, account, roles, comment) => {
          const written: TokenEntry = {
            identity: { name: entryName, account, roles },
            sha256: hash,
            created: new Date(Date.UTC(2025, 0, 31, 12)),
            ...(comment === undefined ? {} : { comment }),
          };
          expect(parseTokenFile(tokenFileHeader + formatTokenEntry(written), file)).toEqual([written]);
        },
      ),
    );
  });
});
