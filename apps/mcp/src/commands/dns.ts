// `mcp dns`: the internal zone's records (SPEC §5: `ZONE: <zone>`, then NAME TYPE VALUE TTL). Through the master,
// which owns the service records, its ListZoneRecords; with -n or --direct, how each agent reads the zone.
import { create } from '@bufbuild/protobuf';
import {
  ListDNSRecordsRequestSchema,
  ListDNSRecordsResponseSchema,
  ListZoneRecordsRequestSchema,
  ListZoneRecordsResponseSchema,
  type DNSRecord,
} from '@mcp/proto';
import { agentsForFleet } from '../agent-targets.js';
import { withFleetNodeOption } from '../command-options.js';
import type { CliCommand, CommandContext } from '../context.js';
import { exitCodes, type ExitCode } from '../errors.js';
import { connectMaster } from '../master-client.js';
import { masterDocument } from '../master-report.js';
import { askEach, reportFleet, responseJson } from '../node-documents.js';
import type { Output } from '../output.js';

/** What ListZoneRecords and ListDNSRecords both answer. */
export interface ZoneView {
  readonly zone: string;
  readonly configured: boolean;
  readonly records: readonly DNSRecord[];
}

export const dnsCommand: CliCommand = {
  name: 'dns',
  register: (parser, select) =>
    parser.command(
      'dns',
      "Show the internal zone's records (through the master, which keeps them; -n or --direct: as each agent reads the zone)",
      (command) => withFleetNodeOption(command),
      (args) => select((context) => dns(context, args.node)),
    ),
};

async function dns(context: CommandContext, flag: string | undefined): Promise<ExitCode> {
  if (context.direct || flag !== undefined) return dnsOfAgents(context, flag);
  const master = await connectMaster(context.config);
  const answer = await master.call('listZoneRecords', (client) => client.listZoneRecords(create(ListZoneRecordsRequestSchema, {})));
  if (context.output.json) context.output.document(masterDocument(master.address, responseJson(ListZoneRecordsResponseSchema, answer)));
  else printZone(context.output, answer, 'the master has no DNS configured ([dns] in its config): it keeps no service records');
  return exitCodes.ok;
}

async function dnsOfAgents(context: CommandContext, flag: string | undefined): Promise<ExitCode> {
  const agents = await agentsForFleet(context, flag);
  const outcomes = await askEach(agents, (agent) => agent.call('listDNSRecords', (client) => client.listDNSRecords(create(ListDNSRecordsRequestSchema, {}))));
  return reportFleet(context.output, outcomes, {
    json: (response) => responseJson(ListDNSRecordsResponseSchema, response),
    human: (answered) =>
      answered.forEach(({ node, value }, index) => {
        if (index > 0) context.output.line('');
        context.output.line(`NODE: ${node.name}`);
        printZone(context.output, value, 'no DNS configured on this agent ([dns] in its config)');
      }),
  });
}

/** `ZONE: <zone>` and the aligned records, sorted by name, type, value; or why there is no zone. */
export function printZone(output: Output, view: ZoneView, notConfigured: string): void {
  if (!view.configured) {
    output.line(notConfigured);
    return;
  }
  output.line(`ZONE: ${view.zone}`);
  const rows = [...view.records]
    .sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type) || a.value.localeCompare(b.value))
    .map((record) => [record.name, record.type, record.value, String(record.ttl)]);
  output.table(['NAME', 'TYPE', 'VALUE', 'TTL'], rows);
}
