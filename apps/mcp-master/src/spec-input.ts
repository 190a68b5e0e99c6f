// Service definitions received over RPC, checked with the rules of a definition file (what `mcp validate` applies).
import type { ServiceSpec } from '@mcp/proto';
import { definitionFromRequest, isValidName, type ServiceDefinition } from '@mcp/servicedef';
import { FleetError } from './fleet-errors.js';

/**
 * The definition in a request, or InvalidArgument listing every problem, each named by its request field
 * (`service.components[0].image`, `services[2].tier`). `field` is where the spec sits in the request.
 */
export function definitionOfSpec(spec: ServiceSpec | undefined, field: string): ServiceDefinition {
  if (spec === undefined) throw new FleetError('invalid-argument', `${field}: is missing; expected a service definition`);
  const checked = definitionFromRequest(spec, field);
  if (!checked.ok) throw new FleetError('invalid-argument', checked.problems.map((problem) => problem.message).join('\n'));
  return checked.definition;
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
