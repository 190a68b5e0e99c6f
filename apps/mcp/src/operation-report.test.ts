import { create } from '@bufbuild/protobuf';
import { ComponentResultSchema, ResultStatus, StepResultSchema } from '@mcp/proto';
import { describe, expect, it } from 'vitest';
import { componentLines, resultWord, stepLines } from './operation-report.js';

describe('componentLines', () => {
  it('prints "  <component>: ok" for a component that succeeded', () => {
    expect(componentLines([create(ComponentResultSchema, { name: 'api', success: true, status: ResultStatus.OK })])).toEqual(['  api: ok']);
  });

  it('prints the error of a failed component and the step that failed', () => {
    const failed = create(ComponentResultSchema, {
      name: 'api',
      status: ResultStatus.FAILED,
      error: 'cert: ACME order refused',
      steps: [
        { step: 'ports', success: true, status: ResultStatus.OK },
        { step: 'cert', success: false, status: ResultStatus.FAILED, error: 'ACME order refused' },
      ],
    });
    expect(componentLines([failed])).toEqual(['  api: cert: ACME order refused', '    cert: failed: ACME order refused']);
  });

  it('prints a skipped component and its skipped steps with their reasons', () => {
    const skipped = create(ComponentResultSchema, {
      name: 'api',
      success: true,
      status: ResultStatus.SKIPPED,
      steps: [{ step: 'container', success: true, status: ResultStatus.SKIPPED, detail: 'already stopped' }],
    });
    expect(componentLines([skipped])).toEqual(['  api: skipped', '    container: skipped (already stopped)']);
  });

  it('derives the outcome from success when an agent leaves status unset', () => {
    expect(componentLines([create(ComponentResultSchema, { name: 'api', success: false })])).toEqual(['  api: failed']);
  });
});

describe('stepLines', () => {
  it('omits steps that were done', () => {
    expect(stepLines([create(StepResultSchema, { step: 'dns', success: true, status: ResultStatus.OK })], '  ')).toEqual([]);
  });
});

describe('resultWord', () => {
  it.each([
    [ResultStatus.OK, false, 'ok'],
    [ResultStatus.OK, true, 'would'],
    [ResultStatus.SKIPPED, true, 'skipped'],
    [ResultStatus.FAILED, false, 'failed'],
  ])('shows status %s (dry run %s) as %s', (status, dryRun, word) => {
    expect(resultWord(status, dryRun)).toBe(word);
  });
});
