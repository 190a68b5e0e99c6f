// The master database's migrations, in the order they apply; append new ones, never edit or reorder.
import type { Migration } from '@mcp/sqlite';
import { migration0001 } from './0001-nodes-placements-edge-routes-snapshots.js';
import { migration0002 } from './0002-node-vm-support.js';

export const masterMigrations: readonly Migration[] = [migration0001, migration0002];
