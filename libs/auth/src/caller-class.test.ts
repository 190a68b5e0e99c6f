import { describe, expect, it } from 'vitest';
import { agentIdentityName, classifyCaller, nodeNameFromIdentity } from './caller-class.js';
import type { Identity } from './identity.js';

function identity(name: string, account: Identity['account'], roles: string[] = []): Identity {
  return { name, account, roles };
}

describe('classifyCaller', () => {
  it('classes a person without the guest role as human', () => {
    expect(classifyCaller(identity('alice', 'human', ['admin']))).toBe('human');
  });

  it('classes a system account agent-<node> as an agent', () => {
    expect(classifyCaller(identity('agent-rift', 'system'))).toBe('agent');
  });

  it('classes the system account mcp-master as the master', () => {
    expect(classifyCaller(identity('mcp-master', 'system'))).toBe('master');
  });

  it('classes any account with the guest role as a guest, whatever its name', () => {
    expect(classifyCaller(identity('mcp-master', 'system', ['guest']))).toBe('guest');
  });

  it('does not take a human account named like the master for the master', () => {
    expect(classifyCaller(identity('mcp-master', 'human'))).toBe('human');
  });

  it('does not take a human account named like an agent for an agent', () => {
    expect(classifyCaller(identity('agent-rift', 'human'))).toBe('human');
  });

  it('classes other system accounts apart', () => {
    expect(classifyCaller(identity('backup-bot', 'system'))).toBe('other-system');
  });

  it('does not take agent- followed by an invalid node name for an agent', () => {
    expect(classifyCaller(identity('agent-Rift', 'system'))).toBe('other-system');
  });
});

describe('nodeNameFromIdentity', () => {
  it('strips the agent- prefix', () => {
    expect(nodeNameFromIdentity('agent-rift')).toBe('rift');
  });

  it('keeps dashes inside the node name', () => {
    expect(nodeNameFromIdentity('agent-edge-1')).toBe('edge-1');
  });

  it('returns undefined for a name without the prefix', () => {
    expect(nodeNameFromIdentity('mcp-master')).toBeUndefined();
  });

  it('returns undefined for the bare prefix', () => {
    expect(nodeNameFromIdentity('agent-')).toBeUndefined();
  });

  it('is the inverse of agentIdentityName', () => {
    expect(nodeNameFromIdentity(agentIdentityName('rift'))).toBe('rift');
  });
});
