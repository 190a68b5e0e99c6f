// Against a stand-in for MCIAS (libs/testing's mcias-stand-in: the contract of docs/mcias.md over real HTTPS).
import { startMciasStandIn, type McIasStandIn } from '@mcp/testing';
import { createCertificateAuthority, issueCertificate } from '@mcp/tls';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeClock } from './auth-test-harness.js';
import { MciasError, createMciasValidator, firstKnowing, mciasLogin } from './mcias.js';

let dir: string;
let mcias: McIasStandIn;
let caPem: string;
let otherCaPem: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mcp-mcias-'));
  const ca = await createCertificateAuthority({ dir: join(dir, 'ca'), commonName: 'mcias test CA' });
  const other = await createCertificateAuthority({ dir: join(dir, 'other'), commonName: 'other CA' });
  const leaf = await issueCertificate({ authority: ca, dir, name: 'mcias', commonName: 'mcias', altNames: ['127.0.0.1'] });
  mcias = await startMciasStandIn({
    certPath: leaf.chainPath,
    keyPath: leaf.keyPath,
    users: { alice: { password: 'correct horse', accountType: 'human', roles: ['admin'] } },
  });
  caPem = await readFile(ca.certPath, 'utf8');
  otherCaPem = await readFile(other.certPath, 'utf8');
});
afterAll(async () => {
  await mcias?.close();
  await rm(dir, { recursive: true, force: true });
});

const endpoint = () => ({ serverUrl: mcias.url, caPem, serviceName: 'mcp' });

describe('MCIAS login and validation', () => {
  it('logs in, then validates the token as the identity MCIAS names', async () => {
    const token = await mciasLogin(endpoint(), { username: 'alice', password: 'correct horse' });
    const validator = createMciasValidator({ ...endpoint(), clock: createFakeClock() });
    expect(await validator.validate(token)).toEqual({ name: 'alice', account: 'human', roles: ['admin'] });
    expect(await validator.validate('not-a-token')).toBeUndefined();
    expect(mcias.requests.every((request) => request.serviceName === 'mcp')).toBe(true);
  });

  it('refuses a wrong password with MCIAS\'s reason and no password in the message', async () => {
    const attempt = mciasLogin(endpoint(), { username: 'alice', password: 'wrong-secret' });
    await expect(attempt).rejects.toThrow('MCIAS refused the login of alice: invalid username or password');
    await expect(attempt).rejects.not.toThrow(/wrong-secret/);
  });

  it('keeps an answer 30 s under the token hash: a revoked token is refused once that has passed', async () => {
    const token = await mciasLogin(endpoint(), { username: 'alice', password: 'correct horse' });
    const clock = createFakeClock();
    const validator = createMciasValidator({ ...endpoint(), clock });
    expect(await validator.validate(token)).toMatchObject({ name: 'alice' });
    mcias.revoke(token);
    const asked = mcias.requests.length;
    clock.advance(29_999);
    expect(await validator.validate(token)).toMatchObject({ name: 'alice' });
    expect(mcias.requests.length).toBe(asked);
    clock.advance(1);
    expect(await validator.validate(token)).toBeUndefined();
    expect(mcias.requests.length).toBe(asked + 1);
  });

  it('does not keep a failure: MCIAS down throws, and the next call asks again', async () => {
    const token = await mciasLogin(endpoint(), { username: 'alice', password: 'correct horse' });
    const validator = createMciasValidator({ ...endpoint(), clock: createFakeClock() });
    mcias.setDown(true);
    try {
      await expect(validator.validate(token)).rejects.toBeInstanceOf(MciasError);
    } finally {
      mcias.setDown(false);
    }
    expect(await validator.validate(token)).toMatchObject({ name: 'alice' });
  });

  it('verifies MCIAS against the configured CA', async () => {
    const validator = createMciasValidator({ ...endpoint(), caPem: otherCaPem, clock: createFakeClock() });
    await expect(validator.validate('x')).rejects.toThrow(/cannot reach MCIAS/);
    await expect(mciasLogin({ ...endpoint(), serverUrl: mcias.url.replace('https', 'http') }, { username: 'a', password: 'b' })).rejects.toThrow(/over https/);
  });

  it('chains validators: the first that knows the token decides', async () => {
    const known = { validate: (token: string) => Promise.resolve(token === 'file' ? { name: 'mcp-master', account: 'system' as const, roles: [] } : undefined) };
    const token = await mciasLogin(endpoint(), { username: 'alice', password: 'correct horse' });
    const chain = firstKnowing([known, createMciasValidator({ ...endpoint(), clock: createFakeClock() })]);
    expect(await chain.validate('file')).toMatchObject({ name: 'mcp-master' });
    expect(await chain.validate(token)).toMatchObject({ name: 'alice' });
  });
});
