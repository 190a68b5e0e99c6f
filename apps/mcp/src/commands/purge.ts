// `mcp purge [service[/component]]`: removes registry rows that are both gone and no longer defined.
import { create } from '@bufbuild/protobuf';
import { PurgeComponentRequestSchema, PurgeComponentResponseSchema, ResultStatus } from '@mcp/proto';
import { withFleetNodeOption } from '../command-options.js';
import type { CliCommand, CommandContext } from '../context.js';
import { agentsForFleet } from '../agent-targets.js';
import { exitCodes, type ExitCode } from '../errors.js';
import { askEach, reportFleet, responseJson } from '../node-documents.js';
import { resultWord } from '../operation-report.js';
import { parseServiceTarget } from '../service-target.js';

export const purgeCommand: CliCommand = {
  name: 'purge',
  register: (parser, select) =>
    parser.command(
      'purge [target]',
      'Remove registry rows whose container is gone and whose definition was removed (every node unless -n)',
      (command) =>
        withFleetNodeOption(command.positional('target', { type: 'string', describe: '<service> or <service>/<component> (default: everything)' })).option(
          'dry-run',
          { type: 'boolean', default: false, describe: 'Show what would be purged; change nothing' },
        ),
      (args) => select((context) => purge(context, args.target, args.node, args.dryRun)),
    ),
};

// Purge looks at rows that are no longer defined, so there is usually no definition to name the node: it asks every node.
async function purge(context: CommandContext, text: string | undefined, flag: string | undefined, dryRun: boolean): Promise<ExitCode> {
  const target = text === undefined ? { service: '', component: '' } : parseServiceTarget(text, { allowComponent: true });
  const agents = await agentsForFleet(context, flag);
  const request = create(PurgeComponentRequestSchema, { ...target, dryRun });
  const outcomes = await askEach(agents, (agent) => agent.call('purgeComponent', (client) => client.purgeComponent(request)));
  const reported = reportFleet(context.output, outcomes, {
    json: (response) => responseJson(PurgeComponentResponseSchema, response),
    human: (answered) =>
      context.output.table(
        ['NODE', 'SERVICE', 'COMPONENT', 'RESULT', 'DETAIL'],
        answered.flatMap(({ node, value }) =>
          value.results.map((result) => [node.name, result.service, result.component, resultWord(result.status, value.dryRun), result.error || result.detail]),
        ),
      ),
  });
  const failed = outcomes.some((outcome) => outcome.ok && outcome.value.results.some((result) => result.status === ResultStatus.FAILED));
  return reported === exitCodes.ok && failed ? exitCodes.failed : reported;
}
