// Reads a component's `network` the way podman does (`--network`): a mode, `container:<id>`, `ns:<path>` or names.

import type { NetworkMode } from './deploy-policy.js';

export type NetworkSetting =
  | { readonly mode: Exclude<NetworkMode, 'named'> }
  | { readonly mode: 'named'; readonly names: readonly string[] }
  | { readonly mode: 'unknown' };

const MODES = new Set(['bridge', 'none', 'private', 'slirp4netns', 'host']);
const NETWORK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export function readNetworkSetting(network: string): NetworkSetting {
  if (MODES.has(network)) return { mode: network as Exclude<NetworkMode, 'named' | 'container' | 'ns'> };
  if (network.startsWith('container:')) return { mode: 'container' };
  if (network.startsWith('ns:')) return { mode: 'ns' };
  const names = network.split(',').map((name) => name.trim());
  return names.every((name) => NETWORK_NAME.test(name) && !MODES.has(name)) ? { mode: 'named', names } : { mode: 'unknown' };
}
