// Test builders for the master's store: a store on a temp file, a manual clock, sample records.
import { create } from '@bufbuild/protobuf';
import { ServiceSpecSchema } from '@mcp/proto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeRecord, PlacementRecord } from '../deps.js';
import { openMasterStore, type OpenMasterStoreOptions, type OpenedMasterStore } from './open-master-store.js';

export interface ManualClock {
  now(): Date;
  advance(ms: number): void;
}

/** A clock that moves only when told to. */
export function manualClock(start: Date = new Date('2025-01-01T00:00:00.000Z')): ManualClock {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance: (ms) => {
      current += ms;
    },
  };
}

export interface TempMasterStore {
  readonly path: string;
  readonly clock: ManualClock;
  readonly store: OpenedMasterStore;
  /** Another handle on the same file (a restarted master). */
  open(overrides?: Partial<OpenMasterStoreOptions>): OpenedMasterStore;
  /** Closes every handle opened here and removes the directory. */
  cleanup(): void;
}

/** A store on a real SQLite file in a fresh temporary directory. */
export function openTempMasterStore(overrides: Partial<OpenMasterStoreOptions> = {}): TempMasterStore {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-master-store-'));
  const path = join(dir, 'master.db');
  const clock = manualClock();
  const handles: OpenedMasterStore[] = [];
  const open = (more: Partial<OpenMasterStoreOptions> = {}): OpenedMasterStore => {
    const store = openMasterStore({ path, clock, ...overrides, ...more });
    handles.push(store);
    return store;
  };
  let store: OpenedMasterStore;
  try {
    store = open();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    path,
    clock,
    store,
    open,
    cleanup() {
      for (const handle of handles.splice(0)) handle.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A registered worker node; override what the test is about. */
export function sampleNode(overrides: Partial<NodeRecord> = {}): NodeRecord {
  return {
    name: 'orion',
    role: 'worker',
    address: '10.0.0.2:9444',
    arch: 'amd64',
    agentVersion: '0.1.0',
    status: 'unknown',
    containers: 0,
    vms: 'none',
    cpuMillicores: 0,
    memoryBytes: 0,
    diskBytes: 0,
    ...overrides,
  };
}

/** A placement of a one-component service on `node`. */
export function samplePlacement(overrides: Partial<PlacementRecord> = {}): PlacementRecord {
  const service = overrides.service ?? 'mcq';
  return {
    service,
    node: 'orion',
    tier: 'worker',
    spec: create(ServiceSpecSchema, {
      name: service,
      active: true,
      tier: 'worker',
      components: [{ name: 'api', image: `registry.example.net/${service}:v1` }],
    }),
    deployedAt: new Date('2025-01-01T00:00:00.000Z'),
    ...overrides,
  };
}
