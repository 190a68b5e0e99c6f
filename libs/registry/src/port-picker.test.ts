import { describe, expect, it } from 'vitest';
import { createPortPicker } from './port-picker.js';

describe('createPortPicker', () => {
  it('hands out increasing ports, skipping taken and busy ones, then reports the range used up', () => {
    const taken = new Set([100]);
    const pick = createPortPicker({ first: 100, last: 103 }, taken, (port) => port !== 102);
    expect([pick(), pick(), pick()]).toEqual([101, 103, undefined]);
    expect([...taken].sort()).toEqual([100, 101, 103]);
  });
});
