// Key paths such as `components[1].routes[0].mode`, the address every problem and location uses.

export type KeySegment = string | number;

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

/** Formats a path; keys that are not bare TOML keys are written as `["key"]` so the path stays unambiguous. */
export function formatKeyPath(path: readonly KeySegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (BARE_KEY.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
