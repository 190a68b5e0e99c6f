// MCNS specifics beyond the conformance suite: the order of writes during a move, and records changed behind its back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMcnsDriver } from './mcns.js';
import { startMcnsStandIn, type McnsStandIn } from './testing/index.js';

describe('MCNS driver against the stand-in', () => {
  let mcns: McnsStandIn;
  beforeAll(async () => {
    mcns = await startMcnsStandIn({ zones: ['svc.mcp.test'] });
  }, 30_000);
  afterAll(() => mcns.stop());
  const driver = () => createMcnsDriver({ zone: 'svc.mcp.test', apiUrl: mcns.url, secret: mcns.token, caPem: mcns.caPem });

  it('adds the new address before removing the old one, so a moving name never answers nothing', async () => {
    await driver().setRecords('moving', 'A', ['127.0.1.2'], 60);
    mcns.requests.length = 0;
    await driver().setRecords('moving', 'A', ['127.0.1.3'], 60);
    expect(mcns.requests.map((request) => request.replace(/\/\d+$/, '/<id>'))).toEqual([
      'GET /v1/zones/svc.mcp.test/records',
      'POST /v1/zones/svc.mcp.test/records',
      'DELETE /v1/zones/svc.mcp.test/records/<id>',
    ]);
  });

  it('treats a server whose certificate does not chain to a trusted CA as unreachable', async () => {
    const untrusted = createMcnsDriver({ zone: 'svc.mcp.test', apiUrl: mcns.url, secret: mcns.token });
    await expect(untrusted.listRecords()).rejects.toMatchObject({ kind: 'unreachable' });
  });
});
