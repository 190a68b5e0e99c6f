import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditMessage } from './audit.js';
import { openAuditLog } from './audit-log.js';
import { makeOwnerOnly } from './secret-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mcp-audit-log-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('the audit log', () => {
  it('writes every record to its own owner-only file, narrowing one that existed with a wider mode', async () => {
    const path = join(dir, 'audit', 'audit.log');
    await openAuditLog({ path }).then((audit) => audit.close());
    await writeFile(path, '', { mode: 0o644 });
    const audit = await openAuditLog({ path, base: { node: 'rift' } });
    audit.log.info({ audit: true, rpc: '/x/Y', decision: 'refused' }, auditMessage);
    await audit.close();
    await audit.close();
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const lines = (await readFile(path, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([expect.objectContaining({ node: 'rift', rpc: '/x/Y', msg: auditMessage, level: 30 })]);
  });
});

describe('makeOwnerOnly', () => {
  it('creates a missing file 0600 and narrows an existing one and its SQLite companions', async () => {
    const fresh = join(dir, 'fresh.db');
    await makeOwnerOnly(fresh);
    expect((await stat(fresh)).mode & 0o777).toBe(0o600);
    const existing = join(dir, 'registry.db');
    await writeFile(existing, 'x', { mode: 0o644 });
    await writeFile(`${existing}-wal`, 'x', { mode: 0o644 });
    await makeOwnerOnly(existing);
    expect((await stat(existing)).mode & 0o777).toBe(0o600);
    expect((await stat(`${existing}-wal`)).mode & 0o777).toBe(0o600);
    expect(await readFile(existing, 'utf8')).toBe('x');
  });
});
