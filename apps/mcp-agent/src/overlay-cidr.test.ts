import { describe, expect, it } from 'vitest';
import { DEFAULT_OVERLAY_CIDR, parseOverlayCidr } from './overlay-cidr.js';

function block(text: string) {
  const parsed = parseOverlayCidr(text);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.cidr;
}

describe('overlay CIDR', () => {
  it('holds the addresses of its block only (the default is the CGNAT block Tailscale-like overlays use)', () => {
    const overlay = block(DEFAULT_OVERLAY_CIDR);
    expect(overlay.contains('100.64.0.1')).toBe(true);
    expect(overlay.contains('100.127.255.254')).toBe(true);
    expect(overlay.contains('100.128.0.1')).toBe(false);
    expect(overlay.contains('127.0.0.1')).toBe(false);
    expect(overlay.contains('not-an-address')).toBe(false);
    expect(overlay.contains('::1')).toBe(false);
    expect(block('127.0.0.0/8').contains('127.0.5.3')).toBe(true);
    expect(block('fd7a:115c:a1e0::/48').contains('fd7a:115c:a1e0::5')).toBe(true);
    expect(block('fd7a:115c:a1e0::/48').contains('100.64.0.1')).toBe(false);
  });

  it('refuses text that is not a block', () => {
    for (const text of ['100.64.0.0', '100.64.0.0/33', 'example.net/8', '10.0.0.0/x', '::/129', '']) {
      expect(parseOverlayCidr(text)).toEqual({ ok: false, problem: `${JSON.stringify(text)} is not an address block` });
    }
  });
});
