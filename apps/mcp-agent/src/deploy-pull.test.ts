// The pull policy of a deploy on real podman: a local image is used as it is, --pull pulls it anyway, --no-pull
// never pulls and an absent image then changes nothing.
import { ResultStatus } from '@mcp/proto';
import { uniqueName } from '@mcp/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deployService } from './deploy.js';
import { fetchText, hostPortOf, startDeployFixture, type DeployFixture } from './deploy.fixture.js';
import { podmanSkipReason } from './testing/agent-test-bed.js';

const skipReason = await podmanSkipReason();

describe.skipIf(skipReason !== undefined)(`the pull policy of deploy${skipReason ? ` (${skipReason})` : ''}`, { timeout: 60_000 }, () => {
  let fixture: DeployFixture;
  beforeAll(async () => {
    fixture = await startDeployFixture();
  }, 120_000);
  afterEach(() => fixture.removeContainers());
  afterAll(() => fixture.close());

  const pullStepOf = (outcome: { results: { steps: { step: string; status: ResultStatus; detail: string; error: string }[] }[] }) =>
    outcome.results[0]?.steps.find((step) => step.step === 'pull');

  it('uses a local localhost/ image without pulling it by default, and serves', async () => {
    const spec = fixture.httpService();
    const outcome = await deployService(fixture.deps, { spec, pull: 'if-absent' });
    expect(outcome).toMatchObject({ success: true, recorded: true });
    expect(pullStepOf(outcome)).toMatchObject({ status: ResultStatus.SKIPPED, detail: expect.stringContaining('is present') });
    expect(await fetchText(hostPortOf(fixture.deps, spec.name))).toContain('hello from mcp busybox');
  });

  it('pulls a present image under --pull, and changes nothing when that pull fails', async () => {
    const spec = fixture.httpService();
    const outcome = await deployService(fixture.deps, { spec, pull: 'always' });
    // localhost/ names no reachable registry here: the pull is tried, fails, and nothing is recorded or run.
    expect(outcome).toMatchObject({ success: false, recorded: false });
    expect(pullStepOf(outcome)).toMatchObject({ status: ResultStatus.FAILED, error: expect.stringContaining(`cannot pull image "${fixture.bed.image}"`) });
    expect(fixture.deps.registry.findService(spec.name)).toBeUndefined();
    expect(await fixture.containers(spec.name)).toEqual([]);
  });

  it('never pulls under --no-pull: an absent image fails the deploy and records nothing', async () => {
    const absent = `localhost/${uniqueName('mcp-absent')}:v1`;
    const spec = fixture.httpService({}, { image: absent });
    const outcome = await deployService(fixture.deps, { spec, pull: 'never' });
    expect(outcome).toMatchObject({ success: false, recorded: false });
    expect(pullStepOf(outcome)?.error).toBe(
      `image "${absent}" is not on this node and --no-pull forbids pulling it; deploy without --no-pull, or put the image on the node`,
    );
    expect(fixture.deps.registry.findService(spec.name)).toBeUndefined();
  });
});
