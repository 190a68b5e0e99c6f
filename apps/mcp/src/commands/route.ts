// `mcp route list|add|remove`: the node proxy's routes, asked of the agents (the agent is the proxy's only writer).
import { create } from '@bufbuild/protobuf';
import {
  AddProxyRouteRequestSchema,
  AddProxyRouteResponseSchema,
  ListProxyRoutesRequestSchema,
  ListProxyRoutesResponseSchema,
  RemoveProxyRouteRequestSchema,
  RemoveProxyRouteResponseSchema,
  type ListProxyRoutesResponse,
  type ProxyRoute,
} from '@mcp/proto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { agentForNode, agentsForFleet } from '../agent-targets.js';
import { withFleetNodeOption, withNodeOption } from '../command-options.js';
import type { CliCommand, CommandContext } from '../context.js';
import { CliError, exitCodes, type ExitCode } from '../errors.js';
import { askEach, reportFleet, responseJson } from '../node-documents.js';
import { reportOperation, stepLines } from '../operation-report.js';
import { durationSeconds, formatUptime } from '../time-format.js';

const modes = ['l4', 'l7'] as const;

export const routeCommand: CliCommand = {
  name: 'route',
  register: (parser, select) =>
    parser.command('route', "The node proxy's routes (route list|add|remove)", (command) =>
      command
        .command(
          'list',
          "List each node's proxy: version, uptime, connections, then its listeners and their routes",
          (list) => withFleetNodeOption(list),
          (args) => select((context) => listRoutes(context, args.node)),
        )
        .command(
          'add <hostname> <backend>',
          'Add a route to a node proxy: l4 passes TLS through by SNI, l7 terminates it (certificate from the ACME CA, or --cert/--key)',
          (add) =>
            withNodeOption(
              add
                .positional('hostname', { type: 'string', demandOption: true, describe: 'Hostname the proxy routes (SNI)' })
                .positional('backend', { type: 'string', demandOption: true, describe: 'Backend host:port' })
                .option('port', { type: 'number', default: 443, requiresArg: true, describe: 'Listener port on the proxy' })
                .option('mode', { choices: modes, default: 'l4' as (typeof modes)[number], requiresArg: true, describe: 'l4: TLS passthrough; l7: the proxy terminates TLS' })
                .option('backend-tls', { type: 'boolean', default: false, describe: 'l7: the proxy speaks TLS to the backend (re-encrypt)' })
                .option('cert', { type: 'string', requiresArg: true, describe: 'l7: certificate chain PEM file to serve instead of one from the ACME CA' })
                .option('key', { type: 'string', requiresArg: true, describe: 'l7: private key PEM file of --cert' }),
            ),
          (args) =>
            select((context) =>
              addRoute(context, {
                hostname: args.hostname,
                backend: args.backend,
                port: args.port,
                mode: args.mode,
                backendTls: args['backend-tls'],
                cert: args.cert,
                key: args.key,
                node: args.node,
              }),
            ),
        )
        .command(
          'remove <hostname>',
          'Remove a route added by hand from a node proxy',
          (remove) =>
            withNodeOption(
              remove
                .positional('hostname', { type: 'string', demandOption: true, describe: 'Hostname of the route' })
                .option('port', { type: 'number', default: 443, requiresArg: true, describe: 'Listener port on the proxy' }),
            ),
          (args) => select((context) => removeRoute(context, args.hostname, args.port, args.node)),
        )
        .demandCommand(1, 'expected a route command: list, add or remove'),
    ),
};

function routeLine(route: ProxyRoute): string {
  return `    ${route.mode} ${route.hostname} → ${route.backend}${route.backendTls ? ' (re-encrypt)' : ''}`;
}

/** The SPEC §5 shape: NODE, the proxy, then per listener its counts and routes. */
export function proxyLines(response: ListProxyRoutesResponse): string[] {
  const proxy = response.proxy;
  const lines = [`NODE: ${response.node}`];
  if (proxy !== undefined) {
    lines.push(
      `  proxy: ${proxy.driver} ${proxy.version}  uptime ${formatUptime(durationSeconds(proxy.uptime))}  connections ${proxy.connections} (active ${proxy.activeConnections})`,
    );
  }
  for (const listener of response.listeners) {
    lines.push(`  :${listener.port}  routes=${listener.routeCount}  active=${listener.activeConnections}`);
    for (const route of listener.routes) lines.push(routeLine(route));
  }
  return lines;
}

async function listRoutes(context: CommandContext, flag: string | undefined): Promise<ExitCode> {
  const agents = await agentsForFleet(context, flag);
  const outcomes = await askEach(agents, (agent) => agent.call('listProxyRoutes', (client) => client.listProxyRoutes(create(ListProxyRoutesRequestSchema, {}))));
  return reportFleet(context.output, outcomes, {
    json: (response) => responseJson(ListProxyRoutesResponseSchema, response),
    human: (answered) => {
      for (const { value } of answered) for (const line of proxyLines(value)) context.output.line(line);
    },
  });
}

interface AddOptions {
  readonly hostname: string;
  readonly backend: string;
  readonly port: number;
  readonly mode: (typeof modes)[number];
  readonly backendTls: boolean;
  readonly cert: string | undefined;
  readonly key: string | undefined;
  readonly node: string | undefined;
}

async function readPem(context: CommandContext, file: string, flag: string): Promise<string> {
  try {
    return await readFile(resolve(context.cwd, file), 'utf8');
  } catch (error) {
    throw new CliError('invalid_input', `--${flag} ${file}: cannot read it: ${(error as Error).message}`, exitCodes.badInput, { cause: error });
  }
}

async function addRoute(context: CommandContext, options: AddOptions): Promise<ExitCode> {
  if ((options.cert === undefined) !== (options.key === undefined)) {
    throw new CliError('invalid_input', `--${options.cert === undefined ? 'cert' : 'key'} is missing: give both --cert and --key, or neither (the ACME CA issues one)`, exitCodes.badInput);
  }
  const certPem = options.cert === undefined ? '' : await readPem(context, options.cert, 'cert');
  const keyPem = options.key === undefined ? '' : await readPem(context, options.key, 'key');
  const agent = await agentForNode(context, options.node);
  const response = await agent.call('addProxyRoute', (client) =>
    client.addProxyRoute(
      create(AddProxyRouteRequestSchema, {
        listenerPort: options.port,
        hostname: options.hostname,
        backend: options.backend,
        mode: options.mode,
        backendTls: options.backendTls,
        certPem,
        keyPem,
      }),
    ),
  );
  const route = response.route;
  return reportOperation(context.output, {
    node: agent.node,
    response: responseJson(AddProxyRouteResponseSchema, response),
    lines: [`added on ${agent.node.name} :${route?.listenerPort ?? options.port}`, ...(route === undefined ? [] : [routeLine(route)]), ...stepLines(response.steps, '  ')],
    success: true,
  });
}

async function removeRoute(context: CommandContext, hostname: string, port: number, flag: string | undefined): Promise<ExitCode> {
  const agent = await agentForNode(context, flag);
  const response = await agent.call('removeProxyRoute', (client) => client.removeProxyRoute(create(RemoveProxyRouteRequestSchema, { listenerPort: port, hostname })));
  return reportOperation(context.output, {
    node: agent.node,
    response: responseJson(RemoveProxyRouteResponseSchema, response),
    lines: [`removed from ${agent.node.name} :${port}`, ...(response.route === undefined ? [] : [routeLine(response.route)])],
    success: true,
  });
}
