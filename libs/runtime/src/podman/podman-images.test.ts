// Images through the podman backend against a real local registry: pull, missing tags, build and push.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, RuntimeError } from '../errors.js';
import { readAll, waitForState } from '../testing/index.js';
import {
  podmanCli,
  podmanSkipReason,
  probeLocalRegistry,
  removeNodeContainers,
  requireRuntime,
  startLocalRegistry,
  startPodmanTestBed,
  uniqueName,
  useTempDirs,
} from './podman-harness.js';
import type { LocalRegistry, PodmanTestBed } from './podman-harness.js';

// Build and push are part of the podman backend, so its test kit includes a registry (setup-system installs both).
const skipReason =
  (await podmanSkipReason()) ?? (await requireRuntime('podman', () => probeLocalRegistry()));

describe.skipIf(skipReason !== undefined)(`podman backend images${skipReason ? ` (${skipReason})` : ''}`, {
  timeout: 60_000,
}, () => {
  let bed: PodmanTestBed;
  let registry: LocalRegistry;
  const images: string[] = [];
  const tempDir = useTempDirs('mcp-podman-build');
  const node = uniqueName('node');

  beforeAll(async () => {
    [bed, registry] = await Promise.all([startPodmanTestBed(), startLocalRegistry()]);
    await bed.runtime.pushImage(bed.image, { destination: `${registry.address}/busybox:1`, tlsVerify: false });
  }, 120_000);
  afterAll(async () => {
    await Promise.all([bed.stop(), registry.stop()]);
  });
  afterEach(async () => {
    await removeNodeContainers(bed.runtime, node);
    if (images.length > 0) await podmanCli('rmi', '--force', '--ignore', ...images.splice(0));
  });

  /** A reference in the local registry that this test owns (and whose local copy it removes). */
  const reference = (name: string): string => {
    const ref = `${registry.address}/${uniqueName(name)}:1`;
    images.push(ref);
    return ref;
  };

  it('pulls an image from a registry, after which it exists locally', async () => {
    const ref = reference('pulled');
    await bed.runtime.pushImage(bed.image, { destination: ref, tlsVerify: false });
    expect(await bed.runtime.imageExists(ref)).toBe(false);
    await bed.runtime.pullImage(ref, { tlsVerify: false });
    expect(await bed.runtime.imageExists(ref)).toBe(true);
  });

  it('fails to pull a tag the registry does not have, with NotFoundError naming it', async () => {
    const ref = `${registry.address}/busybox:no-such-tag`;
    const failure = await bed.runtime.pullImage(ref, { tlsVerify: false }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(NotFoundError);
    expect((failure as NotFoundError).target).toBe(ref);
    expect((failure as NotFoundError).message).toContain('manifest unknown');
  });

  it('builds an image from a Dockerfile in a context directory', async () => {
    const context = await tempDir();
    await mkdir(join(context, 'site'));
    await writeFile(join(context, 'site/hello.txt'), 'built here\n');
    await writeFile(join(context, 'Dockerfile'), `FROM ${bed.image}\nCOPY site/hello.txt /www/hello.txt\n`);
    const tag = `localhost/${uniqueName('built')}:1`;
    images.push(tag);
    const { imageId } = await bed.runtime.buildImage({ contextDir: context, dockerfile: 'Dockerfile', tag });
    expect(imageId).toMatch(/^[0-9a-f]{12,64}$/);
    const { name } = await bed.runtime.createAndStart({
      service: uniqueName('svc'),
      component: 'main',
      node,
      image: tag,
      cmd: ['cat', '/www/hello.txt'],
    });
    await waitForState(bed.runtime, name, 'exited');
    const lines = await readAll((signal) => bed.runtime.logs(name, { signal }));
    expect(lines.map((line) => line.text)).toEqual(['built here']);
  });

  it('fails a build with a RuntimeError that carries the build output', async () => {
    const context = await tempDir();
    await writeFile(join(context, 'Dockerfile'), `FROM ${bed.image}\nRUN exit 7\n`);
    const failure = await bed.runtime
      .buildImage({ contextDir: context, dockerfile: 'Dockerfile', tag: `localhost/${uniqueName('broken')}:1` })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RuntimeError);
    expect((failure as RuntimeError).kind).toBe('failed');
    expect((failure as RuntimeError).message).toContain('building at STEP "RUN exit 7"');
  });

  it('pushes a built image to a registry, from which it can be pulled back', async () => {
    const context = await tempDir();
    await writeFile(join(context, 'Containerfile'), `FROM ${bed.image}\nRUN echo v2 > /www/version\n`);
    const ref = reference('pushed');
    await bed.runtime.buildImage({ contextDir: context, dockerfile: 'Containerfile', tag: ref });
    await bed.runtime.pushImage(ref, { tlsVerify: false });
    await podmanCli('rmi', ref);
    await bed.runtime.pullImage(ref, { tlsVerify: false });
    expect(await bed.runtime.imageExists(ref)).toBe(true);
  });

  it('fails to push an image that does not exist, with NotFoundError', async () => {
    const failure = await bed.runtime
      .pushImage(`localhost/${uniqueName('absent')}:1`, { destination: reference('nowhere'), tlsVerify: false })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(NotFoundError);
  });
});
