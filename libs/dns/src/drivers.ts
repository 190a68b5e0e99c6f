// Picks the driver for configured settings: the one place that maps a driver kind to its implementation.
import { createMcnsDriver } from './mcns.js';
import { createPowerDnsDriver } from './powerdns.js';
import type { DnsDriver, DnsDriverKind, DnsServerSettings } from './types.js';

const drivers: Readonly<Record<DnsDriverKind, (settings: DnsServerSettings) => DnsDriver>> = {
  powerdns: createPowerDnsDriver,
  mcns: createMcnsDriver,
};

export function createDnsDriver(settings: DnsServerSettings): DnsDriver {
  return drivers[settings.kind](settings);
}
