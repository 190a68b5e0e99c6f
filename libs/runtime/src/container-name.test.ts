// The container (and VM) name rule, as the Go MCP names them.
import { describe, expect, it } from 'vitest';
import { containerName } from './types.js';

describe('containerName', () => {
  it('is <service> when the component bears the service\'s name', () => {
    expect(containerName('mcq', 'mcq')).toBe('mcq');
  });

  it('is <service>-<component> otherwise', () => {
    expect(containerName('mcq', 'web')).toBe('mcq-web');
    expect(containerName('mcq-web', 'mcq')).toBe('mcq-web-mcq');
  });
});
