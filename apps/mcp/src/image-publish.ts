// Builds and pushes images for `mcp build` and for deploy (only those missing from the registry), printing
// the Go CLI's lines: `building <image>` then `pushing <image>`.
import { CliError, exitCodes } from './errors.js';
import type { ImageBuild } from './image-builds.js';
import type { Output } from './output.js';
import { isLocalImage, type PodmanImages } from './podman-images.js';

/** What happened to one image, as `--json` reports it. */
export interface PublishedImage {
  readonly image: string;
  readonly components: readonly string[];
  /** Absolute paths; absent when no `[build] workspace` is set (and nothing had to be built). */
  readonly dockerfile?: string;
  readonly context?: string;
  /** false when the registry already held the image and only missing images were asked for. */
  readonly built: boolean;
}

export interface PublishOptions {
  readonly output: Output;
  readonly podman: PodmanImages;
  /** Deploy: build only what the registry lacks. `mcp build`: build everything asked for. */
  readonly onlyMissing: boolean;
}

/** Builds and pushes each image in turn; the first failure stops the rest (thrown, naming the image). */
export async function publishImages(builds: readonly ImageBuild[], options: PublishOptions): Promise<PublishedImage[]> {
  const published: PublishedImage[] = [];
  for (const build of builds) {
    const sources = build.sources;
    const describe = {
      image: build.image,
      components: build.components,
      ...(sources === undefined ? {} : { dockerfile: sources.dockerfile, context: sources.contextDir }),
    };
    if (options.onlyMissing && (await options.podman.inRegistry(build.image))) {
      published.push({ ...describe, built: false });
      continue;
    }
    if (sources === undefined) throw new CliError('config', build.noSourcesReason, exitCodes.badInput);
    say(options.output, `building ${build.image}`);
    await options.podman.build({ image: build.image, dockerfile: sources.dockerfile, contextDir: sources.contextDir });
    if (isLocalImage(build.image)) {
      say(options.output, `kept ${build.image} in local storage (localhost/ is no registry: nothing to push)`);
    } else {
      say(options.output, `pushing ${build.image}`);
      await options.podman.push(build.image);
    }
    published.push({ ...describe, built: true });
  }
  return published;
}

// Under --json stdout carries one document: the lines are left out there.
function say(output: Output, text: string): void {
  if (!output.json) output.line(text);
}
