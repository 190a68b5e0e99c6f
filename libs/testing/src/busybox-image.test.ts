// ensureBusyboxImage against the real podman: what the image holds, and parallel callers.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { BUSYBOX_INDEX_HTML, ensureBusyboxImage } from './busybox-image.js';
import { podman, podmanSkipReason } from './podman-cli.fixture.js';
import { uniqueName } from './unique-names.js';

const run = promisify(execFile);
const skipReason = await podmanSkipReason();

describe.skipIf(skipReason !== undefined)(`ensureBusyboxImage${skipReason ? ` (${skipReason})` : ''}`, {
  timeout: 60_000,
}, () => {
  const made: string[] = [];
  afterEach(async () => {
    if (made.length > 0) await podman('rmi', '--force', '--ignore', ...made.splice(0));
  });
  const freshReference = (): string => {
    const reference = `localhost/${uniqueName('busybox')}:test`;
    made.push(reference);
    return reference;
  };
  const runIn = (reference: string, ...cmd: string[]) => podman('run', '--rm', reference, ...cmd);

  it('imports the image when absent and returns its reference', async () => {
    const reference = freshReference();
    expect(await ensureBusyboxImage(reference)).toBe(reference);
    await expect(podman('image', 'exists', reference)).resolves.toBe('');
  });

  it('links every busybox applet on the PATH', async () => {
    const reference = await ensureBusyboxImage(freshReference());
    const applets = (await run('/bin/busybox', ['--list'])).stdout.trim().split('\n').length;
    const linked = Number((await runIn(reference, 'sh', '-c', 'ls /bin | wc -l')).trim());
    expect(linked).toBe(applets);
  });

  it('holds the web root and an /etc/passwd with nobody', async () => {
    const reference = await ensureBusyboxImage(freshReference());
    expect(await runIn(reference, 'cat', '/www/index.html')).toBe(BUSYBOX_INDEX_HTML);
    expect(await runIn(reference, 'id', '-u', 'nobody')).toBe('65534\n');
  });

  it('serves the web root with httpd by default', async () => {
    const reference = await ensureBusyboxImage(freshReference());
    const cmd = await podman('image', 'inspect', '--format', '{{json .Config.Cmd}}', reference);
    expect(JSON.parse(cmd)).toEqual(['httpd', '-f', '-v', '-p', '8080', '-h', '/www']);
  });

  it('imports once when called in parallel', async () => {
    const reference = freshReference();
    const since = new Date(Date.now() - 1000).toISOString();
    await Promise.all([1, 2, 3, 4].map(() => ensureBusyboxImage(reference)));
    // Each `podman import` tags the reference once; a second import would tag it again.
    const events = await podman(
      ...['events', '--stream=false', '--since', since, '--filter', 'type=image', '--format', '{{.Status}} {{.Name}}'],
    );
    expect(events.split('\n').filter((line) => line === `tag ${reference}`)).toHaveLength(1);
  });

  it('leaves an existing image alone', async () => {
    const reference = await ensureBusyboxImage(freshReference());
    const before = await podman('image', 'inspect', '--format', '{{.Id}}', reference);
    await ensureBusyboxImage(reference);
    expect(await podman('image', 'inspect', '--format', '{{.Id}}', reference)).toBe(before);
  });
});
