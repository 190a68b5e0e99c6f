// Who is calling: the identity a token stands for, and the pluggable validator that finds it.

/** Account types as SPEC section 9 names them: a person, or a program (agent, master). */
export type AccountType = 'human' | 'system';

export const accountTypes: readonly AccountType[] = ['human', 'system'];

export interface Identity {
  readonly name: string;
  readonly account: AccountType;
  readonly roles: readonly string[];
}

/**
 * Turns a bearer token into the identity it stands for. `undefined` means "not a valid token"
 * (the caller gets Unauthenticated); a thrown error means the validator itself failed
 * (unreadable token file, identity service down) and the call is refused as Unavailable.
 * The local token file validator implements it today; an MCIAS validator with a cache keyed by
 * `hashToken(token)` fits the same shape.
 */
export interface TokenValidator {
  validate(token: string): Promise<Identity | undefined>;
}

// Names and roles end up in logs, TOML and error messages: a small safe alphabet keeps all three simple.
const identityNamePattern = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/;

export function isValidIdentityName(name: string): boolean {
  return identityNamePattern.test(name);
}

export const identityNameRule =
  'a letter or digit followed by up to 127 letters, digits, ".", "_", "@", "+" or "-"';
