import { parseDefinition, type ServiceDefinition } from '@mcp/servicedef';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { imageBuilds } from './image-builds.js';

const notesFile = new URL('../../../examples/services/notes.toml', import.meta.url);

async function notes(): Promise<ServiceDefinition> {
  const result = parseDefinition(await readFile(notesFile, 'utf8'), 'notes.toml');
  if (!result.ok) throw new Error(result.problems.map((problem) => problem.message).join('\n'));
  return result.definition;
}

describe('imageBuilds', () => {
  it('builds each [build.images] image from <workspace>/<path>, tagged as its component image', async () => {
    const builds = imageBuilds(await notes(), { workspace: '/work/src', file: 'notes.toml' });
    expect(builds.map((build) => [build.image, build.components, build.sources])).toEqual([
      ['registry.example.net:5000/notes:v1.4.2', ['api'], { contextDir: '/work/src/apps/notes', dockerfile: '/work/src/apps/notes/Dockerfile.api' }],
      ['registry.example.net:5000/notes-web:v1.4.2', ['web'], { contextDir: '/work/src/apps/notes', dockerfile: '/work/src/apps/notes/Dockerfile.web' }],
    ]);
  });

  it('lets path climb out of the workspace and defaults it to the service name', async () => {
    const definition = await notes();
    expect(imageBuilds({ ...definition, path: '../mcq' }, { workspace: '/work/src', file: 'f' })[0]?.sources?.contextDir).toBe('/work/mcq');
    const withoutPath = { ...definition };
    delete withoutPath.path;
    expect(imageBuilds(withoutPath, { workspace: '/work/src', file: 'f' })[0]?.sources?.contextDir).toBe('/work/src/notes');
  });

  it('selects one image by its key or the last part of its repository', async () => {
    const definition = await notes();
    for (const image of ['notes-web', 'registry.example.net:5000/notes-web']) {
      expect(imageBuilds(definition, { workspace: '/w', file: 'f', image }).map((build) => build.image)).toEqual([
        'registry.example.net:5000/notes-web:v1.4.2',
      ]);
    }
  });

  it('keeps only the images of one component for deploy of <service>/<component>', async () => {
    const builds = imageBuilds(await notes(), { workspace: '/w', file: 'f', component: 'api' });
    expect(builds.map((build) => build.image)).toEqual(['registry.example.net:5000/notes:v1.4.2']);
  });

  it('refuses an image the definition cannot build, listing the ones it can', async () => {
    const definition = await notes();
    expect(() => imageBuilds(definition, { workspace: '/w', file: 'notes.toml', image: 'nope' })).toThrow(
      'notes.toml: service notes has no image "nope" under [build.images]; expected one of: registry.example.net:5000/notes, registry.example.net:5000/notes-web',
    );
  });

  it('has no sources without a workspace, and says which config key to set', async () => {
    const [build] = imageBuilds(await notes(), { workspace: undefined, file: 'notes.toml' });
    expect(build?.sources).toBeUndefined();
    expect(build?.noSourcesReason).toContain('sets no [build] workspace; expected [build] workspace =');
  });
});
