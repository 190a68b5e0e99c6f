// The fleet's deploy policy in master Deploy and Sync, against scripted agents (real gRPC over TLS): a refused
// service is refused before any agent is called; every example and the real services' shapes are deployed.
import { create } from '@bufbuild/protobuf';
import { ComponentSpecSchema, type ServiceSpec } from '@mcp/proto';
import { definitionToProto, loadDefinitionDir } from '@mcp/servicedef';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_FLEET_OPTIONS, deployService } from './deploy.js';
import { syncFleet } from './sync.js';
import { specOf, startFleetTestBed, type FleetTestBed, type ScriptedAgent } from './testing/scripted-agents.js';
import { failureOf } from './testing/fleet-assertions.js';

let bed: FleetTestBed;
beforeEach(async () => {
  bed = await startFleetTestBed();
});
afterEach(async () => {
  await bed.close();
});

/** `mcq` with its one component changed by `fields`. */
function mcqWith(fields: Partial<Pick<ServiceSpec['components'][number], 'network' | 'ports' | 'volumes' | 'user'>>): ServiceSpec {
  const spec = specOf('mcq');
  spec.components = spec.components.map((component) => create(ComponentSpecSchema, { ...component, ...fields }));
  return spec;
}

describe('master deploy: the fleet policy', () => {
  let worker: ScriptedAgent;
  beforeEach(async () => {
    worker = await bed.startAgent({ name: 'orion' });
  });

  it.each([
    ['a bind mount outside /srv/<service>', { volumes: ['/:/host'] }, 'components[0].volumes[0]', 'policy.mount_roots'],
    ['the suid mount option', { volumes: ['/srv/mcq:/srv/mcq:suid'] }, 'components[0].volumes[0]', 'policy.mount_options'],
    ['the dev mount option', { volumes: ['/srv/mcq:/srv/mcq:dev'] }, 'components[0].volumes[0]', 'policy.mount_options'],
    ['a podman volume', { volumes: ['shared:/data'] }, 'components[0].volumes[0]', 'policy.allow_named_volumes'],
    ['the host network', { network: 'host' }, 'components[0].network', 'policy.network_modes'],
    ["another container's namespaces", { network: 'container:mcns' }, 'components[0].network', 'policy.network_modes'],
    ['a port on every interface', { ports: ['0.0.0.0:53:53/udp'] }, 'components[0].ports[0]', 'policy.allow_every_interface'],
  ])('refuses %s naming the field and the rule, calling no agent and recording nothing', async (_what, fields, field, rule) => {
    const error = await failureOf(deployService(bed.deps, { spec: mcqWith(fields), component: '', noPull: false }));
    expect(error.kind).toBe('invalid-argument');
    expect(error.message).toMatch(new RegExp(`^service\\.${field.replace(/[[\].]/g, '\\$&')}: .*; expected .*\\(deploy policy rule ${rule}\\)$`));
    expect(worker.calls).toEqual([]);
    expect(bed.deps.store.findPlacement('mcq')).toBeUndefined();
  });

  it.each([
    ['a host port outside host_ports', { ports: ['127.0.0.1:8080:80'] }, 'components[0].ports[0]', 'policy.host_ports'],
    ['an address outside host_addresses', { ports: ['127.0.0.2:28443:8443'] }, 'components[0].ports[0]', 'policy.host_addresses'],
    ['a network outside networks', { network: 'othernet' }, 'components[0].network', 'policy.networks'],
  ])('refuses %s under a configured policy', async (_what, fields, field, rule) => {
    const policy = {
      ...DEFAULT_FLEET_OPTIONS.policy,
      networks: ['mcpnet'],
      hostPorts: [{ first: 53, last: 53 }, { first: 28000, last: 28999 }],
      hostAddresses: ['127.0.0.1'],
    };
    const error = await failureOf(deployService(bed.deps, { spec: mcqWith(fields), component: '', noPull: false }, { ...DEFAULT_FLEET_OPTIONS, policy }));
    expect(error.message).toMatch(new RegExp(`^service\\.${field.replace(/[[\].]/g, '\\$&')}: .*\\(deploy policy rule ${rule}\\)$`));
    expect(worker.calls).toEqual([]);
  });

  it('refuses a Sync in which one definition breaks the policy, deploying none of them', async () => {
    const error = await failureOf(syncFleet(bed.deps, { specs: [specOf('mcns'), mcqWith({ network: 'host' })], dryRun: false, noPull: false }));
    expect(error.message).toMatch(/^services\[1\]\.components\[0\]\.network: "host" uses the network mode "host"; /);
    expect(worker.calls).toEqual([]);
  });

  it("deploys the real services' shapes under the default policy", async () => {
    const spec = mcqWith({
      network: 'mcpnet',
      user: '0:0',
      volumes: ['/srv/mcq:/srv/mcq', '/srv/mcq/conf:/etc/mcq:ro'],
      ports: ['192.0.2.53:53:53/udp', '127.0.0.1:28443:8443'],
    });
    const answer = await deployService(bed.deps, { spec, component: '', noPull: false });
    expect(answer.success).toBe(true);
    expect(worker.calls).toEqual(['Deploy mcq']);
  });
});

describe('master deploy: every example under the default policy', () => {
  it('places and deploys each file of examples/services/', async () => {
    const master = await bed.startAgent({ name: 'rift', role: 'master' });
    const worker = await bed.startAgent({ name: 'orion', vms: 'kvm' });
    const examples = await loadDefinitionDir(fileURLToPath(new URL('../../../examples/services/', import.meta.url)));
    const deployed: string[] = [];
    for (const example of examples) {
      if (!example.ok) throw new Error(example.problems.map((problem) => problem.message).join('\n'));
      const answer = await deployService(bed.deps, { spec: definitionToProto(example.definition), component: '', noPull: false });
      expect({ service: example.definition.name, success: answer.success, error: answer.error }).toEqual({ service: example.definition.name, success: true, error: '' });
      deployed.push(example.definition.name);
    }
    expect(deployed.length).toBeGreaterThanOrEqual(4);
    expect([...master.calls, ...worker.calls].sort()).toEqual(deployed.map((name) => `Deploy ${name}`).sort());
  });
});
