import { describe, expect, it } from 'vitest';
import { alertMessage, conditionOf, decideAlert, type AlertMemory, type AlertPolicy } from './detect.js';

const at = (seconds: number): Date => new Date(Date.UTC(2025, 0, 1, 0, 0, seconds));
const policy: AlertPolicy = {
  flapping: { windowMs: 600_000, maxTransitions: 3 },
  cooldownMs: 900_000,
  recoverySettleMs: 30_000,
};
const changes = (...seconds: number[]) => seconds.map((second) => ({ time: at(second), toState: 'x' }));
const memory = (lastKind: string, sentAt: number): AlertMemory => ({
  lastKind,
  lastAlertAt: at(sentAt),
  cooldownUntil: at(sentAt + policy.cooldownMs / 1000),
});

describe('conditionOf', () => {
  it('is drift when a component that should run has exited', () => {
    expect(conditionOf({ desired: 'running', observed: 'exited', transitions: changes(100) }, at(200), policy).condition).toBe('drift');
  });

  it('is flapping with more transitions in the window than allowed, even while running', () => {
    const report = conditionOf({ desired: 'running', observed: 'running', transitions: changes(400, 300, 200, 100) }, at(500), policy);
    expect(report).toEqual({ condition: 'flapping', transitionsInWindow: 4 });
  });

  it('is not flapping when the older transitions fell out of the window', () => {
    const transitions = changes(700, 650, 600, 10);
    expect(conditionOf({ desired: 'running', observed: 'running', transitions }, at(800), policy).condition).toBe('well');
  });

  it('is settling while a component agreeing with its desired state changed less than the settle time ago', () => {
    expect(conditionOf({ desired: 'running', observed: 'running', transitions: changes(100) }, at(129), policy).condition).toBe('settling');
    expect(conditionOf({ desired: 'running', observed: 'running', transitions: changes(100) }, at(130), policy).condition).toBe('well');
  });

  it('is unknown for a component never observed', () => {
    expect(conditionOf({ desired: 'running', observed: 'unknown', transitions: [] }, at(0), policy).condition).toBe('unknown');
  });

  it('is well for a stopped service whose container is gone', () => {
    expect(conditionOf({ desired: 'stopped', observed: 'missing', transitions: changes(1) }, at(100), policy).condition).toBe('well');
  });
});

describe('decideAlert', () => {
  it('reports a drift at once when nothing was reported before', () => {
    const decision = decideAlert('drift', undefined, at(10), policy.cooldownMs);
    expect(decision).toEqual({ send: 'drift', memory: { lastKind: 'drift', lastAlertAt: at(10), cooldownUntil: at(910) } });
  });

  it('does not repeat a drift within the cooldown, and reminds once it has passed', () => {
    expect(decideAlert('drift', memory('drift', 0), at(899), policy.cooldownMs).send).toBeUndefined();
    expect(decideAlert('drift', memory('drift', 0), at(900), policy.cooldownMs).send).toBe('drift');
  });

  it('escalates a drift to flapping at once, within the cooldown', () => {
    expect(decideAlert('flapping', memory('drift', 0), at(5), policy.cooldownMs).send).toBe('flapping');
  });

  it('sends one flapping alert per cooldown while the component keeps flapping', () => {
    expect(decideAlert('flapping', memory('flapping', 0), at(899), policy.cooldownMs).send).toBeUndefined();
    expect(decideAlert('flapping', memory('flapping', 0), at(900), policy.cooldownMs).send).toBe('flapping');
  });

  it('does not report a drift that follows flapping within the cooldown', () => {
    expect(decideAlert('drift', memory('flapping', 0), at(600), policy.cooldownMs).send).toBeUndefined();
  });

  it('reports a recovery once the component is well after a problem', () => {
    expect(decideAlert('well', memory('drift', 0), at(60), policy.cooldownMs).send).toBe('recovered');
    expect(decideAlert('well', memory('flapping', 0), at(60), policy.cooldownMs).send).toBe('recovered');
  });

  it('reports no recovery while the component is settling', () => {
    expect(decideAlert('settling', memory('drift', 0), at(60), policy.cooldownMs)).toEqual({
      send: undefined,
      memory: memory('drift', 0),
    });
  });

  it('reports no recovery without a problem reported before it, nor twice', () => {
    expect(decideAlert('well', undefined, at(60), policy.cooldownMs).send).toBeUndefined();
    expect(decideAlert('well', memory('recovered', 0), at(60), policy.cooldownMs).send).toBeUndefined();
  });

  it('reports a new drift after a recovery, even within the cooldown: the last word must not stay "recovered"', () => {
    expect(decideAlert('drift', memory('recovered', 0), at(60), policy.cooldownMs).send).toBe('drift');
  });

  it('says nothing about a component never observed', () => {
    expect(decideAlert('unknown', memory('drift', 0), at(2000), policy.cooldownMs).send).toBeUndefined();
  });
});

describe('alertMessage', () => {
  const base = { node: 'rift', service: 'web', component: 'api', desired: 'running', flapping: policy.flapping };

  it('names the component, node, observed and desired states', () => {
    expect(alertMessage({ ...base, kind: 'drift', observed: 'exited' })).toBe('web/api on rift is exited, desired running');
  });

  it('states the flapping policy that was exceeded', () => {
    expect(alertMessage({ ...base, kind: 'flapping', observed: 'exited' })).toBe(
      'web/api on rift is flapping: more than 3 state changes within 10 min; now exited, desired running',
    );
  });

  it('says the component is as desired again', () => {
    expect(alertMessage({ ...base, kind: 'recovered', observed: 'running' })).toBe('web/api on rift is running again, as desired');
  });
});
