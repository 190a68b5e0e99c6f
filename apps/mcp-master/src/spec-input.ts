// Service definitions received over RPC, checked with the rules of a definition file (what `mcp validate` applies).
import type { ServiceSpec } from '@mcp/proto';
import { definitionFromProto, isValidName, validateDefinition, type DefinitionProblem, type ServiceDefinition } from '@mcp/servicedef';
import { FleetError } from './fleet-errors.js';

// Definition key paths use the TOML key names; a caller of the RPC knows the proto field names.
const protoFieldNames: readonly (readonly [RegExp, string])[] = [
  [/^components\[(\d+)\]\.memory$/, 'components[$1].memory_mb'],
  [/^snapshot\.exclude(?=$|\[)/, 'snapshot.excludes'],
  [/^build\.images(?=$|\.)/, 'build_images'],
];

const SOURCE = 'request';

function problemText(problem: DefinitionProblem, prefix: string): string {
  const field =
    problem.keyPath === ''
      ? prefix
      : `${prefix}.${protoFieldNames.reduce((path, [pattern, replacement]) => path.replace(pattern, replacement), problem.keyPath)}`;
  // validateDefinition words it `<source>: <keyPath>: <what is wrong>; expected …`; only the field name changes.
  const lead = problem.keyPath === '' ? `${SOURCE}: ` : `${SOURCE}: ${problem.keyPath}: `;
  const rest = problem.message.startsWith(lead) ? problem.message.slice(lead.length) : problem.message;
  return `${field}: ${rest}`;
}

/**
 * The definition in a request, or InvalidArgument listing every problem, each named by its request field
 * (`service.components[0].image`, `services[2].tier`). `field` is where the spec sits in the request.
 */
export function definitionOfSpec(spec: ServiceSpec | undefined, field: string): ServiceDefinition {
  if (spec === undefined) throw new FleetError('invalid-argument', `${field}: is missing; expected a service definition`);
  const definition = definitionFromProto(spec);
  const problems = validateDefinition(definition, SOURCE);
  if (problems.length > 0) {
    throw new FleetError('invalid-argument', problems.map((problem) => problemText(problem, field)).join('\n'));
  }
  return definition;
}

export const SERVICE_NAME_EXPECTED =
  'a service name: lower-case letters, digits and "-", starting with a letter, not ending with "-", at most 63 characters';

/** A service name from a request (`field` names it in the error). */
export function checkServiceName(field: string, value: string): string {
  if (value === '') throw new FleetError('invalid-argument', `${field}: is empty; expected ${SERVICE_NAME_EXPECTED}`);
  if (!isValidName(value)) {
    throw new FleetError('invalid-argument', `${field}: ${JSON.stringify(value)} is not a valid service name; expected ${SERVICE_NAME_EXPECTED}`);
  }
  return value;
}
