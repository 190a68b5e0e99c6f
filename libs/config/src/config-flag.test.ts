import { describe, expect, it } from 'vitest';
import { configPathFromArgs } from './config-flag.js';

describe('configPathFromArgs', () => {
  it('takes the path after --config', () => {
    expect(configPathFromArgs(['--config', '/etc/x.toml'], () => '/default.toml')).toBe('/etc/x.toml');
  });

  it('falls back when there is no --config', () => {
    expect(configPathFromArgs([], () => '/default.toml')).toBe('/default.toml');
  });

  it('refuses --config without a path', () => {
    expect(() => configPathFromArgs(['--config'], () => '')).toThrow('--config needs a file path');
    expect(() => configPathFromArgs(['--config', '--version'], () => '')).toThrow('--config needs a file path');
  });
});
