import { describe, expect, it } from 'vitest';
import { parseEnvEntry, routePortVariable } from './env-entry.js';
import { formatPortMapping, parsePortMapping, portMappingsClash } from './port-mapping.js';
import { parseVolumeMount } from './volume-mount.js';

describe('parsePortMapping', () => {
  it('reads address, ports and protocol', () => {
    expect(parsePortMapping('127.0.0.1:8080:80/udp')).toStrictEqual({ hostIp: '127.0.0.1', hostPort: 8080, containerPort: 80, protocol: 'udp' });
  });

  it('defaults to tcp on every address', () => {
    expect(parsePortMapping('8080:80')).toStrictEqual({ hostPort: 8080, containerPort: 80, protocol: 'tcp' });
  });

  it('reads a bracketed IPv6 address', () => {
    expect(parsePortMapping('[::1]:8080:80')?.hostIp).toBe('::1');
  });

  it.each(['80', ':80', '0:80', '80:65536', '1.2.3:80:80', '::1:80:80', '80:80/sctp', 'a:80', '80:80:80:80'])('refuses %j', (text) => {
    expect(parsePortMapping(text)).toBeUndefined();
  });

  it('writes [ip:]host:container/proto, an IPv6 address in brackets', () => {
    expect(formatPortMapping({ hostPort: 8080, containerPort: 80, protocol: 'tcp' })).toBe('8080:80/tcp');
    expect(formatPortMapping({ hostIp: '127.0.0.1', hostPort: 53, containerPort: 53, protocol: 'udp' })).toBe('127.0.0.1:53:53/udp');
    expect(formatPortMapping({ hostIp: '::1', hostPort: 1, containerPort: 2, protocol: 'tcp' })).toBe('[::1]:1:2/tcp');
  });

  it.each(['8080:80', '127.0.0.1:8080:80/udp', '[::1]:8080:80', '[2001:db8::1]:1:65535/udp', '0.0.0.0:443:8443/tcp'])(
    'reads back what it writes for %j',
    (text) => {
      const mapping = parsePortMapping(text);
      expect(mapping).toBeDefined();
      if (mapping !== undefined) expect(parsePortMapping(formatPortMapping(mapping))).toStrictEqual(mapping);
    },
  );

  it('sees a clash between a wildcard and a specific address on one port', () => {
    expect(portMappingsClash({ hostPort: 80, containerPort: 1, protocol: 'tcp' }, { hostIp: '127.0.0.1', hostPort: 80, containerPort: 2, protocol: 'tcp' })).toBe(true);
  });

  it('sees no clash between tcp and udp on one port', () => {
    expect(portMappingsClash({ hostPort: 53, containerPort: 53, protocol: 'tcp' }, { hostPort: 53, containerPort: 53, protocol: 'udp' })).toBe(false);
  });
});

describe('parseVolumeMount', () => {
  it('reads a bind mount with options', () => {
    expect(parseVolumeMount('/srv/a:/data:ro,Z')).toStrictEqual({ source: '/srv/a', target: '/data', options: ['ro', 'Z'] });
  });

  it('accepts a named volume as source', () => {
    expect(parseVolumeMount('app-data:/data')?.source).toBe('app-data');
  });

  it.each(['/srv/a', './a:/data', '/srv/a:data', '/srv/a:/data:bogus', '/a:/b:ro:z', '/a:/b:'])('refuses %j', (text) => {
    expect(parseVolumeMount(text)).toBeUndefined();
  });
});

describe('parseEnvEntry', () => {
  it('splits at the first "="', () => {
    expect(parseEnvEntry('URL=a=b')).toStrictEqual({ key: 'URL', value: 'a=b' });
  });

  it('accepts an empty value', () => {
    expect(parseEnvEntry('EMPTY=')).toStrictEqual({ key: 'EMPTY', value: '' });
  });

  it('names the port variable of a route in upper case with "_" for "-"', () => {
    expect(routePortVariable('admin-api')).toBe('PORT_ADMIN_API');
  });
});
