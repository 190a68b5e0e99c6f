import { describe, expect, it } from 'vitest';
import { validateDefinition } from './validate.js';
import type { ServiceDefinition } from './types.js';

const definition = (routeMode: string): ServiceDefinition => ({
  name: 'svc', active: true, tier: 'worker', buildImages: {}, snapshot: { method: '', exclude: [] },
  components: [{ name: 'web', image: 'a:1', runtime: 'container', vcpus: 1, ports: [], volumes: [], env: [], routes: [{ name: '', port: 443, mode: routeMode as 'l4', public: false }] }],
});

describe('validateDefinition', () => {
  it('finds nothing wrong with a valid definition', () => {
    expect(validateDefinition(definition('l7'))).toStrictEqual([]);
  });

  it('reports a bad value with its key path and the given source, without a line', () => {
    expect(validateDefinition(definition('l5'), 'Deploy request')).toStrictEqual([{
      file: 'Deploy request', keyPath: 'components[0].routes[0].mode', expected: 'one of "l4", "l7"',
      message: 'Deploy request: components[0].routes[0].mode: found "l5"; expected one of "l4", "l7"',
    }]);
  });

  it('refuses VM settings on a container even though a file could not hold them silently', () => {
    const withVcpus = definition('l4');
    withVcpus.components[0] = { ...withVcpus.components[0]!, vcpus: 4 };
    expect(validateDefinition(withVcpus).map((problem) => problem.keyPath)).toStrictEqual(['components[0].vcpus']);
  });
});
