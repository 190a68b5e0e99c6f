// Environment entries, `KEY=VALUE`, with a key a shell and podman accept.

export const ENV_EXPECTED = '"KEY=VALUE" with KEY of letters, digits and "_", not starting with a digit';
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseEnvEntry(text: string): { key: string; value: string } | undefined {
  const equals = text.indexOf('=');
  const key = text.slice(0, equals);
  if (equals < 0 || !ENV_KEY.test(key)) return undefined;
  return { key, value: text.slice(equals + 1) };
}

/** The variable MCP sets for a route: `$PORT_<NAME>`, the name upper-cased with "-" as "_". */
export function routePortVariable(routeName: string): string {
  return `PORT_${routeName.toUpperCase().replaceAll('-', '_')}`;
}
