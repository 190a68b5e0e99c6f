// Malformed input throws PlacementInputError naming the field; it is never a decision.
import { describe, expect, it } from 'vitest';
import { PlacementInputError } from './errors.js';
import type { NodeSnapshot, ServiceToPlace } from './types.js';
import { seedFleet, serviceToPlace, workerNode } from './testing/index.js';

function inputError(run: () => unknown): PlacementInputError {
  try {
    run();
  } catch (error) {
    if (error instanceof PlacementInputError) return error;
    throw error;
  }
  throw new Error('expected a PlacementInputError');
}

describe('malformed input', () => {
  it('is refused when two nodes share a name', () => {
    const error = inputError(() => seedFleet({ nodes: [workerNode('a'), workerNode('a')] }).place(serviceToPlace('s')));
    expect(error).toMatchObject({ field: 'nodes[1].name', problem: 'node "a" appears more than once' });
  });

  it('is refused when a service is placed twice', () => {
    const placements = [
      { service: 's', node: 'a' },
      { service: 's', node: 'b' },
    ];
    const error = inputError(() => seedFleet({ nodes: [workerNode('a')], placements }).place(serviceToPlace('s')));
    expect(error.field).toBe('placements[1].service');
  });

  it('is refused when a container count is negative', () => {
    const error = inputError(() => seedFleet({ nodes: [workerNode('a', { containers: -1 })] }).place(serviceToPlace('s')));
    expect(error.message).toBe('invalid placement input at nodes[0].containers: expected an integer of at least 0, got -1');
  });

  it('is refused when a node status is not one placement knows', () => {
    const node = { ...workerNode('a'), status: 'draining' } as unknown as NodeSnapshot;
    const error = inputError(() => seedFleet({ nodes: [node] }).place(serviceToPlace('s')));
    expect(error).toMatchObject({
      field: 'nodes[0].status',
      problem: 'expected one of "healthy", "unhealthy", "unknown", got "draining"',
    });
  });

  it('is refused when a service has no components', () => {
    const error = inputError(() => seedFleet({ nodes: [workerNode('a')] }).place(serviceToPlace('s', { componentCount: 0 })));
    expect(error.field).toBe('service.componentCount');
  });

  it('is refused when a service tier is unknown', () => {
    const service = { ...serviceToPlace('s'), tier: 'edge' } as unknown as ServiceToPlace;
    const error = inputError(() => seedFleet({ nodes: [workerNode('a')] }).place(service));
    expect(error.field).toBe('service.tier');
  });

  it('is refused when a plan names a service twice', () => {
    const error = inputError(() => seedFleet({ nodes: [workerNode('a')] }).plan([serviceToPlace('s'), serviceToPlace('s')]));
    expect(error).toMatchObject({ field: 'services[1].name', problem: 'service "s" appears more than once' });
  });
});
