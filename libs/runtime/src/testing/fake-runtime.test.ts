// The fake runtime's scripting: behaviours by image, the registry, and out-of-band actions.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NotFoundError, RuntimeError } from '../errors.js';
import type { ContainerSpec } from '../types.js';
import { readAll } from './conformance-fixture.js';
import { createFakeRuntime } from './fake-runtime.js';

const spec = (image: string, component = 'main'): ContainerSpec => ({ service: 'web', component, node: 'n1', image });

describe('fake runtime', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fails the start with the scripted error and keeps no container', async () => {
    const runtime = createFakeRuntime({ images: { 'app:1': { startError: 'port 443 already in use' } } });
    const failure = await runtime.createAndStart(spec('app:1')).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RuntimeError);
    expect((failure as RuntimeError).message).toBe('fake: start container web-main: port 443 already in use');
    expect(await runtime.list({ node: 'n1' })).toEqual([]);
  });

  it('exits by itself after the scripted time with the scripted code', async () => {
    vi.useFakeTimers();
    const runtime = createFakeRuntime({ images: { 'job:1': { exitAfterMs: 100, exitCode: 2 } } });
    await runtime.createAndStart(spec('job:1'));
    await vi.advanceTimersByTimeAsync(99);
    expect((await runtime.inspect('web-main')).state).toBe('running');
    await vi.advanceTimersByTimeAsync(1);
    expect(await runtime.inspect('web-main')).toMatchObject({ state: 'exited', exitCode: 2 });
  });

  it('writes scripted output at the scripted times', async () => {
    vi.useFakeTimers();
    const output = [
      { text: 'ready' },
      { text: 'tick', afterMs: 50 },
      { stream: 'stderr' as const, text: 'oops', afterMs: 60 },
    ];
    const runtime = createFakeRuntime({ images: { 'app:1': { output } } });
    await runtime.createAndStart(spec('app:1'));
    expect((await readAll((signal) => runtime.logs('web-main', { signal }))).map((l) => l.text)).toEqual(['ready']);
    await vi.advanceTimersByTimeAsync(60);
    expect(await readAll((signal) => runtime.logs('web-main', { signal }))).toEqual([
      { stream: 'stdout', text: 'ready' },
      { stream: 'stdout', text: 'tick' },
      { stream: 'stderr', text: 'oops' },
    ]);
  });

  it('answers probe as scripted', async () => {
    const runtime = createFakeRuntime({ probe: { available: false, reason: 'podman not installed' } });
    expect(await runtime.probe()).toEqual({ available: false, reason: 'podman not installed' });
  });

  it('pulls only what its registry holds', async () => {
    const runtime = createFakeRuntime({ registry: { 'registry.example/app:2': {} } });
    await runtime.pullImage('registry.example/app:2');
    expect(await runtime.imageExists('registry.example/app:2')).toBe(true);
    await expect(runtime.pullImage('registry.example/app:3')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('builds an image, pushes it, and can pull it back by the pushed name', async () => {
    const runtime = createFakeRuntime();
    const { imageId } = await runtime.buildImage({ contextDir: '/src/app', dockerfile: 'Dockerfile', tag: 'app:dev' });
    expect(imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    await runtime.pushImage('app:dev', { destination: 'registry.example/app:dev' });
    expect(runtime.pushed()).toEqual(['registry.example/app:dev']);
    await runtime.pullImage('registry.example/app:dev');
    expect(await runtime.imageExists('registry.example/app:dev')).toBe(true);
  });

  it('refuses to push an image it does not have', async () => {
    await expect(createFakeRuntime().pushImage('app:none')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('reports an out-of-band kill as kill then die with code 137', async () => {
    const runtime = createFakeRuntime({ images: { 'app:1': {} } });
    const since = new Date(0);
    await runtime.createAndStart(spec('app:1'));
    runtime.killOutOfBand('web-main');
    const controller = new AbortController();
    const actions: string[] = [];
    for await (const event of runtime.events({ node: 'n1', since, signal: controller.signal })) {
      actions.push(`${event.action}${event.exitCode === undefined ? '' : `:${event.exitCode}`}`);
      if (event.action === 'die') controller.abort();
    }
    expect(actions).toEqual(['create', 'start', 'kill', 'die:137']);
  });

  it('records the spec it was given, for inspect', async () => {
    const runtime = createFakeRuntime({ images: { 'app:1': {} } });
    const details = await runtime.createAndStart({
      ...spec('app:1'),
      ports: [{ hostPort: 18080, containerPort: 8080, protocol: 'tcp' }],
      volumes: [{ source: '/srv/web', target: '/data', options: ['ro'] }],
      user: 'nobody',
      restart: 'unless-stopped',
      network: 'mcp',
    });
    expect(details).toMatchObject({
      ports: [{ hostPort: 18080, containerPort: 8080, protocol: 'tcp' }],
      volumes: [{ source: '/srv/web', target: '/data', options: ['ro'] }],
      user: 'nobody',
      restart: 'unless-stopped',
      networks: ['mcp'],
    });
  });
});
