import { describe, expect, it } from 'vitest';
import { recordedDefinition } from './recorded-definition.js';
import type { ServiceDefinition } from './types.js';

describe('recordedDefinition', () => {
  it('leaves out the build workspace (path, build images) and keeps everything else', () => {
    const definition: ServiceDefinition = {
      name: 'web',
      active: true,
      tier: 'core',
      comment: 'site',
      path: '../web',
      buildImages: { app: 'Containerfile' },
      snapshot: { method: 'full', exclude: ['cache'] },
      components: [
        { name: 'app', image: 'localhost/app:1.0', runtime: 'container', vcpus: 1, ports: [], volumes: [], env: [], routes: [] },
      ],
    };
    const { name, active, tier, comment, snapshot, components } = definition;
    expect(recordedDefinition(definition)).toEqual({ name, active, tier, comment, snapshot, components });
    expect(definition.path).toBe('../web');
  });
});
