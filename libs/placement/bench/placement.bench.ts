// Placement decisions per second on a fleet of 1,000 nodes; prints figures, asserts nothing.
import { performance } from 'node:perf_hooks';
import { placeService, planPlacements, type NodeSnapshot, type Placement, type ServiceToPlace } from '../src/index.js';

const NODE_COUNT = 1_000;
const RUN_MS = 1_000;

// A mixed fleet: one master, a few edges, some unhealthy workers and some without VMs.
function fleetOf(count: number): NodeSnapshot[] {
  const nodes: NodeSnapshot[] = [];
  for (let i = 0; i < count; i += 1) {
    const name = `node-${String(i).padStart(4, '0')}`;
    const role = i === 0 ? 'master' : i % 50 === 1 ? 'edge' : 'worker';
    const status = i % 17 === 5 ? 'unhealthy' : 'healthy';
    nodes.push({ name, role, status, containers: (i * 7919) % 40, vms: i % 3 === 0 ? 'none' : i % 3 === 1 ? 'kvm' : 'tcg' });
  }
  return nodes;
}

function service(name: string, overrides: Partial<ServiceToPlace> = {}): ServiceToPlace {
  return { name, needsVms: false, componentCount: 2, ...overrides };
}

/** Calls `run` (after a warm-up) until RUN_MS have passed, `batch` calls between clock reads; returns calls per second. */
function measure(run: (i: number) => unknown, batch = 100): number {
  for (let i = 0; i < batch; i += 1) run(i);
  let calls = 0;
  const start = performance.now();
  let elapsedMs = 0;
  while (elapsedMs < RUN_MS) {
    for (let i = 0; i < batch; i += 1) run(calls + i);
    calls += batch;
    elapsedMs = performance.now() - start;
  }
  return (calls * 1000) / elapsedMs;
}

function report(label: string, perSecond: number): void {
  console.log(`${label.padEnd(58)} ${Math.round(perSecond).toLocaleString('en-US').padStart(12)} decisions/s`);
}

const nodes = fleetOf(NODE_COUNT);
const placements: Placement[] = Array.from({ length: 500 }, (_, i) => ({
  service: `placed-${i}`,
  node: nodes[2 + ((i * 13) % (NODE_COUNT - 2))]?.name ?? 'node-0002',
}));

console.log(`placement benchmark: ${NODE_COUNT} nodes, ${placements.length} existing placements, ~${RUN_MS} ms per case`);
report('placeService, worker tier, containers only', measure((i) => placeService({ nodes, placements, service: service(`svc-${i}`) })));
report(
  'placeService, worker tier, with a unikernel component',
  measure((i) => placeService({ nodes, placements, service: service(`vm-${i}`, { needsVms: true }) })),
);
report('placeService, core tier', measure((i) => placeService({ nodes, placements, service: service(`core-${i}`, { tier: 'core' }) })));
report('placeService, pinned', measure((i) => placeService({ nodes, placements, service: service(`pin-${i}`, { node: 'node-0500' }) })));
report('placeService, already placed', measure((i) => placeService({ nodes, placements, service: service(`placed-${i % 500}`) })));

const planServices = Array.from({ length: 1_000 }, (_, i) => service(`plan-${i}`, { needsVms: i % 4 === 0 }));
let planned = 0;
const planRate = measure(() => {
  planned += planPlacements({ nodes, placements, services: planServices }).decisions.length;
}, 1);
report(`planPlacements, ${planServices.length} services per plan (per decision)`, planRate * planServices.length);
console.log(`(${planned.toLocaleString('en-US')} planned decisions in total)`);
