import { describe, expect, it } from 'vitest';
import { prettyName } from './node-facts.js';

describe('prettyName', () => {
  it('reads a quoted PRETTY_NAME', () => {
    expect(prettyName('NAME="Debian GNU/Linux"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n')).toBe(
      'Debian GNU/Linux 12 (bookworm)',
    );
  });

  it('reads an unquoted or single-quoted value and undoes shell escapes', () => {
    expect(prettyName('PRETTY_NAME=Alpine')).toBe('Alpine');
    expect(prettyName("PRETTY_NAME='Tiny \\\"OS\\\"'")).toBe('Tiny "OS"');
  });

  it('is empty without PRETTY_NAME', () => {
    expect(prettyName('NAME=Debian\n')).toBe('');
  });
});
