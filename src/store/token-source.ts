/**
 * What the Store clients and the transport need of sign-in: a bearer token for one API, and a way
 * to drop it. Sign-in (`auth.ts`) provides it; it sits apart so the transport does not import
 * sign-in, which itself sends through the transport.
 */

export interface AccessTokenSource {
  /** A valid access token, from the cache or newly requested; rejects when sign-in fails. */
  token(): Promise<string>;
  /** Drops the cached token, e.g. after the API answered 401. */
  invalidate(): void;
}
