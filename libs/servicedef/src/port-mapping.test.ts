import { describe, expect, it } from 'vitest';
import { parsePort, parsePortMapping, parsePortRange, publishedHostPorts } from './port-mapping.js';

describe('publishedHostPorts', () => {
  it.each([
    ['8080:80', [8080]],
    ['127.0.0.1:8080:80', [8080]],
    ['127.0.0.1:8080:80/udp', [8080]],
    ['[::1]:8080:80/tcp', [8080]],
    ['0.0.0.0:9000-9002:9000-9002', [9000, 9001, 9002]],
  ])('reads the host side of %s', (publish, ports) => {
    expect(publishedHostPorts(publish)).toEqual(ports);
  });

  it.each(['80', '127.0.0.1::80', '[::1]::80', 'nonsense:80', '70000:80', '9002-9000:80'])(
    'finds no known host port in %s',
    (publish) => {
      expect(publishedHostPorts(publish)).toEqual([]);
    },
  );

  it('reads the host port of every mapping a definition may hold, as parsePortMapping does', () => {
    for (const text of ['8080:80', '127.0.0.1:8080:80/udp', '[::1]:8080:80', '0.0.0.0:65535:1/tcp']) {
      expect(publishedHostPorts(text)).toEqual([parsePortMapping(text)?.hostPort]);
    }
  });
});

describe('parsePortRange', () => {
  it.each([
    ['8080', { first: 8080, last: 8080 }],
    [' 9000-9002 ', { first: 9000, last: 9002 }],
    ['1-65535', { first: 1, last: 65535 }],
  ])('reads %j', (text, range) => {
    expect(parsePortRange(text)).toEqual(range);
  });

  it.each(['', '0', '65536', '9002-9000', '80-', 'a-b', '80:81'])('refuses %j', (text) => {
    expect(parsePortRange(text)).toBeUndefined();
  });
});

describe('parsePort', () => {
  it('reads a port written in digits, 1 to 65535', () => {
    expect(['1', '8080', '65535', '00080'].map(parsePort)).toEqual([1, 8080, 65535, 80]);
  });

  it.each(['', '0', '65536', ' 80', '+80', '8e3', '123456'])('refuses %j', (text) => {
    expect(parsePort(text)).toBeUndefined();
  });
});
