// Invariants of the alert decisions over arbitrary sequences of conditions at arbitrary times (fake clock).
import { openTempRegistry, sampleService } from '@mcp/registry/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideAlert, type AlertKind, type AlertMemory, type Condition } from './detect.js';

const COOLDOWN_MS = 900_000;
const conditions: readonly Condition[] = ['unknown', 'flapping', 'drift', 'settling', 'well'];

/** Steps of a component's life: time passing, then a look at it in some condition. */
const steps = fc.array(
  fc.record({ afterMs: fc.integer({ min: 0, max: 2 * COOLDOWN_MS }), condition: fc.constantFrom(...conditions) }),
  { maxLength: 60 },
);

interface Sent {
  readonly kind: AlertKind;
  readonly atMs: number;
}

interface Step {
  readonly afterMs: number;
  readonly condition: Condition;
}

interface Replay {
  readonly sent: Sent[];
  /** Per step: the last alert sent before it, and what it sent. */
  readonly steps: { readonly last: AlertKind | undefined; readonly sent: AlertKind | undefined }[];
}

/** Runs the decisions in order, threading the memory through `remember` (in memory, or a registry file). */
function replay(
  sequence: readonly Step[],
  remember: { get(): AlertMemory | undefined; set(memory: AlertMemory): void } = inMemory(),
): Replay {
  let nowMs = Date.UTC(2025, 0, 1);
  const result: Replay = { sent: [], steps: [] };
  for (const step of sequence) {
    nowMs += step.afterMs;
    const last = result.sent.at(-1)?.kind;
    const decision = decideAlert(step.condition, remember.get(), new Date(nowMs), COOLDOWN_MS);
    result.steps.push({ last, sent: decision.send });
    if (decision.send !== undefined && decision.memory !== undefined) {
      result.sent.push({ kind: decision.send, atMs: nowMs });
      remember.set(decision.memory);
    }
  }
  return result;
}

function inMemory(): { get(): AlertMemory | undefined; set(memory: AlertMemory): void } {
  let memory: AlertMemory | undefined;
  return { get: () => memory, set: (next) => void (memory = next) };
}

describe('alert decisions (property)', () => {
  it('never sends two alerts of one problem kind within the cooldown unless a recovery came between them', () => {
    fc.assert(
      fc.property(steps, (sequence) => {
        const { sent } = replay(sequence);
        sent.forEach((first, index) => {
          if (first.kind === 'recovered') return;
          for (const later of sent.slice(index + 1)) {
            if (later.kind === 'recovered') break;
            if (later.kind === first.kind) expect(later.atMs - first.atMs).toBeGreaterThanOrEqual(COOLDOWN_MS);
          }
        });
      }),
    );
  });

  it('sends a recovery only right after a drift or flapping alert', () => {
    fc.assert(
      fc.property(steps, (sequence) => {
        const { sent } = replay(sequence);
        sent.forEach((alert, index) => {
          if (alert.kind === 'recovered') expect(['drift', 'flapping']).toContain(sent[index - 1]?.kind);
        });
      }),
    );
  });

  it('sends exactly one flapping alert per cooldown while a component keeps crashing without ever being well', () => {
    const crashLoop = fc.array(
      fc.record({ afterMs: fc.integer({ min: 0, max: 60_000 }), condition: fc.constantFrom<Condition>('drift', 'settling', 'flapping') }),
      { minLength: 1, maxLength: 80 },
    );
    fc.assert(
      fc.property(crashLoop, (loop) => {
        const sequence: Step[] = [{ afterMs: 0, condition: 'flapping' }, ...loop];
        const total = sequence.reduce((sum, step) => sum + step.afterMs, 0);
        const flapping = replay(sequence).sent.filter((alert) => alert.kind === 'flapping');
        expect(flapping.length).toBeGreaterThanOrEqual(1);
        expect(flapping.length).toBeLessThanOrEqual(1 + Math.floor(total / COOLDOWN_MS));
      }),
    );
  });

  it('always tells the operator of a change: a new problem, an escalation to flapping, or a recovery', () => {
    fc.assert(
      fc.property(steps, (sequence) => {
        replay(sequence).steps.forEach(({ last, sent }, index) => {
          const condition = sequence[index]?.condition;
          if (condition === 'flapping' && last !== 'flapping') expect(sent).toBe('flapping');
          if (condition === 'drift' && (last === undefined || last === 'recovered')) expect(sent).toBe('drift');
          if (condition === 'well' && (last === 'drift' || last === 'flapping')) expect(sent).toBe('recovered');
        });
      }),
    );
  });

  it('decides the same after every restart when the memory lives in the registry file', () => {
    fc.assert(
      fc.property(steps, fc.integer({ min: 1, max: 5 }), (sequence, restartEvery) => {
        const temp = openTempRegistry();
        try {
          const spec = sampleService({ name: 'web' });
          temp.registry.upsertService(spec);
          const ref = { service: 'web', component: spec.components[0]?.name ?? '' };
          let registry = temp.registry;
          let looks = 0;
          const persisted = {
            get: () => {
              looks += 1;
              if (looks % restartEvery === 0) registry = temp.open();
              return registry.getAlertState(ref);
            },
            set: (memory: AlertMemory) => registry.setAlertState({ ...ref, ...memory }),
          };
          expect(replay(sequence, persisted).sent).toEqual(replay(sequence).sent);
        } finally {
          temp.cleanup();
        }
      }),
      { numRuns: 40 },
    );
  });
});
