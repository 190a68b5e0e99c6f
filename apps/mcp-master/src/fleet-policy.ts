// The fleet's deploy policy, judged before placing: a definition it refuses never reaches a node.
import { checkDeployPolicy, defaultDeployPolicy, type DeployPolicy } from '@mcp/policy';
import type { ServiceDefinition } from '@mcp/servicedef';
import { FleetError } from './fleet-errors.js';

/** The master's default: the agents' default with `files.root = /srv`. */
export const DEFAULT_FLEET_POLICY: DeployPolicy = defaultDeployPolicy({ serviceRoot: '/srv' });

/** InvalidArgument listing every breach, each named by its request field (`service.components[0].network`). */
export function checkFleetPolicy(definition: ServiceDefinition, policy: DeployPolicy, field: string): void {
  const breaches = checkDeployPolicy(definition, policy);
  if (breaches.length > 0) throw new FleetError('invalid-argument', breaches.map((breach) => `${field}.${breach.message}`).join('\n'));
}
