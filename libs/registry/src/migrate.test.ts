import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MigrationError } from './errors.js';
import type { Migration } from './migrate.js';
import { shippedMigrations } from './migrations/index.js';
import { countRows, openTempRegistry, sampleService } from './testing.js';
import type { TempRegistry } from './testing.js';

function tableNames(path: string): string[] {
  const sqlite = new Database(path, { readonly: true });
  try {
    return sqlite
      .prepare<[], { name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .all()
      .map((row) => row.name);
  } finally {
    sqlite.close();
  }
}

function history(path: string): { id: number; name: string; applied_at: number }[] {
  const sqlite = new Database(path, { readonly: true });
  try {
    return sqlite
      .prepare<[], { id: number; name: string; applied_at: number }>(
        'SELECT id, name, applied_at FROM registry_migrations ORDER BY id',
      )
      .all();
  } finally {
    sqlite.close();
  }
}

function withRow(path: string, sql: string): void {
  const sqlite = new Database(path);
  try {
    sqlite.exec(sql);
  } finally {
    sqlite.close();
  }
}

describe('start-up migrations', () => {
  let temp: TempRegistry | undefined;
  afterEach(() => temp?.cleanup());

  it('apply every shipped migration to a new file and record each with the clock time', () => {
    temp = openTempRegistry();
    expect(temp.registry.migration).toEqual({ applied: [1, 2, 3, 4], version: 4 });
    expect(history(temp.path)).toEqual([
      { id: 1, name: 'services-components-routes', applied_at: temp.clock.now().getTime() },
      { id: 2, name: 'events-alert-state-edge-routes', applied_at: temp.clock.now().getTime() },
      { id: 3, name: 'proxy-routes', applied_at: temp.clock.now().getTime() },
      { id: 4, name: 'edge-route-backends', applied_at: temp.clock.now().getTime() },
    ]);
  });

  it('apply nothing when the file is already current', () => {
    temp = openTempRegistry();
    temp.registry.close();
    expect(temp.open().migration).toEqual({ applied: [], version: 4 });
    expect(history(temp.path)).toHaveLength(4);
  });

  it('upgrade a file written after the first migration only, keeping its rows', () => {
    temp = openTempRegistry({ migrations: shippedMigrations.slice(0, 1) });
    const written = temp.registry.upsertService(sampleService());
    expect(tableNames(temp.path)).not.toContain('events');
    temp.registry.close();

    const upgraded = temp.open({ migrations: shippedMigrations });
    expect(upgraded.migration).toEqual({ applied: [2, 3, 4], version: 4 });
    expect(upgraded.getService('app')).toEqual(written);
    expect(tableNames(temp.path)).toEqual(
      expect.arrayContaining(['events', 'alert_state', 'edge_routes']),
    );
    expect(upgraded.recordEvent({ service: 'app', kind: 'deploy', message: '' }).id).toBe(1);
  });

  it('refuse a file written by a newer version and leave it as it was', () => {
    const current = openTempRegistry();
    temp = current;
    current.registry.upsertService(sampleService());
    current.registry.close();
    withRow(current.path, "INSERT INTO registry_migrations VALUES (5, 'from-the-future', 0)");

    expect(() => current.open()).toThrow(MigrationError);
    expect(() => current.open()).toThrow(/newer version.*migration 5 "from-the-future"/);
    expect(history(current.path).map((row) => row.id)).toEqual([1, 2, 3, 4, 5]);
    expect(countRows(current.path, 'services')).toBe(1);
  });

  it('refuse a file whose history names a migration differently', () => {
    temp = openTempRegistry();
    temp.registry.close();
    withRow(temp.path, "UPDATE registry_migrations SET name = 'something-else' WHERE id = 2");
    expect(() => temp?.open()).toThrow(/different history.*"something-else"/);
  });

  it('roll back a migration that fails halfway and apply none of it', () => {
    temp = openTempRegistry();
    temp.registry.close();
    const broken: Migration = {
      id: 5,
      name: 'broken',
      sql: 'CREATE TABLE half_done (x integer); INSERT INTO no_such_table VALUES (1);',
    };
    expect(() => temp?.open({ migrations: [...shippedMigrations, broken] })).toThrow(
      /migration 5 "broken" failed.*rolled back/,
    );
    expect(tableNames(temp.path)).not.toContain('half_done');
    expect(history(temp.path).map((row) => row.id)).toEqual([1, 2, 3, 4]);
  });

  it('refuse a migration list with a gap', () => {
    temp = openTempRegistry();
    const gap = [shippedMigrations[0] as Migration, future];
    expect(() => temp?.open({ migrations: gap })).toThrow(/out of order/);
  });
});

const future: Migration = {
  id: 5,
  name: 'from-the-future',
  sql: 'CREATE TABLE future_things (x integer);',
};
