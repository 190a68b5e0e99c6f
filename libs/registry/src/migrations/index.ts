// The shipped migrations, in the order they apply; append new ones, never edit or reorder.
import type { Migration } from '../migrate.js';
import { migration0001 } from './0001-services-components-routes.js';
import { migration0002 } from './0002-events-alerts-edge-routes.js';
import { migration0003 } from './0003-proxy-routes.js';
import { migration0004 } from './0004-edge-route-backends.js';

export const shippedMigrations: readonly Migration[] = [migration0001, migration0002, migration0003, migration0004];
