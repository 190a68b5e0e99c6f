import { describe, expect, it } from 'vitest';
import { parseListenAddress } from './listen-address.js';

describe('parseListenAddress', () => {
  it('accepts a specific IPv4 address and port', () => {
    expect(parseListenAddress('100.64.0.5:9444', { allowWildcard: false })).toEqual({
      ok: true,
      address: { host: '100.64.0.5', port: 9444 },
    });
  });

  it('accepts a bracketed IPv6 address', () => {
    expect(parseListenAddress('[fd00::5]:9444', { allowWildcard: false })).toEqual({
      ok: true,
      address: { host: 'fd00::5', port: 9444 },
    });
  });

  it.each([
    '0.0.0.0:9444', '[::]:9444', ':9444', '*:9444', '0:9444', '0.0.0.0.:9444', '0.0:9444', '0x0:9444', '000.0.0.0:9444', '0x0.0.0.0:9444',
    '[::0]:9444', '[0:0:0:0:0:0:0:0]:9444', '[0000::0000]:9444', '[::ffff:0.0.0.0]:9444', '[::0.0.0.0]:9444', '[::%lo]:9444',
  ])('refuses the wildcard %s unless allowed', (text) => {
    const refused = parseListenAddress(text, { allowWildcard: false });
    expect(refused).toEqual({ ok: false, problem: expect.stringContaining('listens on every interface') });
    expect(parseListenAddress(text, { allowWildcard: true }).ok).toBe(true);
  });

  it.each(['127.1:9444', '0x7f.0.0.1:9444'])('binds the numeric spelling %s as the dotted quad 127.0.0.1', (text) => {
    expect(parseListenAddress(text, { allowWildcard: false })).toEqual({ ok: true, address: { host: '127.0.0.1', port: 9444 } });
  });

  it.each(['[::1]:9444', '[fd00::]:9444', '10.0.0.0:9444', '0.0.0.1:9444', 'node0:9444', '0a:9444'])('accepts the specific address %s', (text) => {
    expect(parseListenAddress(text, { allowWildcard: false }).ok).toBe(true);
  });

  it.each(['9444', 'localhost', 'host:99999', 'host:port', '[not-v6]:1', 'a:b:1'])('refuses %s as not host:port', (text) => {
    expect(parseListenAddress(text, { allowWildcard: false }).ok).toBe(false);
  });
});
