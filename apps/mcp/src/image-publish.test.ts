// publishImages: what deploy and `mcp build` do per image, against a recording podman (the real one is in
// e2e/cli-build.test.ts); here the rule for localhost/ images, which live in local storage and are never pushed.
import { describe, expect, it } from 'vitest';
import type { ImageBuild } from './image-builds.js';
import { publishImages } from './image-publish.js';
import { createOutput } from './output.js';
import { isLocalImage, type PodmanImages } from './podman-images.js';

function build(image: string): ImageBuild {
  return {
    key: image.split(':')[0] ?? image,
    image,
    components: ['web'],
    dockerfileKey: 'Dockerfile',
    sources: { dockerfile: '/ws/web/Dockerfile', contextDir: '/ws/web' },
    noSourcesReason: 'no [build] workspace',
  } as ImageBuild;
}

function recordingPodman(present: readonly string[]): PodmanImages & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    build: async ({ image }) => void calls.push(`build ${image}`),
    push: async (image) => void calls.push(`push ${image}`),
    inRegistry: async (image) => present.includes(image),
  };
}

function capture() {
  const lines: string[] = [];
  const output = createOutput({ stdout: { write: (text: string) => lines.push(text) }, stderr: { write: () => undefined }, json: false });
  return { output, lines };
}

describe('publishImages', () => {
  it('builds and pushes a registry image the registry lacks, and leaves a present one alone', async () => {
    const podman = recordingPodman(['registry.test/app:1']);
    const { output, lines } = capture();
    await publishImages([build('registry.test/app:1'), build('registry.test/api:2')], { output, podman, onlyMissing: true });
    expect(podman.calls).toEqual(['build registry.test/api:2', 'push registry.test/api:2']);
    expect(lines.join('')).toBe('building registry.test/api:2\npushing registry.test/api:2\n');
  });

  it('builds a missing localhost/ image into local storage and pushes nothing', async () => {
    const podman = recordingPodman([]);
    const { output, lines } = capture();
    await publishImages([build('localhost/app:1')], { output, podman, onlyMissing: true });
    expect(podman.calls).toEqual(['build localhost/app:1']);
    expect(lines.join('')).toContain('kept localhost/app:1 in local storage');
  });
});

describe('isLocalImage', () => {
  it('is true only for podman local storage names', () => {
    expect([isLocalImage('localhost/app:1'), isLocalImage('localhost:5000/app:1'), isLocalImage('registry.test/localhost/app:1')]).toEqual([
      true,
      false,
      false,
    ]);
  });
});
