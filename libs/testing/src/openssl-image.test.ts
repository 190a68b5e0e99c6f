// ensureOpensslImage against the real podman: the host's openssl runs in it; and what is read from `ldd`.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureOpensslImage, sharedLibrariesOf } from './openssl-image.js';
import { podman, podmanSkipReason } from './podman-cli.fixture.js';
import { uniqueName } from './unique-names.js';

const run = promisify(execFile);
const skipReason = await podmanSkipReason();

describe('sharedLibrariesOf', () => {
  it('lists the resolved libraries and the loader, not the vDSO', () => {
    const ldd = [
      '\tlinux-vdso.so.1 (0x00007ffd)',
      '\tlibssl.so.3 => /lib/x86_64-linux-gnu/libssl.so.3 (0x00007f3e)',
      '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f3d)',
      '\t/lib64/ld-linux-x86-64.so.2 (0x00007f3e)',
      '',
    ].join('\n');
    expect(sharedLibrariesOf(ldd)).toEqual(['/lib/x86_64-linux-gnu/libssl.so.3', '/lib/x86_64-linux-gnu/libc.so.6', '/lib64/ld-linux-x86-64.so.2']);
  });
});

describe.skipIf(skipReason !== undefined)(`ensureOpensslImage${skipReason ? ` (${skipReason})` : ''}`, { timeout: 60_000 }, () => {
  const made: string[] = [];
  afterEach(async () => {
    if (made.length > 0) await podman('rmi', '--force', '--ignore', ...made.splice(0));
  });

  it('runs the host\'s openssl, with its configuration, beside busybox', async () => {
    const reference = `localhost/${uniqueName('openssl')}:test`;
    made.push(reference);
    expect(await ensureOpensslImage(reference)).toBe(reference);
    const host = (await run('openssl', ['version'])).stdout;
    expect(await podman('run', '--rm', reference)).toBe(host);
    // `req` reads openssl.cnf; a self-signed certificate made inside proves the image is complete.
    const subject = await podman('run', '--rm', reference, 'sh', '-c',
      'openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /tmp/k -out /tmp/c -subj /CN=in.test -days 1 2>/dev/null && openssl x509 -in /tmp/c -noout -subject');
    expect(subject.trim()).toBe('subject=CN = in.test');
  });
});
