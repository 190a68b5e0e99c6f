// Test builders (the `@mcp/registry/testing` entry): a registry on a temp file, a manual clock, sample specs.
import { mkdtempSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRegistry } from './open-registry.js';
import type { OpenRegistryOptions, Registry } from './open-registry.js';
import type { Clock, ComponentSpec, RouteSpec, ServiceSpec } from './types.js';

export interface ManualClock extends Clock {
  advance(ms: number): void;
  set(time: Date): void;
}

/** A clock that moves only when told to. */
export function manualClock(start: Date = new Date('2025-01-01T00:00:00.000Z')): ManualClock {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance: (ms) => {
      current += ms;
    },
    set: (time) => {
      current = time.getTime();
    },
  };
}

export interface TempRegistry {
  readonly dir: string;
  readonly path: string;
  readonly clock: ManualClock;
  /** The handle opened by `openTempRegistry`. */
  readonly registry: Registry;
  /** Another handle on the same file (a restarted agent, a second process). */
  open(overrides?: Partial<OpenRegistryOptions>): Registry;
  /** Closes every handle opened here and removes the directory. */
  cleanup(): void;
}

/** A registry on a real SQLite file in a fresh temporary directory; every port counts as free. */
export function openTempRegistry(overrides: Partial<OpenRegistryOptions> = {}): TempRegistry {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-registry-'));
  const path = join(dir, 'registry.db');
  const clock = manualClock();
  const handles: Registry[] = [];
  const open = (more: Partial<OpenRegistryOptions> = {}): Registry => {
    const registry = openRegistry({ path, clock, isPortFree: () => true, ...overrides, ...more });
    handles.push(registry);
    return registry;
  };
  let registry: Registry;
  try {
    registry = open();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    dir,
    path,
    clock,
    registry,
    open,
    cleanup: () => {
      for (const handle of handles) handle.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function sampleRoute(overrides: Partial<RouteSpec> = {}): RouteSpec {
  return { name: '', port: 443, mode: 'l4', public: false, ...overrides };
}

export function sampleComponent(overrides: Partial<ComponentSpec> = {}): ComponentSpec {
  return {
    name: 'api',
    image: 'registry.example/app:1.0.0',
    runtime: 'container',
    vcpus: 1,
    ports: [],
    volumes: [],
    env: [],
    routes: [sampleRoute()],
    ...overrides,
  };
}

export function sampleService(overrides: Partial<ServiceSpec> = {}): ServiceSpec {
  return {
    name: 'app',
    active: true,
    tier: 'worker',
    snapshot: { method: '', exclude: [] },
    components: [sampleComponent()],
    ...overrides,
  };
}

/** Rows in `table` of the file at `path`, read through a separate read-only connection. */
export function countRows(path: string, table: string): number {
  const sqlite = new Database(path, { readonly: true });
  try {
    const row = sqlite.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number };
    return row.n;
  } finally {
    sqlite.close();
  }
}
