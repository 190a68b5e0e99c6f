// The MCNS driver: the platform's DNS server through its REST contract (SPEC §7; the whole contract this driver
// relies on is written down in this lib's README). Bearer token, JSON, records addressed by id.
import { DnsError, kindOfStatus } from './errors.js';
import { callJson, errorTextOf, type JsonAnswer, type JsonCall } from './http-json.js';
import { absoluteName, compareRecords, isValidRelativeName, normalizeZone, relativeName } from './names.js';
import type { AddressRecordType, DnsDriver, DnsRecord, DnsServerSettings } from './types.js';

/** A record as MCNS answers it (Go field names). */
interface McnsRecord {
  readonly ID: string | number;
  readonly Name: string;
  readonly Type: string;
  readonly Value: string;
  readonly TTL: number;
}

function isMcnsRecord(value: unknown): value is McnsRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    (typeof record['ID'] === 'string' || typeof record['ID'] === 'number') &&
    typeof record['Name'] === 'string' &&
    typeof record['Type'] === 'string' &&
    typeof record['Value'] === 'string' &&
    typeof record['TTL'] === 'number'
  );
}

/** A driver for one zone of an MCNS server. */
export function createMcnsDriver(settings: Omit<DnsServerSettings, 'kind' | 'serverId'>): DnsDriver {
  const zone = normalizeZone(settings.zone);
  const base = settings.apiUrl.replace(/\/+$/, '');
  const recordsUrl = `${base}/v1/zones/${encodeURIComponent(zone)}/records`;
  const timeoutMs = settings.timeoutMs ?? 10_000;

  const call = async (operation: string, method: JsonCall['method'], url: string, body?: unknown): Promise<JsonAnswer> => {
    let answer: JsonAnswer;
    try {
      answer = await callJson({ method, url: new URL(url), headers: { authorization: `Bearer ${settings.secret}` }, body, caPem: settings.caPem, timeoutMs });
    } catch (error) {
      throw new DnsError({ kind: 'unreachable', driver: 'mcns', operation, detail: `no answer from ${base} (${(error as Error).message})`, cause: error });
    }
    if (answer.status >= 200 && answer.status < 300) return answer;
    throw new DnsError({ kind: kindOfStatus(answer.status), driver: 'mcns', operation, detail: errorTextOf(answer), status: answer.status });
  };

  const list = async (operation: string): Promise<DnsRecord[]> => {
    const answer = await call(operation, 'GET', recordsUrl);
    const records = (answer.json as { records?: unknown } | undefined)?.records;
    if (!Array.isArray(records) || !records.every(isMcnsRecord)) {
      throw new DnsError({ kind: 'failed', driver: 'mcns', operation, detail: 'the answer is not {"records":[{"ID","Name","Type","Value","TTL"}]}' });
    }
    return records
      .map((record) => ({ id: String(record.ID), name: relativeName(record.Name, zone), type: record.Type.toUpperCase(), value: record.Value, ttlSeconds: record.TTL }))
      .sort(compareRecords);
  };

  const recordUrl = (id: string): string => `${recordsUrl}/${encodeURIComponent(id)}`;

  const remove = async (operation: string, record: DnsRecord): Promise<void> => {
    try {
      await call(operation, 'DELETE', recordUrl(record.id));
    } catch (error) {
      // Gone already (another writer, or our own earlier attempt): the goal is reached.
      if (!(error instanceof DnsError && error.kind === 'not-found')) throw error;
    }
  };

  const checkName = (operation: string, name: string): void => {
    if (!isValidRelativeName(name)) {
      throw new DnsError({ kind: 'refused', driver: 'mcns', operation, detail: `${JSON.stringify(name)} is not a name relative to zone ${zone}` });
    }
  };

  return {
    kind: 'mcns',
    zone,
    listRecords: () => list(`list zone ${zone}`),
    async setRecords(name: string, type: AddressRecordType, values: readonly string[], ttlSeconds: number): Promise<void> {
      const operation = `set ${absoluteName(name, zone)} ${type}`;
      checkName(operation, name);
      const wanted = [...new Set(values)];
      const present = (await list(operation)).filter((record) => record.name === name && record.type === type);
      // New values first, stale ones after: while a name moves it never answers with nothing.
      for (const value of wanted) {
        const existing = present.find((record) => record.value === value);
        const body = { name, type, value, ttl: ttlSeconds };
        if (existing === undefined) await call(operation, 'POST', recordsUrl, body);
        else if (existing.ttlSeconds !== ttlSeconds) await call(operation, 'PUT', recordUrl(existing.id), body);
      }
      for (const record of present.filter((candidate) => !wanted.includes(candidate.value))) await remove(operation, record);
    },
    async deleteRecords(name: string, type: AddressRecordType): Promise<void> {
      const operation = `delete ${absoluteName(name, zone)} ${type}`;
      checkName(operation, name);
      const present = (await list(operation)).filter((record) => record.name === name && record.type === type);
      for (const record of present) await remove(operation, record);
    },
  };
}
