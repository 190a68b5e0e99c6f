// The dev fleet's one error type: a directory that is not (or not quite) a local fleet, with what was wrong.

/** A fleet directory that cannot be used: not empty and no fleet in it, or a damaged fleet.json. */
export class DevFleetError extends Error {
  override readonly name = 'DevFleetError';
  constructor(
    /** The fleet directory (or the file in it) concerned. */
    readonly path: string,
    /** What was wrong and what was expected. */
    readonly problem: string,
    options?: ErrorOptions,
  ) {
    super(`${path}: ${problem}`, options);
  }
}
