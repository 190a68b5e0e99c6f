// `mcp logs <service>[/<component>]`: streams container or VM log lines from the service's node to stdout.
import { create } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { LogsRequestSchema, LogStream, type LogLine } from '@mcp/proto';
import { withNodeOption } from '../command-options.js';
import type { CliCommand, CommandContext } from '../context.js';
import { agentForService } from '../agent-targets.js';
import { exitCodes, type ExitCode } from '../errors.js';
import { checkedTail, parseSince } from '../log-options.js';
import { parseServiceTarget } from '../service-target.js';

interface LogsArgs {
  readonly target: string;
  readonly node: string | undefined;
  readonly follow: boolean;
  readonly tail: number | undefined;
  readonly timestamps: boolean;
  readonly since: string | undefined;
}

export const logsCommand: CliCommand = {
  name: 'logs',
  register: (parser, select) =>
    parser.command(
      'logs <target>',
      'Print the log of a service or one component (-n is the number of lines here: use --node for the node)',
      (command) =>
        withNodeOption(command.positional('target', { type: 'string', demandOption: true, describe: '<service> or <service>/<component>' }), {
          short: false,
        })
          .option('follow', { type: 'boolean', alias: 'f', default: false, describe: 'Keep printing new lines as they come' })
          .option('tail', { type: 'number', alias: 'n', requiresArg: true, describe: 'Only the last N lines of each component' })
          .option('timestamps', { type: 'boolean', alias: 't', default: false, describe: 'Print each line\'s time (UTC)' })
          .option('since', { type: 'string', requiresArg: true, describe: 'Only lines since a duration ago (10m, 2h) or a time (2024-05-01T10:00:00Z)' }),
      (args) =>
        select((context) =>
          logs(context, {
            target: args.target,
            node: args.node,
            follow: args.follow,
            tail: args.tail,
            timestamps: args.timestamps,
            since: args.since,
          }),
        ),
    ),
};

async function logs(context: CommandContext, args: LogsArgs): Promise<ExitCode> {
  const target = parseServiceTarget(args.target, { allowComponent: true });
  const request = create(LogsRequestSchema, {
    service: target.service,
    component: target.component,
    follow: args.follow,
    timestamps: args.timestamps,
    ...(args.tail === undefined ? {} : { tail: checkedTail(args.tail) }),
    ...(args.since === undefined ? {} : { since: parseSince(args.since, context.now()) }),
  });
  const agent = await agentForService(context, { service: target.service, flag: args.node });
  const decoder = new TextDecoder();
  // Lines of several components interleave; name each line's component unless one was asked for.
  const prefixed = target.component === '';
  await agent.call('logs', async (client) => {
    for await (const batch of client.logs(request)) {
      for (const line of batch.lines) {
        const text = decoder.decode(line.line);
        if (context.output.json) context.output.record(lineRecord(agent.node.name, line, text));
        else context.output.line(`${line.time === undefined ? '' : `${timestampDate(line.time).toISOString()} `}${prefixed ? `${line.component} | ` : ''}${text}`);
      }
    }
  });
  return exitCodes.ok;
}

/** One JSON Lines record per log line: the text decoded as UTF-8, the time as ISO 8601 or null. */
function lineRecord(node: string, line: LogLine, text: string) {
  return {
    node,
    component: line.component,
    stream: LogStream[line.stream].toLowerCase(),
    time: line.time === undefined ? null : timestampDate(line.time).toISOString(),
    line: text,
  };
}
