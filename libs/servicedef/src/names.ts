// Name rules for services, components and routes (they become container names, DNS labels and $PORT_<NAME>).

export const MAX_NAME_LENGTH = 63;
const NAME = /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/;
const HOSTNAME_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

export const NAME_EXPECTED =
  'lower-case letters, digits and "-", starting with a letter, not ending with "-", at most 63 characters';
export const HOSTNAME_EXPECTED = 'a lower-case DNS hostname such as "app.example.org" (labels of letters, digits and "-")';

export function isValidName(name: string): boolean {
  return name.length <= MAX_NAME_LENGTH && NAME.test(name);
}

export function checkName(name: string): string | undefined {
  return isValidName(name) ? undefined : `found ${JSON.stringify(name)}`;
}

export function isValidHostname(hostname: string): boolean {
  if (hostname.length === 0 || hostname.length > 253) return false;
  return hostname.split('.').every((label) => label.length <= 63 && HOSTNAME_LABEL.test(label));
}

export function checkHostname(hostname: string): string | undefined {
  return isValidHostname(hostname) ? undefined : `found ${JSON.stringify(hostname)}`;
}
