// Typed errors of the master's store; classify-error.ts maps them to Connect codes.

/** A write named a node the master does not know (maps to NotFound). */
export class UnknownNodeError extends Error {
  readonly node: string;

  constructor(node: string, doing: string) {
    super(`node ${node} is not known to the master (${doing}); an agent registers its node at start-up`);
    this.name = 'UnknownNodeError';
    this.node = node;
  }
}
