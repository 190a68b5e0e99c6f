import { describe, expect, it } from 'vitest';
import { selectNode, selectNodes } from './node-selection.js';

const rift = { name: 'rift', address: '10.0.0.5:9444' };
const edge = { name: 'edge', address: '10.0.0.6:9444' };
const config = '/home/op/.config/mcp/mcp.toml';

function refusal(run: () => unknown): { message: string; exitCode: unknown } {
  try {
    run();
  } catch (error) {
    return { message: (error as Error).message, exitCode: (error as { exitCode?: unknown }).exitCode };
  }
  throw new Error('expected a refusal');
}

describe('selectNode', () => {
  it('takes -n over the definition\'s node', () => {
    expect(selectNode([rift, edge], { flag: 'edge', pinned: { node: 'rift', file: 'web.toml' } }, config)).toBe(edge);
  });

  it('takes the definition\'s node when -n is absent', () => {
    expect(selectNode([rift, edge], { flag: undefined, pinned: { node: 'edge', file: 'web.toml' } }, config)).toBe(edge);
  });

  it('takes the only configured node when nothing names one', () => {
    expect(selectNode([rift], { flag: undefined }, config)).toBe(rift);
  });

  it('refuses to guess among several nodes, listing them with their addresses (exit 2)', () => {
    expect(refusal(() => selectNode([rift, edge], { flag: undefined, service: 'web' }, config))).toEqual({
      message:
        'which node runs web? pass -n/--node with one of: rift (10.0.0.5:9444), edge (10.0.0.6:9444), or set node = "<name>" in its definition',
      exitCode: 2,
    });
  });

  it('refuses a -n that is not configured, naming the config', () => {
    expect(refusal(() => selectNode([rift, edge], { flag: 'rfit' }, config)).message).toBe(
      `-n/--node: node "rfit" is not configured; expected one of: rift (10.0.0.5:9444), edge (10.0.0.6:9444) ([[nodes]] in ${config})`,
    );
  });

  it('refuses a definition pinned to a node that is not configured, naming the file', () => {
    expect(refusal(() => selectNode([rift], { flag: undefined, pinned: { node: 'gone', file: '/defs/web.toml' } }, config)).message).toMatch(
      /^\/defs\/web\.toml: node: node "gone" is not configured/,
    );
  });

  it('says that --direct needs [[nodes]] when none are configured', () => {
    expect(refusal(() => selectNode([], { flag: undefined }, config))).toEqual({
      message: `--direct needs the agents' addresses, and ${config} lists no [[nodes]]; add name = "<node>" and address = "host:port" for each`,
      exitCode: 2,
    });
  });
});

describe('selectNodes', () => {
  it('asks every configured node without -n', () => {
    expect(selectNodes([rift, edge], undefined, config)).toEqual([rift, edge]);
  });

  it('asks only the node named by -n', () => {
    expect(selectNodes([rift, edge], 'edge', config)).toEqual([edge]);
  });
});
