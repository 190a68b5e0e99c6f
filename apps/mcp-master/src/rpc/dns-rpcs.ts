// ListZoneRecords: the internal zone as the master's DNS server reports it (the master owns the service records).
import { create } from '@bufbuild/protobuf';
import { DnsError } from '@mcp/dns';
import { DNSRecordSchema, ListZoneRecordsResponseSchema, type ListZoneRecordsResponse } from '@mcp/proto';
import type { MasterDeps } from '../deps.js';
import { FleetError } from '../fleet-errors.js';
import type { HandlerGroup } from '../master-handlers.js';

/** configured=false when the master has no [dns]; an unreachable or refusing DNS server → Unavailable naming it. */
export async function listZoneRecords(deps: MasterDeps): Promise<ListZoneRecordsResponse> {
  const dns = deps.dns;
  if (dns === undefined) return create(ListZoneRecordsResponseSchema, { zone: '', records: [], configured: false });
  try {
    const records = await dns.driver.listRecords();
    return create(ListZoneRecordsResponseSchema, {
      zone: dns.driver.zone,
      configured: true,
      records: records.map((record) => create(DNSRecordSchema, { id: record.id, name: record.name, type: record.type, value: record.value, ttl: record.ttlSeconds })),
    });
  } catch (error) {
    if (!(error instanceof DnsError)) throw error;
    throw new FleetError('unavailable', `cannot list zone ${dns.driver.zone}: ${error.message}`, { cause: error });
  }
}

export const dnsRpcs: HandlerGroup = (deps) => ({
  listZoneRecords: () => listZoneRecords(deps),
});
