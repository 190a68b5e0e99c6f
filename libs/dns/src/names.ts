// Names inside a zone: zone spelling, relative names and fully qualified names, shared by every driver.

const label = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** `Svc.MCP.test.` → `svc.mcp.test`. */
export function normalizeZone(zone: string): string {
  return zone.trim().toLowerCase().replace(/\.$/, '');
}

/** Whether `zone` is a domain name of whole labels (`svc.mcp.test`). */
export function isValidZone(zone: string): boolean {
  const normalized = normalizeZone(zone);
  return normalized.length > 0 && normalized.length <= 253 && normalized.split('.').every((part) => label.test(part));
}

/** Whether `name` is a name relative to a zone (`hello`, `a.b`) or its apex `@`. */
export function isValidRelativeName(name: string): boolean {
  return name === '@' || (name.length <= 200 && name.split('.').every((part) => label.test(part)));
}

/** `hello` in `svc.mcp.test` → `hello.svc.mcp.test`; `@` → the zone itself. */
export function absoluteName(name: string, zone: string): string {
  return name === '@' ? zone : `${name}.${zone}`;
}

/** `hello.svc.mcp.test.` in `svc.mcp.test` → `hello`; the zone itself → `@`; a name outside it stays whole. */
export function relativeName(fqdn: string, zone: string): string {
  const name = normalizeZone(fqdn);
  if (name === zone) return '@';
  return name.endsWith(`.${zone}`) ? name.slice(0, -(zone.length + 1)) : name;
}

/** Sorted by name, then type, then value: the order every driver lists in. */
export function compareRecords(a: { name: string; type: string; value: string }, b: { name: string; type: string; value: string }): number {
  return a.name.localeCompare(b.name) || a.type.localeCompare(b.type) || a.value.localeCompare(b.value);
}
