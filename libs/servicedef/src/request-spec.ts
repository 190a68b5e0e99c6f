// A service definition received over RPC, checked with the rules of a definition file and its problems named by
// request field (`service.components[0].image`), so agent and master answer bad requests alike.
import { findCapBreach, WIRE_CAPS } from '@mcp/input-caps';
import { ServiceSpecSchema, type ServiceSpec } from '@mcp/proto';
import { definitionFromProto } from './proto-convert.js';
import type { DefinitionProblem, ServiceDefinition } from './types.js';
import { validateDefinition } from './validate.js';

/** One problem of a definition in a request: the request field, and `<field>: <what is wrong>; expected …`. */
export interface RequestSpecProblem {
  readonly field: string;
  readonly message: string;
}

export type RequestSpecResult =
  | { ok: true; definition: ServiceDefinition }
  | { ok: false; problems: RequestSpecProblem[] };

// Definition key paths use the TOML key names; a caller of the RPC knows the proto field names.
const protoFieldNames: readonly (readonly [RegExp, string])[] = [
  [/^components\[(\d+)\]\.memory$/, 'components[$1].memory_mb'],
  [/^snapshot\.exclude(?=$|\[)/, 'snapshot.excludes'],
  [/^build\.images(?=$|\.)/, 'build_images'],
];

const SOURCE = 'request';

function problemOf(problem: DefinitionProblem, prefix: string): RequestSpecProblem {
  const field =
    problem.keyPath === ''
      ? prefix
      : `${prefix}.${protoFieldNames.reduce((path, [pattern, replacement]) => path.replace(pattern, replacement), problem.keyPath)}`;
  // validateDefinition words it `<source>: <keyPath>: <what is wrong>; expected …`; only the field name changes.
  const lead = problem.keyPath === '' ? `${SOURCE}: ` : `${SOURCE}: ${problem.keyPath}: `;
  const rest = problem.message.startsWith(lead) ? problem.message.slice(lead.length) : problem.message;
  return { field, message: `${field}: ${rest}` };
}

/** Checks `spec` (found at `field` of a request) with every rule of a definition file. */
export function definitionFromRequest(spec: ServiceSpec, field: string): RequestSpecResult {
  // The caps first (the RPC servers check them too): the rules below never see a list or string over its cap.
  const breach = findCapBreach(ServiceSpecSchema, spec, { path: field, caps: WIRE_CAPS });
  if (breach !== undefined) return { ok: false, problems: [breach] };
  const definition = definitionFromProto(spec);
  const problems = validateDefinition(definition, SOURCE);
  return problems.length === 0 ? { ok: true, definition } : { ok: false, problems: problems.map((p) => problemOf(p, field)) };
}
