import { create } from '@bufbuild/protobuf';
import { ListServicesResponseSchema, RestartServiceResponseSchema, StatusResponseSchema } from '@mcp/proto';
import { describe, expect, it } from 'vitest';
import { useFakeMaster } from './fake-master-fleet.js';

const bed = useFakeMaster();
const restarted = () => create(RestartServiceResponseSchema, { success: true, results: [{ name: 'api', success: true }] });
const placedOnRift = () => create(StatusResponseSchema, { services: [{ name: 'web', node: 'rift', status: 'running' }] });

describe('agent RPCs without --direct go to the agent the master names', () => {
  it('restart asks the master where the service is placed, then restarts it on that node\'s agent', async () => {
    const f = await bed.start({
      master: { status: placedOnRift },
      agents: [{ name: 'edge', script: { restartService: restarted } }, { name: 'rift', script: { restartService: restarted } }],
    });
    const { exitCode, stdout } = await f.mcp('restart', 'web/api');
    expect([exitCode, stdout, f.master.requests('status'), f.agent('rift').requests('restartService'), f.agent('edge').calls]).toEqual([
      0,
      '  api: ok\n',
      [{ serviceName: 'web' }],
      [{ service: 'web', component: 'api' }],
      [],
    ]);
  });

  it('calls the agent with the operator\'s token', async () => {
    const f = await bed.start({ master: { status: placedOnRift }, agents: [{ name: 'rift', script: { restartService: restarted } }] });
    await f.mcp('restart', 'web');
    expect(f.agent('rift').calls.map((call) => call.authorization)).toEqual(['Bearer operator-token', 'Bearer operator-token']);
  });

  it('takes -n as a node the master knows, without asking where the service is placed', async () => {
    const f = await bed.start({
      master: { status: placedOnRift },
      agents: [{ name: 'edge', script: { restartService: restarted } }, { name: 'rift', script: { restartService: restarted } }],
    });
    await f.mcp('restart', 'web', '-n', 'edge');
    expect([f.master.requests('status'), f.agent('edge').requests('restartService').length, f.agent('rift').calls]).toEqual([[], 1, []]);
  });

  it('refuses a -n the master does not know, listing its nodes and their addresses (exit 2)', async () => {
    const f = await bed.start({ agents: [{ name: 'rift' }] });
    const { exitCode, stderr } = await f.mcp('restart', 'web', '-n', 'orion');
    expect([exitCode, stderr]).toEqual([
      2,
      `mcp: -n/--node: mcp-master (${f.master.address}) knows no node "orion"; expected one of: rift (${f.agent('rift').address})\n`,
    ]);
  });

  it('list asks every node the master knows', async () => {
    const services = (name: string) => () => create(ListServicesResponseSchema, { services: [{ name, active: true }] });
    const f = await bed.start({ agents: [{ name: 'edge', script: { listServices: services('dns') } }, { name: 'rift', script: { listServices: services('web') } }] });
    const { exitCode, stdout } = await f.mcp('list');
    expect([exitCode, stdout]).toEqual([0, 'SERVICE  NODE  ACTIVE  COMPONENTS\ndns      edge  yes\nweb      rift  yes\n']);
  });

  it('agent recover without -n among several nodes asks which one (exit 2)', async () => {
    const f = await bed.start({ agents: [{ name: 'edge' }, { name: 'rift' }] });
    const { exitCode, stderr } = await f.mcp('agent', 'recover');
    expect([exitCode, stderr]).toEqual([
      2,
      `mcp: which node? pass -n/--node with one of: edge (${f.agent('edge').address}), rift (${f.agent('rift').address})\n`,
    ]);
  });
});
