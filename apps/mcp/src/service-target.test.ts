import { describe, expect, it } from 'vitest';
import { parseServiceTarget } from './service-target.js';

describe('parseServiceTarget', () => {
  it('reads a service alone with an empty component', () => {
    expect(parseServiceTarget('web', { allowComponent: true })).toEqual({ service: 'web', component: '' });
  });

  it('reads service/component', () => {
    expect(parseServiceTarget('web/api', { allowComponent: true })).toEqual({ service: 'web', component: 'api' });
  });

  it('refuses a component where the command acts on whole services', () => {
    expect(() => parseServiceTarget('web/api', { allowComponent: false })).toThrow('"web/api" is not a service name; expected <service>');
  });

  it('refuses an invalid name, saying what a name may contain', () => {
    expect(() => parseServiceTarget('Web', { allowComponent: true })).toThrow('"Web" is not a valid service name; expected lower-case letters');
  });

  it('refuses an empty component', () => {
    expect(() => parseServiceTarget('web/', { allowComponent: true })).toThrow('"" is not a valid component name');
  });
});
