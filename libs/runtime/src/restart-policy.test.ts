import { describe, expect, it } from 'vitest';
import { parseRestartPolicy } from './restart-policy.js';

describe('parseRestartPolicy', () => {
  it.each([
    ['no', { name: 'no' }],
    ['always', { name: 'always' }],
    ['unless-stopped', { name: 'unless-stopped' }],
    ['on-failure', { name: 'on-failure' }],
    ['on-failure:5', { name: 'on-failure', retries: 5 }],
    ['on-failure:99999', { name: 'on-failure', retries: 99999 }],
  ])('reads %s', (text, policy) => {
    expect(parseRestartPolicy(text)).toEqual(policy);
  });

  it.each(['', 'sometimes', 'always:3', 'on-failure:0', 'on-failure:-1', 'on-failure:x', 'on-failure:100000', 'on-failure:05', 'Always'])('refuses %j', (text) => {
    expect(parseRestartPolicy(text)).toBeUndefined();
  });
});
