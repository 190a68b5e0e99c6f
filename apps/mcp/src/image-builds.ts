// Which images `mcp build` (and deploy before it) can build for a service: `[build.images]` in the service's `path`.
import { buildImageKeys, type ServiceDefinition } from '@mcp/servicedef';
import { isAbsolute, resolve } from 'node:path';
import { CliError, exitCodes } from './errors.js';

/** One image to build: the component image reference it is tagged and pushed as, and where its sources are. */
export interface ImageBuild {
  /** The `[build.images]` key that names it. */
  readonly key: string;
  /** The full reference (tag included) the components use; the build is tagged and pushed as this. */
  readonly image: string;
  /** Components whose image this is. */
  readonly components: readonly string[];
  /** The Dockerfile as `[build.images]` gives it. */
  readonly dockerfileKey: string;
  /** Where to build it from; undefined when the CLI config sets no `[build] workspace`. */
  readonly sources: ImageSources | undefined;
  /** What to say when the image must be built but `sources` is undefined. */
  readonly noSourcesReason: string;
}

export interface ImageSources {
  /** Absolute path of the Dockerfile. */
  readonly dockerfile: string;
  /** Absolute build context: `<workspace>/<path>` (path defaults to the service's name; may climb out with ..). */
  readonly contextDir: string;
}

export interface BuildSelection {
  /** `[build] workspace` of the CLI config; undefined when unset. */
  readonly workspace: string | undefined;
  /** Where the definition came from, for messages. */
  readonly file: string;
  /** Only this image: a `[build.images]` key, or any name a key may use for a component image (`notes-web`). */
  readonly image?: string | undefined;
  /** Only the images of this component (deploy of `<svc>/<comp>`). */
  readonly component?: string | undefined;
}

/**
 * Every image of `definition` that `[build.images]` says how to build, in key order. A key whose repository
 * several components share (different tags) yields one build per tag. Nothing to build is an empty list.
 */
export function imageBuilds(definition: ServiceDefinition, selection: BuildSelection): ImageBuild[] {
  const entries = Object.entries(definition.buildImages);
  const chosen = selection.image === undefined ? entries : entries.filter(([key]) => selects(definition, key, selection.image ?? ''));
  if (selection.image !== undefined && chosen.length === 0) {
    const known = entries.map(([key]) => key);
    throw new CliError(
      'not_found',
      `${selection.file}: service ${definition.name} has no image "${selection.image}" under [build.images]; ` +
        `expected one of: ${known.length === 0 ? '(none: the definition has no [build.images])' : known.join(', ')}`,
      exitCodes.badInput,
    );
  }
  const builds: ImageBuild[] = [];
  for (const [key, dockerfile] of chosen) {
    const byImage = new Map<string, string[]>();
    for (const component of definition.components) {
      if (selection.component !== undefined && selection.component !== '' && component.name !== selection.component) continue;
      if (!buildImageKeys(component.image).includes(key)) continue;
      byImage.set(component.image, [...(byImage.get(component.image) ?? []), component.name]);
    }
    if (byImage.size === 0) continue;
    const contextDir = selection.workspace === undefined ? undefined : resolve(selection.workspace, definition.path ?? definition.name);
    const sources =
      contextDir === undefined ? undefined : { contextDir, dockerfile: isAbsolute(dockerfile) ? dockerfile : resolve(contextDir, dockerfile) };
    const noSourcesReason =
      `${selection.file}: service ${definition.name} has [build.images], but the CLI config sets no [build] workspace; ` +
      'expected [build] workspace = "<dir holding the services\' sources>"';
    for (const [image, components] of byImage) builds.push({ key, image, components, dockerfileKey: dockerfile, sources, noSourcesReason });
  }
  return builds;
}

function selects(definition: ServiceDefinition, key: string, wanted: string): boolean {
  if (key === wanted) return true;
  return definition.components.some((component) => buildImageKeys(component.image).includes(key) && buildImageKeys(component.image).includes(wanted));
}
