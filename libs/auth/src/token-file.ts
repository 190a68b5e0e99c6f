// The local token file format (SPEC 9): parsing and formatting, pure and without I/O.
import TOML from '@iarna/toml';
import type { AccountType, Identity } from './identity.js';
import { accountTypes, identityNameRule, isValidIdentityName } from './identity.js';
import type { TokenFileProblem } from './errors.js';
import { TokenFileError } from './errors.js';
import { looksLikePlainToken } from './token.js';

/** One `[[tokens]]` entry: the identity a token stands for, and the token's SHA-256 (never the token). */
export interface TokenEntry {
  readonly identity: Identity;
  /** 64 lower-case hex characters. */
  readonly sha256: string;
  readonly created?: Date;
  readonly comment?: string;
}

export const tokenFileHeader = [
  '# MCP local token file: SHA-256 hashes of bearer tokens, never the tokens themselves.',
  '# One [[tokens]] entry per token: name, account ("human" or "system"), roles, sha256.',
  '# Add entries with `mcp dev up` or addTokenToFile(); remove an entry to revoke its token.',
  '',
].join('\n');

const entryKeys = new Set(['name', 'account', 'roles', 'sha256', 'created', 'comment']);
const sha256Pattern = /^[0-9a-fA-F]{64}$/;

/** Parses and checks a whole token file, reporting every problem at once with its key path. */
export function parseTokenFile(text: string, file: string): TokenEntry[] {
  const document = parseToml(text, file);
  const problems: TokenFileProblem[] = [];
  for (const key of Object.keys(document)) {
    if (key !== 'tokens') problems.push({ keyPath: key, problem: 'unknown key; the file holds only [[tokens]] entries' });
  }
  const tokens = document['tokens'];
  if (tokens !== undefined && !Array.isArray(tokens)) {
    problems.push({ keyPath: 'tokens', problem: 'expected an array of tables ([[tokens]])' });
  }
  const indexed: (readonly [number, TokenEntry])[] = [];
  if (Array.isArray(tokens)) {
    tokens.forEach((raw: unknown, index) => {
      const entry = checkEntry(raw, `tokens[${index}]`, problems);
      if (entry !== undefined) indexed.push([index, entry]);
    });
    problems.push(...checkConsistency(indexed));
  }
  if (problems.length > 0) throw new TokenFileError(file, problems);
  return indexed.map(([, entry]) => entry);
}

/** The TOML text of one entry, to be appended to a file; TOML.stringify does the quoting. */
export function formatTokenEntry(entry: TokenEntry): string {
  const table: TOML.JsonMap = {
    name: entry.identity.name,
    account: entry.identity.account,
    roles: [...entry.identity.roles],
    sha256: entry.sha256,
  };
  if (entry.created !== undefined) table['created'] = entry.created;
  if (entry.comment !== undefined) table['comment'] = entry.comment;
  return TOML.stringify({ tokens: [table] });
}

/** Problems with an identity about to be written, keyed like the entry's own fields. */
export function identityProblems(identity: Identity, keyPrefix = ''): TokenFileProblem[] {
  const problems: TokenFileProblem[] = [];
  if (!isValidIdentityName(identity.name)) {
    problems.push({ keyPath: `${keyPrefix}name`, problem: `expected ${identityNameRule}, got ${JSON.stringify(identity.name)}` });
  }
  if (!accountTypes.includes(identity.account)) {
    problems.push({ keyPath: `${keyPrefix}account`, problem: `expected "human" or "system", got ${JSON.stringify(identity.account)}` });
  }
  identity.roles.forEach((role, index) => {
    if (!isValidIdentityName(role)) {
      problems.push({ keyPath: `${keyPrefix}roles[${index}]`, problem: `expected ${identityNameRule}, got ${JSON.stringify(role)}` });
    }
  });
  return problems;
}

function parseToml(text: string, file: string): TOML.JsonMap {
  try {
    return TOML.parse(text);
  } catch (error) {
    // iarna's message quotes the surrounding lines; keep only the reason and the position.
    const { message, line, col } = error as { message: string; line?: number; col?: number };
    const reason = message.split(' at row ')[0] ?? message;
    const where = line === undefined || col === undefined ? '' : ` at line ${line + 1}, column ${col + 1}`;
    throw new TokenFileError(file, [{ keyPath: '', problem: `not valid TOML${where}: ${reason}` }], { cause: error });
  }
}

function checkEntry(raw: unknown, at: string, problems: TokenFileProblem[]): TokenEntry | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || raw instanceof Date) {
    problems.push({ keyPath: at, problem: 'expected a table with name, account, roles and sha256' });
    return undefined;
  }
  const table = raw as Record<string, unknown>;
  const before = problems.length;
  for (const key of Object.keys(table)) {
    if (!entryKeys.has(key)) problems.push({ keyPath: `${at}.${key}`, problem: `unknown key; expected one of ${[...entryKeys].join(', ')}` });
  }
  const name = requireString(table, 'name', at, problems);
  const account = requireString(table, 'account', at, problems);
  const sha256 = requireString(table, 'sha256', at, problems);
  const roles = checkRoles(table['roles'], `${at}.roles`, problems);
  if (sha256 !== undefined) checkSha256(sha256, `${at}.sha256`, problems);
  const created = table['created'];
  if (created !== undefined && !(created instanceof Date)) {
    problems.push({ keyPath: `${at}.created`, problem: 'expected a TOML date-time such as 2025-01-31T12:00:00Z' });
  }
  const comment = table['comment'];
  if (comment !== undefined && typeof comment !== 'string') problems.push({ keyPath: `${at}.comment`, problem: 'expected a string' });
  if (name === undefined || account === undefined || sha256 === undefined || roles === undefined) return undefined;
  const identity = { name, account: account as AccountType, roles };
  problems.push(...identityProblems(identity, `${at}.`));
  if (problems.length > before) return undefined;
  return {
    identity,
    sha256: sha256.toLowerCase(),
    ...(created instanceof Date ? { created } : {}),
    ...(typeof comment === 'string' ? { comment } : {}),
  };
}

function requireString(table: Record<string, unknown>, key: string, at: string, problems: TokenFileProblem[]): string | undefined {
  const value = table[key];
  if (value === undefined) {
    problems.push({ keyPath: `${at}.${key}`, problem: 'required key is missing' });
    return undefined;
  }
  if (typeof value !== 'string') {
    problems.push({ keyPath: `${at}.${key}`, problem: `expected a string, got ${describe(value)}` });
    return undefined;
  }
  return value;
}

function checkRoles(value: unknown, at: string, problems: TokenFileProblem[]): string[] | undefined {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.push({ keyPath: at, problem: `expected a list of strings, got ${describe(value)}` });
    return undefined;
  }
  const before = problems.length;
  value.forEach((role: unknown, index) => {
    if (typeof role !== 'string') {
      problems.push({ keyPath: `${at}[${index}]`, problem: `expected a string, got ${describe(role)}` });
    }
  });
  return problems.length > before ? undefined : (value as string[]);
}

// The value is never echoed: a plain token pasted here by mistake must not reach a log.
function checkSha256(value: string, at: string, problems: TokenFileProblem[]): void {
  if (sha256Pattern.test(value)) return;
  const hint = looksLikePlainToken(value)
    ? '; this looks like a plain token: store only its SHA-256 (hashToken) and replace the leaked token'
    : '';
  problems.push({
    keyPath: at,
    problem: `expected 64 hexadecimal characters (the SHA-256 of the token), got ${value.length} characters${hint}`,
  });
}

// Across entries: one hash means one identity, and one name keeps one account type.
function checkConsistency(indexed: readonly (readonly [number, TokenEntry])[]): TokenFileProblem[] {
  const problems: TokenFileProblem[] = [];
  const firstByHash = new Map<string, number>();
  const firstByName = new Map<string, readonly [number, TokenEntry]>();
  for (const [index, entry] of indexed) {
    const sameHash = firstByHash.get(entry.sha256);
    if (sameHash === undefined) firstByHash.set(entry.sha256, index);
    else {
      const problem = `same token hash as tokens[${sameHash}]; one token must map to one identity`;
      problems.push({ keyPath: `tokens[${index}].sha256`, problem });
    }
    const sameName = firstByName.get(entry.identity.name);
    if (sameName === undefined) firstByName.set(entry.identity.name, [index, entry]);
    else if (sameName[1].identity.account !== entry.identity.account) {
      const problem = `"${entry.identity.name}" is already a ${sameName[1].identity.account} account in tokens[${sameName[0]}]`;
      problems.push({ keyPath: `tokens[${index}].account`, problem });
    }
  }
  return problems;
}

function describe(value: unknown): string {
  if (value instanceof Date) return 'a date';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object' && value !== null) return 'a table';
  return `${typeof value} ${String(value)}`;
}
