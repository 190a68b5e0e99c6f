// The master owns each service's DNS record `<service>.<zone>` → its node's address (SPEC §7, the v2 path): made on
// deploy, moved on migrate, removed on undeploy, repaired when lost. The agent writes none (one writer, never two).
import { absoluteName, addressRecordFor, DnsError, hostOfAddress, type AddressRecordType, type DnsDriver } from '@mcp/dns';
import type { StepResult } from '@mcp/proto';
import type { NodeRecord } from './deps.js';
import { errorText, stepFailed, stepOk, stepSkipped } from './step-results.js';

/** The master's DNS: a driver for the internal zone and the TTL of the records it writes. */
export interface ServiceDns {
  readonly driver: DnsDriver;
  readonly ttlSeconds: number;
}

export const DNS_NOT_CONFIGURED = 'the master has no DNS configured ([dns] in its config): no record is kept for the service';

const addressTypes: readonly AddressRecordType[] = ['A', 'AAAA'];

/** What the record of `service` on `node` should be, or why there can be none. */
export function expectedRecord(node: NodeRecord): { type: AddressRecordType; value: string } | { problem: string } {
  const host = hostOfAddress(node.address);
  const record = addressRecordFor(host);
  if (record === undefined) {
    return { problem: `node ${node.name}'s address ${node.address} has no IP address (host ${JSON.stringify(host)}); an A or AAAA record needs one` };
  }
  return record;
}

function failure(error: unknown): string {
  return error instanceof DnsError ? error.message : errorText(error);
}

/**
 * Points `<service>.<zone>` at `node` (A or AAAA by its address; the other type is removed, so a move from an IPv4
 * to an IPv6 node leaves no stale answer). The `dns` step of deploy; migrate calls it for the target node.
 */
export async function pointServiceAt(dns: ServiceDns | undefined, service: string, node: NodeRecord): Promise<StepResult> {
  if (dns === undefined) return stepSkipped('dns', DNS_NOT_CONFIGURED);
  const name = absoluteName(service, dns.driver.zone);
  const expected = expectedRecord(node);
  if ('problem' in expected) return stepFailed('dns', `no record for ${name}: ${expected.problem}`);
  try {
    await dns.driver.setRecords(service, expected.type, [expected.value], dns.ttlSeconds);
    for (const type of addressTypes.filter((other) => other !== expected.type)) await dns.driver.deleteRecords(service, type);
  } catch (error) {
    return stepFailed('dns', `${name} ${expected.type} ${expected.value} (node ${node.name}) not recorded: ${failure(error)}`);
  }
  return stepOk('dns', `${name} ${expected.type} ${expected.value} (node ${node.name})`);
}

/** Removes `<service>.<zone>` (A and AAAA): the `dns` step of undeploy. */
export async function removeServiceRecord(dns: ServiceDns | undefined, service: string): Promise<StepResult> {
  if (dns === undefined) return stepSkipped('dns', DNS_NOT_CONFIGURED);
  const name = absoluteName(service, dns.driver.zone);
  try {
    for (const type of addressTypes) await dns.driver.deleteRecords(service, type);
  } catch (error) {
    return stepFailed('dns', `${name} not removed: ${failure(error)}`);
  }
  return stepOk('dns', `${name} removed`);
}
