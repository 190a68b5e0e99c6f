// The PowerDNS 4.7 driver: its HTTP API (X-API-Key), one RRset PATCH per change, so each change is atomic.
import { DnsError, kindOfStatus } from './errors.js';
import { callJson, errorTextOf, type JsonAnswer, type JsonCall } from './http-json.js';
import { absoluteName, compareRecords, isValidRelativeName, normalizeZone, relativeName } from './names.js';
import type { AddressRecordType, DnsDriver, DnsRecord, DnsServerSettings } from './types.js';

interface PowerDnsRrset {
  readonly name: string;
  readonly type: string;
  readonly ttl: number;
  readonly records: readonly { readonly content: string; readonly disabled?: boolean }[];
}

function isRrset(value: unknown): value is PowerDnsRrset {
  if (typeof value !== 'object' || value === null) return false;
  const rrset = value as Record<string, unknown>;
  return typeof rrset['name'] === 'string' && typeof rrset['type'] === 'string' && typeof rrset['ttl'] === 'number' && Array.isArray(rrset['records']);
}

/** A driver for one zone of a PowerDNS server. The zone must exist there (the dev fleet and tests create it). */
export function createPowerDnsDriver(settings: Omit<DnsServerSettings, 'kind'>): DnsDriver {
  const zone = normalizeZone(settings.zone);
  const base = settings.apiUrl.replace(/\/+$/, '');
  const zoneUrl = new URL(`${base}/api/v1/servers/${encodeURIComponent(settings.serverId ?? 'localhost')}/zones/${encodeURIComponent(`${zone}.`)}`);
  const timeoutMs = settings.timeoutMs ?? 10_000;

  const call = async (operation: string, method: JsonCall['method'], body?: unknown): Promise<JsonAnswer> => {
    let answer: JsonAnswer;
    try {
      answer = await callJson({ method, url: zoneUrl, headers: { 'x-api-key': settings.secret }, body, caPem: settings.caPem, timeoutMs });
    } catch (error) {
      throw new DnsError({ kind: 'unreachable', driver: 'powerdns', operation, detail: `no answer from ${base} (${(error as Error).message})`, cause: error });
    }
    if (answer.status >= 200 && answer.status < 300) return answer;
    const detail = answer.status === 404 ? `zone ${zone}. does not exist on ${base}; create it there first` : errorTextOf(answer);
    throw new DnsError({ kind: kindOfStatus(answer.status), driver: 'powerdns', operation, detail, status: answer.status });
  };

  const checkName = (operation: string, name: string): void => {
    if (!isValidRelativeName(name)) {
      throw new DnsError({ kind: 'refused', driver: 'powerdns', operation, detail: `${JSON.stringify(name)} is not a name relative to zone ${zone}` });
    }
  };

  const patch = async (operation: string, rrset: Record<string, unknown>): Promise<void> => {
    await call(operation, 'PATCH', { rrsets: [rrset] });
  };

  return {
    kind: 'powerdns',
    zone,
    async listRecords(): Promise<DnsRecord[]> {
      const operation = `list zone ${zone}`;
      const answer = await call(operation, 'GET');
      const rrsets = (answer.json as { rrsets?: unknown } | undefined)?.rrsets;
      if (!Array.isArray(rrsets) || !rrsets.every(isRrset)) {
        throw new DnsError({ kind: 'failed', driver: 'powerdns', operation, detail: 'the answer has no rrsets list of {name, type, ttl, records}' });
      }
      const records = rrsets.flatMap((rrset) =>
        rrset.records
          .filter((record) => record.disabled !== true)
          .map((record) => ({
            id: `${rrset.name}/${rrset.type}/${record.content}`,
            name: relativeName(rrset.name, zone),
            type: rrset.type,
            value: record.content,
            ttlSeconds: rrset.ttl,
          })),
      );
      return records.sort(compareRecords);
    },
    async setRecords(name: string, type: AddressRecordType, values: readonly string[], ttlSeconds: number): Promise<void> {
      const operation = `set ${absoluteName(name, zone)} ${type}`;
      checkName(operation, name);
      if (values.length === 0) {
        await patch(operation, { name: `${absoluteName(name, zone)}.`, type, changetype: 'DELETE' });
        return;
      }
      await patch(operation, {
        name: `${absoluteName(name, zone)}.`,
        type,
        ttl: ttlSeconds,
        changetype: 'REPLACE',
        records: [...new Set(values)].map((content) => ({ content, disabled: false })),
      });
    },
    async deleteRecords(name: string, type: AddressRecordType): Promise<void> {
      const operation = `delete ${absoluteName(name, zone)} ${type}`;
      checkName(operation, name);
      await patch(operation, { name: `${absoluteName(name, zone)}.`, type, changetype: 'DELETE' });
    },
  };
}
