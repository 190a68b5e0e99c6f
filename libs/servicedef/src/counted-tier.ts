// Node wins over tier (SPEC §3): a service pinned to a node is placed there whatever its tier says, so its tier
// counts for nothing. The one home of that rule for whoever compares or sends definitions.
import type { ServiceDefinition, Tier } from './types.js';

/** The tier that decides placement: none for a pinned service (`node` set), else the definition's. */
export function countedTier(definition: Pick<ServiceDefinition, 'node' | 'tier'>): Tier | undefined {
  return definition.node === undefined || definition.node === '' ? definition.tier : undefined;
}
