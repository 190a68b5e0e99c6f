import { describe, expect, it } from 'vitest';
import { isValidHostname, isValidName } from './names.js';

describe('isValidName', () => {
  it.each(['a', 'web', 'api-2', 'a1-b2-c3', 'x'.repeat(63)])('accepts %s', (name) => expect(isValidName(name)).toBe(true));
  it.each(['', 'Web', '1st', '-a', 'a-', 'a_b', 'a.b', 'a b', 'é', 'x'.repeat(64)])('refuses %j', (name) => expect(isValidName(name)).toBe(false));
});

describe('isValidHostname', () => {
  it.each(['localhost', 'app.example.org', 'a-1.b-2.example', '1.example.org'])('accepts %s', (host) => expect(isValidHostname(host)).toBe(true));
  it.each(['', 'App.example.org', 'a..b', '-a.example', 'a-.example', 'a.example.', '*.example.org', `${'a'.repeat(64)}.org`])(
    'refuses %j',
    (host) => expect(isValidHostname(host)).toBe(false),
  );
});
