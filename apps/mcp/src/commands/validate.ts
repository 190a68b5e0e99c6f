// `mcp validate [file|service…]`: checks definitions locally, no server needed; exit 2 listing every problem.
import type { DefinitionResult } from '@mcp/servicedef';
import type { CliCommand, CommandContext } from '../context.js';
import { loadDefinitionTarget, loadServicesDir, serviceOf } from '../definitions.js';
import { exitCodes, type ExitCode } from '../errors.js';

export const validateCommand: CliCommand = {
  name: 'validate',
  register: (parser, select) =>
    parser.command(
      'validate [definitions..]',
      'Check service definitions locally (no server needed); exits 2 listing every problem; warnings (node with tier) do not fail',
      (command) =>
        command.positional('definitions', {
          type: 'string',
          array: true,
          describe: 'Definition files or service names (default: every definition in the services dir)',
        }),
      (args) => select((context) => validate(args.definitions ?? [], context)),
    ),
};

async function validate(targets: readonly string[], context: CommandContext): Promise<ExitCode> {
  const { config, output, cwd } = context;
  const results =
    targets.length === 0
      ? await loadServicesDir(config.servicesDir)
      : await Promise.all(targets.map((target) => loadDefinitionTarget(target, { servicesDir: config.servicesDir, cwd })));
  const valid = results.every((result) => result.ok);

  if (output.json) {
    output.document({ valid, files: results.map(describeResult) });
  } else if (results.length === 0) {
    output.line(`no service definitions in ${config.servicesDir}`);
  } else {
    output.table(
      ['FILE', 'SERVICE', 'RESULT'],
      results.map((result) => [result.file, serviceOf(result), summarise(result)]),
    );
    for (const result of results) {
      if (!result.ok) for (const problem of result.problems) output.note(problem.message);
      else for (const warning of result.warnings ?? []) output.note(`warning: ${warning.message}`);
    }
  }
  return valid ? exitCodes.ok : exitCodes.badInput;
}

function describeResult(result: DefinitionResult) {
  return {
    file: result.file,
    service: serviceOf(result),
    valid: result.ok,
    problems: result.ok ? [] : result.problems,
    warnings: result.ok ? (result.warnings ?? []) : [],
  };
}

function summarise(result: DefinitionResult): string {
  if (result.ok) {
    const warnings = result.warnings?.length ?? 0;
    return warnings === 0 ? 'ok' : `ok (${warnings} warning${warnings === 1 ? '' : 's'})`;
  }
  const count = result.problems.length;
  return count === 1 ? '1 problem' : `${count} problems`;
}
