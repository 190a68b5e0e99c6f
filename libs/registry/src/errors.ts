// Typed errors of the registry; the agent maps each class to a Connect code in one place.

export type ErrorContext = Readonly<Record<string, string | number | boolean | undefined>>;

/** Base class: every error the registry throws on purpose is one of these. */
export class RegistryError<C extends ErrorContext = ErrorContext> extends Error {
  readonly context: C;

  constructor(message: string, context: C, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.context = Object.freeze({ ...context });
  }
}

export type NotFoundContext = {
  readonly kind: 'service' | 'component' | 'edge route';
  readonly service?: string;
  readonly component?: string;
  readonly hostname?: string;
};

/** The named row does not exist (maps to NotFound). */
export class NotFoundError extends RegistryError<NotFoundContext> {}

export type ConflictContext = {
  readonly service: string;
  readonly component?: string;
  readonly route?: string;
  readonly hostPort?: number;
  readonly problem: string;
};

/** The request contradicts what is recorded or itself (maps to AlreadyExists). */
export class ConflictError extends RegistryError<ConflictContext> {}

export type PortsExhaustedContext = {
  readonly service: string;
  readonly component: string;
  readonly first: number;
  readonly last: number;
};

/** Every host port of the range is recorded or busy (maps to ResourceExhausted). */
export class PortsExhaustedError extends RegistryError<PortsExhaustedContext> {}

export type MigrationContext = {
  readonly path: string;
  readonly migrationId?: number;
  readonly migrationName?: string;
};

/**
 * The database cannot be brought to this version's schema: it was written by a newer
 * registry, its migration history differs from ours, or a migration failed (rolled back).
 */
export class MigrationError extends RegistryError<MigrationContext> {}

/** The database file could not be opened or configured (maps to Internal/Unavailable). */
export class RegistryOpenError extends RegistryError<{ readonly path: string }> {}
