import { describe, expect, it } from 'vitest';
import { createPortPicker, publishedHostPorts } from './port-picker.js';

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
});

describe('createPortPicker', () => {
  it('hands out increasing ports, skipping taken and busy ones, then reports the range used up', () => {
    const taken = new Set([100]);
    const pick = createPortPicker({ first: 100, last: 103 }, taken, (port) => port !== 102);
    expect([pick(), pick(), pick()]).toEqual([101, 103, undefined]);
    expect([...taken].sort()).toEqual([100, 101, 103]);
  });
});
