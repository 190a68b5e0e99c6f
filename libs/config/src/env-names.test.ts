import { describe, expect, it } from 'vitest';
import { withEnvPrefix } from './env-names.js';
import { integer, string, tables } from './fields.js';
import { parseConfig } from './load.js';

describe('withEnvPrefix', () => {
  const schema = withEnvPrefix(
    {
      server: { listen: string({ doc: 'l', default: 'a:1' }), allow_wildcard_listen: string({ doc: 'w', default: 'x' }) },
      master: { address: string({ doc: 'm', default: '', env: 'MCP_MASTER_ADDRESS' }) },
      ports: { first: integer({ doc: 'p', default: 1 }) },
      nodes: tables('n', { name: string({ doc: 'n' }) }),
    },
    'MCP_AGENT',
  );

  it('names each field PREFIX_SECTION_KEY and keeps names given explicitly', () => {
    expect(schema.server.listen.env).toBe('MCP_AGENT_SERVER_LISTEN');
    expect(schema.server.allow_wildcard_listen.env).toBe('MCP_AGENT_SERVER_ALLOW_WILDCARD_LISTEN');
    expect(schema.master.address.env).toBe('MCP_MASTER_ADDRESS');
  });

  it('makes the variables override the file', () => {
    const { config } = parseConfig(schema, {
      text: '[ports]\nfirst = 5\n',
      source: 'f',
      env: { MCP_AGENT_PORTS_FIRST: '7', MCP_MASTER_ADDRESS: 'm:1' },
      homedir: '/h',
      baseDir: '/b',
    });
    expect(config.ports.first).toBe(7);
    expect(config.master.address).toBe('m:1');
  });
});
