import { describe, expect, it } from 'vitest';
import { silentNodes, verdictOf } from './health-monitor.js';
import { sampleNode } from './store/testing.js';

const start = new Date('2025-06-01T00:00:00.000Z');
const at = (seconds: number) => new Date(start.getTime() + seconds * 1000);
const watch = (nowSeconds: number) => ({ now: at(nowSeconds), watchingSince: start, unhealthyAfterMs: 90_000 });

describe('silentNodes', () => {
  it('leaves a node heard from within the threshold alone', () => {
    expect(silentNodes([sampleNode({ status: 'healthy', lastHeartbeat: at(100) })], watch(189))).toEqual([]);
  });

  it('picks a node silent for the threshold, with how long it has been silent', () => {
    const node = sampleNode({ status: 'healthy', lastHeartbeat: at(100) });
    expect(silentNodes([node], watch(190))).toEqual([{ node, silentForMs: 90_000 }]);
  });

  it('does not probe a node already unhealthy', () => {
    expect(silentNodes([sampleNode({ status: 'unhealthy', lastHeartbeat: at(0) })], watch(1000))).toEqual([]);
  });

  it('counts a registered node that never heartbeat from its registration', () => {
    const node = sampleNode({ registeredAt: at(50) });
    expect(silentNodes([node], watch(139))).toEqual([]);
    expect(silentNodes([node], watch(140))).toEqual([{ node, silentForMs: 90_000 }]);
  });

  it('counts a bootstrap node never heard from since the master started watching', () => {
    const node = sampleNode();
    expect(silentNodes([node], watch(89))).toEqual([]);
    expect(silentNodes([node], watch(90))).toEqual([{ node, silentForMs: 90_000 }]);
  });

  it('gives every node the threshold after the master starts, however old its last heartbeat', () => {
    const node = sampleNode({ status: 'healthy', lastHeartbeat: new Date('2025-05-01T00:00:00.000Z') });
    expect(silentNodes([node], watch(60))).toEqual([]);
  });
});

describe('verdictOf', () => {
  const probed = sampleNode({ status: 'healthy', lastHeartbeat: at(0) });

  it('marks a node unhealthy when the probe failed and nothing was heard meanwhile', () => {
    expect(verdictOf(probed, probed, { ok: false, reason: 'refused' })).toBe('mark-unhealthy');
  });

  it('keeps a node whose heartbeat arrived while the probe ran', () => {
    expect(verdictOf(probed, { ...probed, lastHeartbeat: at(95) }, { ok: false, reason: 'timeout' })).toBe('heard-meanwhile');
  });

  it('keeps a node that answered the probe', () => {
    expect(verdictOf(probed, probed, { ok: true })).toBe('alive');
  });

  it('ignores a node that disappeared from the store', () => {
    expect(verdictOf(probed, undefined, { ok: false, reason: 'refused' })).toBe('gone');
  });
});
