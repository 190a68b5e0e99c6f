// The caps on input: how long a list, a map or a string of a request (or a definition file) may be.

/** Caps by protobuf field, `<message type name>.<field name>`; every other field takes the defaults. */
export interface InputCaps {
  /** Characters of a string field (and of each string item or map key) without a cap of its own. */
  readonly stringChars: number;
  /** Items of a list, or entries of a map, without a cap of its own. */
  readonly listItems: number;
  /** Caps on the length of particular lists and maps. */
  readonly listItemsByField: Readonly<Record<string, number>>;
  /** Caps on the characters of particular strings (each item, for a list of strings). */
  readonly stringCharsByField: Readonly<Record<string, number>>;
}

/**
 * The wire's caps. Generous for a small fleet's real definitions, small enough that checking and then validating
 * the largest request stays linear and quick: 4096 characters (PATH_MAX) for any string, 1024 items for any list;
 * a service has at most 64 components; env entries and cmd arguments may hold 16 KiB (a certificate, a script).
 */
export const WIRE_CAPS: InputCaps = {
  stringChars: 4096,
  listItems: 1024,
  listItemsByField: {
    'mcp.v1.ServiceSpec.components': 64,
    'mcp.v1.ServiceSpec.build_images': 64,
    'mcp.v1.ComponentSpec.volumes': 256,
  },
  stringCharsByField: {
    'mcp.v1.ComponentSpec.env': 16_384,
    'mcp.v1.ComponentSpec.cmd': 16_384,
  },
};

/** The cap on a list or map field. */
export function listCapOf(caps: InputCaps, field: string): number {
  return caps.listItemsByField[field] ?? caps.listItems;
}

/** The cap on a string field (or on each string of a list). */
export function stringCapOf(caps: InputCaps, field: string): number {
  return caps.stringCharsByField[field] ?? caps.stringChars;
}
