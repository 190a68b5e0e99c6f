// The conformance suite every DNS driver passes against its server (real PowerDNS, or the MCNS stand-in): registers vitest tests.
import { freeLoopbackPort, uniqueName } from '@mcp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDnsDriver } from '../drivers.js';
import { DnsError } from '../errors.js';
import type { DnsDriver, DnsServerSettings } from '../types.js';

export interface DnsConformanceHarness {
  /** Starts the server, with the zone of `settings()` existing and reachable. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Settings that reach the served zone with valid credentials. */
  settings(): DnsServerSettings;
}

export interface DnsConformanceOptions {
  /** When set, the suite is registered but skipped, and the reason shows in its title. */
  readonly skipReason?: string | undefined;
}

async function rejection(promise: Promise<unknown>): Promise<DnsError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DnsError);
  return error as DnsError;
}

export function dnsDriverConformanceSuite(title: string, harness: DnsConformanceHarness, options: DnsConformanceOptions = {}): void {
  const skipped = options.skipReason !== undefined;
  describe.skipIf(skipped)(skipped ? `${title} (skipped: ${options.skipReason})` : title, { timeout: 20_000 }, () => {
    beforeAll(() => harness.start(), 60_000);
    afterAll(() => harness.stop());
    const driver = (overrides: Partial<DnsServerSettings> = {}): DnsDriver => createDnsDriver({ ...harness.settings(), ...overrides });
    const recordsOf = async (name: string) =>
      (await driver().listRecords()).filter((record) => record.name === name).map(({ type, value, ttlSeconds }) => ({ type, value, ttlSeconds }));

    it('lists a record it set, named relative to the zone, with its value and TTL', async () => {
      const name = uniqueName('svc');
      await driver().setRecords(name, 'A', ['127.0.1.2'], 60);
      expect(await recordsOf(name)).toEqual([{ type: 'A', value: '127.0.1.2', ttlSeconds: 60 }]);
      expect(driver().zone).toBe(harness.settings().zone);
    });

    it('replaces the values of a name: a move leaves only the new address', async () => {
      const name = uniqueName('svc');
      await driver().setRecords(name, 'A', ['127.0.1.2'], 60);
      await driver().setRecords(name, 'A', ['127.0.1.3'], 60);
      expect(await recordsOf(name)).toEqual([{ type: 'A', value: '127.0.1.3', ttlSeconds: 60 }]);
    });

    it('is idempotent: setting the same record twice leaves one record', async () => {
      const name = uniqueName('svc');
      await driver().setRecords(name, 'A', ['127.0.1.2'], 60);
      await driver().setRecords(name, 'A', ['127.0.1.2'], 60);
      expect(await recordsOf(name)).toHaveLength(1);
    });

    it('keeps several values of one name, and applies a new TTL', async () => {
      const name = uniqueName('svc');
      await driver().setRecords(name, 'A', ['127.0.1.3', '127.0.1.2'], 60);
      await driver().setRecords(name, 'A', ['127.0.1.2', '127.0.1.3'], 120);
      expect(await recordsOf(name)).toEqual([
        { type: 'A', value: '127.0.1.2', ttlSeconds: 120 },
        { type: 'A', value: '127.0.1.3', ttlSeconds: 120 },
      ]);
    });

    it('leaves other names and other types alone', async () => {
      const [name, other] = [uniqueName('svc'), uniqueName('svc')];
      await driver().setRecords(other, 'A', ['127.0.1.9'], 60);
      await driver().setRecords(name, 'AAAA', ['fd00::2'], 60);
      await driver().setRecords(name, 'A', ['127.0.1.2'], 60);
      await driver().deleteRecords(name, 'A');
      expect(await recordsOf(name)).toEqual([{ type: 'AAAA', value: 'fd00::2', ttlSeconds: 60 }]);
      expect(await recordsOf(other)).toEqual([{ type: 'A', value: '127.0.1.9', ttlSeconds: 60 }]);
    });

    it('deletes a name, and deleting what is not there is no error', async () => {
      const name = uniqueName('svc');
      await driver().setRecords(name, 'A', ['127.0.1.2'], 60);
      await driver().deleteRecords(name, 'A');
      await driver().deleteRecords(name, 'A');
      expect(await recordsOf(name)).toEqual([]);
    });

    it('lists sorted by name, then type, then value', async () => {
      const records = await driver().listRecords();
      const keys = records.map((record) => [record.name, record.type, record.value].join(' '));
      const sorted = [...records]
        .sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type) || a.value.localeCompare(b.value))
        .map((record) => [record.name, record.type, record.value].join(' '));
      expect(keys).toEqual(sorted);
    });

    it('refuses wrong credentials as unauthorized and changes nothing', async () => {
      const name = uniqueName('svc');
      const error = await rejection(driver({ secret: 'not-the-key' }).setRecords(name, 'A', ['127.0.1.2'], 60));
      expect(error.kind).toBe('unauthorized');
      expect(error.message).not.toContain(harness.settings().secret);
      expect(await recordsOf(name)).toEqual([]);
    });

    it('reports a zone the server does not have as not-found, naming it', async () => {
      const error = await rejection(driver({ zone: 'absent.mcp.test' }).listRecords());
      expect(error.kind).toBe('not-found');
      expect(error.message).toContain('absent.mcp.test');
    });

    it('reports a server that does not answer as unreachable', async () => {
      const port = await freeLoopbackPort();
      const url = new URL(harness.settings().apiUrl);
      const error = await rejection(driver({ apiUrl: `${url.protocol}//127.0.0.1:${port}`, timeoutMs: 2000 }).listRecords());
      expect(error.kind).toBe('unreachable');
    });

    it('refuses a name that is not relative to the zone before calling the server', async () => {
      const error = await rejection(driver().setRecords('bad name!', 'A', ['127.0.1.2'], 60));
      expect(error.kind).toBe('refused');
    });
  });
}
