// Host ports published twice in one service, found in one pass over the ports (validation stays linear).
import { isAnyAddress, parsePortMapping } from './port-mapping.js';

export interface HostPortClash {
  readonly componentIndex: number;
  readonly portIndex: number;
  /** The entry as written. */
  readonly port: string;
  /** `components[i].ports[j]`: the earliest entry that already claims the host port. */
  readonly publishedBy: string;
}

interface Published {
  readonly where: string;
  readonly order: number;
}

interface Group {
  first?: Published;
  everyAddress?: Published;
  readonly byAddress: Map<string, Published>;
}

const earliest = (candidates: readonly (Published | undefined)[]): Published | undefined =>
  candidates.reduce<Published | undefined>((best, candidate) => (candidate !== undefined && (best === undefined || candidate.order < best.order) ? candidate : best), undefined);

/**
 * Every entry whose host port and protocol an earlier entry already claims on an overlapping address (see
 * portMappingsClash). Mappings are grouped by (host port, protocol); in a group, the first entry, the first on
 * every address and the first per address are all that can be the earliest clash, so each entry costs O(1).
 */
export function findHostPortClashes(components: readonly { readonly ports: readonly string[] }[]): HostPortClash[] {
  const groups = new Map<string, Group>();
  const clashes: HostPortClash[] = [];
  let order = 0;
  components.forEach((component, componentIndex) => {
    component.ports.forEach((port, portIndex) => {
      const mapping = parsePortMapping(port);
      if (mapping === undefined) return;
      const key = `${mapping.hostPort}/${mapping.protocol}`;
      const group = groups.get(key) ?? { byAddress: new Map<string, Published>() };
      groups.set(key, group);
      const address = mapping.hostIp ?? '';
      const anyAddress = isAnyAddress(mapping.hostIp);
      const clash = anyAddress ? group.first : earliest([group.everyAddress, group.byAddress.get(address)]);
      if (clash !== undefined) clashes.push({ componentIndex, portIndex, port, publishedBy: clash.where });
      const here: Published = { where: `components[${componentIndex}].ports[${portIndex}]`, order: order++ };
      group.first ??= here;
      if (anyAddress) group.everyAddress ??= here;
      else if (!group.byAddress.has(address)) group.byAddress.set(address, here);
    });
  });
  return clashes;
}
