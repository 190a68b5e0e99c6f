// Opens (and migrates) master.db and implements MasterStore over it: nodes, placements, edge routes, snapshots.
import { MigrationError, applyMigrations, openSqliteFile, type Migration, type MigrationReport } from '@mcp/sqlite';
import { and, asc, count, desc, eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import type { MasterStore, NodeRecord } from '../deps.js';
import { UnknownNodeError } from './errors.js';
import { masterMigrations } from './migrations/index.js';
import {
  edgeRouteRecordOf,
  edgeRouteRowOf,
  nodeRecordOf,
  nodeRowOf,
  placementRecordOf,
  placementRowOf,
  snapshotRecordOf,
  snapshotRowOf,
} from './rows.js';
import * as schema from './schema.js';

export interface OpenMasterStoreOptions {
  /** SQLite file; created when absent (its directory must exist). */
  readonly path: string;
  /** Stamps updated_at and the migration history. */
  readonly clock: { now(): Date };
  /** How long a write waits for another connection's lock; default 5000 ms. */
  readonly busyTimeoutMs?: number;
  /** Migrations to apply; defaults to the shipped ones (tests pass a prefix to build old files). */
  readonly migrations?: readonly Migration[];
}

export interface OpenedMasterStore extends MasterStore {
  readonly path: string;
  /** What start-up migration did. */
  readonly migration: MigrationReport;
}

const label = 'master database';

/** Opens the store; throws @mcp/sqlite's SqliteOpenError or MigrationError when the file cannot be used. */
export function openMasterStore(options: OpenMasterStoreOptions): OpenedMasterStore {
  const sqlite = openSqliteFile(options.path, { busyTimeoutMs: options.busyTimeoutMs ?? 5000, label });
  let migration: MigrationReport;
  try {
    migration = applyMigrations(sqlite, options.migrations ?? masterMigrations, {
      path: options.path,
      clock: options.clock,
      table: 'master_migrations',
      label,
      newerVersionHint: 'upgrade mcp-master or restore an older copy',
    });
  } catch (error) {
    sqlite.close();
    throw error instanceof MigrationError ? error : new MigrationError(String(error), { path: options.path }, { cause: error });
  }
  const db = drizzle(sqlite, { schema });
  const { edgeRoutes, nodes, placements, snapshots } = schema;
  const now = () => options.clock.now();
  const inWriteTransaction = <T>(fn: () => T): T => sqlite.transaction(fn).immediate();
  const nodeExists = (name: string): boolean =>
    db.select({ name: nodes.name }).from(nodes).where(eq(nodes.name, name)).get() !== undefined;

  return {
    path: options.path,
    migration,

    listNodes: () => db.select().from(nodes).orderBy(asc(nodes.name)).all().map(nodeRecordOf),

    findNode: (name) => {
      const row = db.select().from(nodes).where(eq(nodes.name, name)).get();
      return row === undefined ? undefined : nodeRecordOf(row);
    },

    upsertNode: (node: NodeRecord) =>
      inWriteTransaction(() => {
        const existed = nodeExists(node.name);
        const row = nodeRowOf(node, now());
        db.insert(nodes).values(row).onConflictDoUpdate({ target: nodes.name, set: row }).run();
        return { existed };
      }),

    recordHeartbeat: (name, heartbeat) => {
      // A heartbeat is the node speaking: it is healthy from now on, whatever it was before.
      const result = db
        .update(nodes)
        .set({
          lastHeartbeat: heartbeat.at,
          cpuMillicores: heartbeat.cpuMillicores,
          memoryBytes: heartbeat.memoryBytes,
          diskBytes: heartbeat.diskBytes,
          containers: heartbeat.containers,
          status: 'healthy',
          updatedAt: now(),
        })
        .where(eq(nodes.name, name))
        .run();
      if (result.changes === 0) throw new UnknownNodeError(name, 'recording a heartbeat');
    },

    setNodeStatus: (name, status) => {
      const result = db.update(nodes).set({ status, updatedAt: now() }).where(eq(nodes.name, name)).run();
      if (result.changes === 0) throw new UnknownNodeError(name, `setting its status to ${status}`);
    },

    deleteNode: (name) => {
      const result = db.delete(nodes).where(eq(nodes.name, name)).run();
      if (result.changes === 0) throw new UnknownNodeError(name, 'removing it');
    },

    countNodes: () => db.select({ n: count() }).from(nodes).get()?.n ?? 0,

    listPlacements: () => db.select().from(placements).orderBy(asc(placements.service)).all().map(placementRecordOf),

    findPlacement: (service) => {
      const row = db.select().from(placements).where(eq(placements.service, service)).get();
      return row === undefined ? undefined : placementRecordOf(row);
    },

    putPlacement: (placement) =>
      inWriteTransaction(() => {
        if (!nodeExists(placement.node)) throw new UnknownNodeError(placement.node, `placing service ${placement.service}`);
        const row = placementRowOf(placement);
        db.insert(placements).values(row).onConflictDoUpdate({ target: placements.service, set: row }).run();
      }),

    deletePlacement: (service) => {
      db.delete(placements).where(eq(placements.service, service)).run();
    },

    listEdgeRoutes: (service) => {
      const query = db.select().from(edgeRoutes);
      const filtered = service === undefined ? query : query.where(eq(edgeRoutes.service, service));
      return filtered.orderBy(asc(edgeRoutes.hostname)).all().map(edgeRouteRecordOf);
    },

    findEdgeRoute: (hostname) => {
      const row = db.select().from(edgeRoutes).where(eq(edgeRoutes.hostname, hostname)).get();
      return row === undefined ? undefined : edgeRouteRecordOf(row);
    },

    putEdgeRoute: (route) =>
      inWriteTransaction(() => {
        if (!nodeExists(route.edgeNode)) throw new UnknownNodeError(route.edgeNode, `recording edge route ${route.hostname}`);
        const row = edgeRouteRowOf(route);
        db.insert(edgeRoutes).values(row).onConflictDoUpdate({ target: edgeRoutes.hostname, set: row }).run();
      }),

    deleteEdgeRoute: (hostname) => {
      db.delete(edgeRoutes).where(eq(edgeRoutes.hostname, hostname)).run();
    },

    putSnapshot: (snapshot) => {
      const row = snapshotRowOf(snapshot);
      db.insert(snapshots).values(row).onConflictDoUpdate({ target: [snapshots.service, snapshots.filename], set: row }).run();
    },

    listSnapshots: (service) => {
      const query = db.select().from(snapshots);
      const filtered = service === undefined ? query : query.where(eq(snapshots.service, service));
      return filtered.orderBy(asc(snapshots.service), desc(snapshots.createdAt), desc(snapshots.filename)).all().map(snapshotRecordOf);
    },

    deleteSnapshot: (service, filename) => {
      db.delete(snapshots).where(and(eq(snapshots.service, service), eq(snapshots.filename, filename))).run();
    },

    close: () => sqlite.close(),
  };
}
