// Reads the `<service>[/<component>]` argument of deploy, restart, logs and purge.
import { isValidName } from '@mcp/servicedef';
import { CliError, exitCodes } from './errors.js';

export interface ServiceTarget {
  readonly service: string;
  /** '' when the argument named the whole service (the wire's "every component"). */
  readonly component: string;
}

const nameRule = 'lower-case letters, digits and "-", starting with a letter, at most 63 characters';

/** Splits `web` or `web/api`; a component is refused where the command acts on whole services only. */
export function parseServiceTarget(text: string, options: { allowComponent: boolean }): ServiceTarget {
  const parts = text.split('/');
  const [service = '', component = ''] = parts;
  const expected = options.allowComponent ? '<service> or <service>/<component>' : '<service>';
  if (parts.length > (options.allowComponent ? 2 : 1)) {
    throw new CliError('usage', `"${text}" is not a service name; expected ${expected}`, exitCodes.badInput);
  }
  if (!isValidName(service)) {
    throw new CliError('usage', `"${service}" is not a valid service name; expected ${nameRule}`, exitCodes.badInput);
  }
  if (parts.length === 2 && !isValidName(component)) {
    throw new CliError('usage', `"${component}" is not a valid component name; expected ${nameRule}`, exitCodes.badInput);
  }
  return { service, component };
}

/** `web` or `web/api`, as the operator wrote it. */
export function describeTarget(target: ServiceTarget): string {
  return target.component === '' ? target.service : `${target.service}/${target.component}`;
}
