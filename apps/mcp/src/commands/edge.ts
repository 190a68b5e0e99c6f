// `mcp edge list|status`: the public (edge) routes through the master, which records them (ListPublicRoutes).
// list: the master's records with each edge node's view; status: each edge node's routes against the records.
import { create } from '@bufbuild/protobuf';
import { ListPublicRoutesRequestSchema, ListPublicRoutesResponseSchema, type EdgeNodeRoutes, type ListPublicRoutesResponse } from '@mcp/proto';
import type { CliCommand, CommandContext } from '../context.js';
import { CliError, exitCodes, type ExitCode } from '../errors.js';
import { connectMaster } from '../master-client.js';
import { masterDocument } from '../master-report.js';
import { responseJson } from '../node-documents.js';
import type { Output } from '../output.js';

export const edgeCommand: CliCommand = {
  name: 'edge',
  register: (parser, select) =>
    parser.command('edge', 'Public routes on the edge nodes, as the master records them (edge list|status)', (command) =>
      command
        .command(
          'list',
          'List the public routes: HOSTNAME EDGE BACKEND CERT-EXPIRES SERVICE STATE (state as the edge node reports it)',
          (list) => list,
          () => select((context) => edge(context, 'list')),
        )
        .command(
          'status',
          "Each edge node's routes against the master's records, differences shown (exit 1 when any, or an edge does not answer)",
          (status) => status,
          () => select((context) => edge(context, 'status')),
        )
        .demandCommand(1, 'expected an edge command: list or status'),
    ),
};

async function edge(context: CommandContext, view: 'list' | 'status'): Promise<ExitCode> {
  if (context.direct) {
    throw new CliError('usage', `mcp edge ${view} works through mcp-master (the edge route records live there); drop --direct`, exitCodes.badInput);
  }
  const master = await connectMaster(context.config);
  const answer = await master.call('listPublicRoutes', (client) => client.listPublicRoutes(create(ListPublicRoutesRequestSchema, {})));
  const clean = answer.edgeNodes.every((node) => node.reachable && node.differences.length === 0);
  if (context.output.json) context.output.document(masterDocument(master.address, responseJson(ListPublicRoutesResponseSchema, answer)));
  else if (view === 'list') printEdgeList(context.output, answer);
  else printEdgeStatus(context.output, answer);
  return view === 'list' || clean ? exitCodes.ok : exitCodes.failed;
}

/** The master's records, by hostname; state ok/missing/unknown as the edge node answered. */
export function printEdgeList(output: Output, answer: ListPublicRoutesResponse): void {
  if (answer.routes.length === 0) {
    output.line('no public routes recorded (a route with public = true gets one on deploy)');
    return;
  }
  output.table(
    ['HOSTNAME', 'EDGE', 'BACKEND', 'CERT-EXPIRES', 'SERVICE', 'STATE'],
    answer.routes.map((route) => [
      route.hostname,
      route.edgeNode,
      `${route.backendHostname}:${route.backendPort}`,
      route.certExpires || '-',
      route.service,
      route.state,
    ]),
  );
  for (const route of answer.routes) if (route.error !== '') output.note(`${route.hostname} (${route.state}): ${route.error}`);
}

function edgeNodeBlock(output: Output, node: EdgeNodeRoutes): void {
  output.line(`NODE: ${node.node} (${node.status}, ${node.address})`);
  if (!node.reachable) {
    output.line(`  unreachable: ${node.error}`);
    return;
  }
  if (node.routes.length === 0) output.line('  no public routes');
  else {
    output.table(
      ['HOSTNAME', 'BACKEND', 'CERT-EXPIRES', 'SERVICE'],
      node.routes.map((route) => [route.hostname, `${route.backendHostname}:${route.backendPort}`, route.certExpires || '-', route.service || '-']),
    );
  }
  if (node.differences.length === 0) output.line("  matches the master's records");
  for (const difference of node.differences) output.line(`  ${difference.kind} ${difference.hostname}: ${difference.message}`);
}

/** One block per edge node: what it serves, then where it and the master's records differ. */
export function printEdgeStatus(output: Output, answer: ListPublicRoutesResponse): void {
  if (answer.edgeNodes.length === 0) {
    output.line('no edge nodes registered (a node with role edge serves the public routes)');
    return;
  }
  answer.edgeNodes.forEach((node, index) => {
    if (index > 0) output.line('');
    edgeNodeBlock(output, node);
  });
}
