// NanoVMs `ops`: found on a search path when installed; makes a Nanos disk image of an image's ELF program.
import { execFile } from 'node:child_process';
import { access, constants, copyFile, rm } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

/** The first executable `ops` on the search path (a PATH-style list), or undefined. */
export async function findOps(searchPath: string | undefined): Promise<string | undefined> {
  for (const dir of (searchPath ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'ops');
    const executable = await access(candidate, constants.X_OK).then(() => true, () => false);
    if (executable) return candidate;
  }
  return undefined;
}

export interface NanosBuild {
  readonly opsPath: string;
  /** The ELF program copied out of the OCI image. */
  readonly program: string;
  /** Directory that holds ops's `.ops` (its images, and the Nanos kernel it needs, which must already be there offline). */
  readonly opsHome: string;
  /** Name of the image inside ops's store; unique per VM. */
  readonly imageName: string;
  readonly env: Readonly<Record<string, string>>;
  readonly args: readonly string[];
  /** Where the built disk image goes (raw). */
  readonly output: string;
  readonly timeoutMs: number;
  /** PATH for ops (it runs helpers of its own). */
  readonly searchPath: string;
}

/**
 * `ops build <program> -i <name> -e K=V… -a arg…` writes <opsHome>/.ops/images/<name>.img (ops's layout; both
 * HOME and OPS_HOME point there, older and newer ops read one or the other); the image is moved to `output`.
 * The env is baked into the image's manifest, because Nanos reads its environment from there.
 */
export async function buildNanosImage(build: NanosBuild): Promise<void> {
  const args = [
    'build',
    build.program,
    '-i',
    build.imageName,
    ...Object.entries(build.env).flatMap(([name, value]) => ['-e', `${name}=${value}`]),
    ...build.args.flatMap((arg) => ['-a', arg]),
  ];
  await new Promise<void>((resolve, reject) => {
    execFile(
      build.opsPath,
      args,
      { timeout: build.timeoutMs, env: { HOME: build.opsHome, OPS_HOME: build.opsHome, PATH: build.searchPath } },
      (error, _stdout, stderr) => {
        if (error === null) resolve();
        else reject(new Error(`ops ${args.join(' ')} failed: ${stderr.trim() || error.message}`, { cause: error }));
      },
    );
  });
  const built = join(build.opsHome, '.ops', 'images', `${build.imageName}.img`);
  await copyFile(built, build.output);
  await rm(built, { force: true });
}
