// ListDNSRecords: the internal zone as this agent reads it through its [dns]; the agent writes no record (the master does).
import { create } from '@bufbuild/protobuf';
import { DnsError } from '@mcp/dns';
import { DNSRecordSchema, ListDNSRecordsResponseSchema, type ListDNSRecordsResponse } from '@mcp/proto';
import type { HandlerGroup } from '../agent-handlers.js';
import type { AgentDeps } from '../deps.js';
import { BackendUnavailableError } from '../errors.js';

/** configured=false without [dns]; a DNS server that does not answer or refuses → Unavailable naming it. */
export async function listDnsRecords(deps: Pick<AgentDeps, 'dns'>): Promise<ListDNSRecordsResponse> {
  const dns = deps.dns;
  if (dns === undefined) return create(ListDNSRecordsResponseSchema, { zone: '', records: [], configured: false });
  try {
    const records = await dns.listRecords();
    return create(ListDNSRecordsResponseSchema, {
      zone: dns.zone,
      configured: true,
      records: records.map((record) => create(DNSRecordSchema, { id: record.id, name: record.name, type: record.type, value: record.value, ttl: record.ttlSeconds })),
    });
  } catch (error) {
    if (!(error instanceof DnsError)) throw error;
    throw new BackendUnavailableError('dns', `cannot list zone ${dns.zone}: ${error.message}`, { cause: error });
  }
}

export const dnsRpcs: HandlerGroup = (deps) => ({
  listDNSRecords: () => listDnsRecords(deps),
});
