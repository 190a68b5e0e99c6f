import { describe, expect, it } from 'vitest';
import { addressRecordFor, hostOfAddress } from './address-record.js';

describe('addressRecordFor', () => {
  it('gives IPv4 an A record and IPv6 an AAAA record', () => {
    expect(addressRecordFor('127.0.1.2')).toEqual({ type: 'A', value: '127.0.1.2' });
    expect(addressRecordFor('[FD00::2]')).toEqual({ type: 'AAAA', value: 'fd00::2' });
  });

  it('gives a host name no address record', () => {
    expect(addressRecordFor('rift.example.net')).toBeUndefined();
  });
});

describe('hostOfAddress', () => {
  it('takes the host of host:port and [v6]:port', () => {
    expect(hostOfAddress('127.0.1.2:9444')).toBe('127.0.1.2');
    expect(hostOfAddress('[fd00::2]:9444')).toBe('fd00::2');
    expect(hostOfAddress('rift')).toBe('rift');
  });
});
