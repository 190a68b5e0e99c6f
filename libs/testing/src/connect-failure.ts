// What a failing RPC answered, as a client sees it.
import { ConnectError } from '@connectrpc/connect';

/** The ConnectError a call failed with; fails the test when the call succeeded. */
export async function connectFailureOf(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error('expected the call to fail');
}
