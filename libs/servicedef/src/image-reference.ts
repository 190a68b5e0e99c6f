// Container image references: `[registry[:port]/]path[:tag][@digest]`, as podman and OCI registries read them.

export interface ImageReference {
  /** Everything before the tag and digest, e.g. `registry.example:5000/team/app`. */
  repository: string;
  tag?: string;
  digest?: string;
}

export const IMAGE_EXPECTED = 'a full image reference with an explicit tag (or digest), e.g. "registry.example/app:1.2.3"';

const DOMAIN = /^(?:localhost|[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*)(?::\d{1,5})?$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[A-Za-z0-9=_-]{32,}$/;

/** Like podman: the first part names a registry when it has a dot, a port, upper case or is `localhost`. */
function startsWithDomain(parts: readonly string[]): boolean {
  const first = parts[0] ?? '';
  return parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase());
}

/** Parses a reference; undefined when it is not well formed (tag or digest may still be absent). */
export function parseImageReference(image: string): ImageReference | undefined {
  const [name = '', digest, extra] = image.split('@');
  if (extra !== undefined || (digest !== undefined && !DIGEST.test(digest))) return undefined;
  const lastColon = name.lastIndexOf(':');
  const hasTag = lastColon > name.lastIndexOf('/');
  const repository = hasTag ? name.slice(0, lastColon) : name;
  const tag = hasTag ? name.slice(lastColon + 1) : undefined;
  if (tag !== undefined && !TAG.test(tag)) return undefined;
  const parts = repository.split('/');
  const hasDomain = startsWithDomain(parts);
  if (hasDomain && !DOMAIN.test(parts[0] ?? '')) return undefined;
  if (!(hasDomain ? parts.slice(1) : parts).every((part) => PATH_COMPONENT.test(part))) return undefined;
  const reference: ImageReference = { repository };
  if (tag !== undefined) reference.tag = tag;
  if (digest !== undefined) reference.digest = digest;
  return reference;
}

export function checkImage(image: string): string | undefined {
  const reference = parseImageReference(image);
  if (reference === undefined) return `found ${JSON.stringify(image)}, which is not a valid image reference`;
  if (reference.tag === undefined && reference.digest === undefined) return `found ${JSON.stringify(image)}, which has no tag`;
  return undefined;
}

/**
 * The names a `[build.images]` key may use for this image: the full repository
 * (`registry.example:5000/team/app`), the path without the registry (`team/app`) or its last part (`app`,
 * the form Go MCP files use). Empty when the reference is malformed.
 */
export function buildImageKeys(image: string): string[] {
  const reference = parseImageReference(image);
  if (reference === undefined) return [];
  const parts = reference.repository.split('/');
  const path = startsWithDomain(parts) ? parts.slice(1).join('/') : reference.repository;
  return [...new Set([reference.repository, path, parts[parts.length - 1] ?? ''])];
}
