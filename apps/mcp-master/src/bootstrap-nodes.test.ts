import { afterEach, describe, expect, it } from 'vitest';
import { recordBootstrapNodes } from './bootstrap-nodes.js';
import { openTempMasterStore, sampleNode, type TempMasterStore } from './store/testing.js';
import { captureLog } from './testing/scripted-agents.js';

describe('recordBootstrapNodes', () => {
  let temp: TempMasterStore | undefined;
  afterEach(() => temp?.cleanup());

  it('records a configured node the master does not know as unknown', () => {
    temp = openTempMasterStore();
    const added = recordBootstrapNodes(temp.store, [{ name: 'vega', role: 'edge', address: '10.0.0.5:9444' }], captureLog().log);
    expect(added).toEqual(['vega']);
    expect(temp.store.findNode('vega')).toEqual(
      sampleNode({ name: 'vega', role: 'edge', address: '10.0.0.5:9444', arch: '', agentVersion: '', status: 'unknown' }),
    );
  });

  it('keeps what a known node registered and logs the difference', () => {
    temp = openTempMasterStore();
    const registered = sampleNode({ name: 'vega', address: '10.0.0.9:9444', status: 'healthy', containers: 3 });
    temp.store.upsertNode(registered);
    const logs = captureLog();
    expect(recordBootstrapNodes(temp.store, [{ name: 'vega', role: 'worker', address: '10.0.0.5:9444' }], logs.log)).toEqual([]);
    expect(temp.store.findNode('vega')).toEqual(registered);
    expect(logs.lines()).toContainEqual(expect.objectContaining({ node: 'vega', msg: expect.stringContaining('keeping the registration') }));
  });
});
