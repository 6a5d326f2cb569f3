/**
 * Entra ID sign-in for the Store API: a client secret on the v1 token endpoint (the form the API's
 * documentation shows), or the workflow's GitHub OIDC token as a federated client assertion on the
 * v2 endpoint. Tokens are cached, masked at once, and renewed before they run out or after a 401.
 */
import { StoreApiError, errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { secrets } from '../redact.js';
import type { Transport } from './http.js';
import { RunStopped } from '../stop.js';
import { answerWords, storeErrorFrom } from './store-error.js';
import type { AccessTokenSource } from './token-source.js';

const STORE_RESOURCE = 'https://manage.devcenter.microsoft.com';
const DEFAULT_LIFETIME_SECONDS = 3600;

export interface SignInOptions {
  authorityUrl: string;
  tenantId: string;
  clientId: string;
  /** Empty: sign in with `getIdToken` (GitHub OIDC) instead. */
  clientSecret?: string | undefined;
  /** Fetches the workflow's OIDC ID token for the given audience (`requestGitHubIdToken`). */
  getIdToken?: (audience: string) => Promise<string>;
  transport: Transport;
  logger: Logger;
  now?: () => number;
  /**
   * The API the token is for: sent as `resource` on the v1 endpoint and as the scope
   * `<resource>/.default` on v2. Default the MSIX API, `https://manage.devcenter.microsoft.com`;
   * the MSI/EXE API is `https://api.store.microsoft.com` (docs/store-api.md, "Token endpoints and scopes").
   */
  resource?: string;
}

const OIDC_AUDIENCE = 'api://AzureADTokenExchange';

type TokenEndpoint = 'v1' | 'v2';

/** The `value` of the token service's JSON answer; undefined when it is not JSON or has none. */
function idTokenOf(text: string): string | undefined {
  try {
    const value = (JSON.parse(text) as { value?: unknown } | null)?.value;
    return typeof value === 'string' && value ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The job has no OIDC token to ask for: the one OIDC failure that the sign-in settings explain. */
export class NoOidcTokenOffered extends Error {
  constructor() {
    super('the runner offers no OIDC token to this job (ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN are not set)');
    this.name = 'NoOidcTokenOffered';
  }
}

/**
 * The workflow's GitHub OIDC ID token for `audience`: GET $ACTIONS_ID_TOKEN_REQUEST_URL with
 * `audience` added to its query and $ACTIONS_ID_TOKEN_REQUEST_TOKEN as the bearer token; the answer
 * is JSON `{ "value": "<JWT>" }` (the runner's token service, as `@actions/core` `getIDToken` reads
 * it). Ours rather than `getIDToken`, which takes no stop signal and waits up to 3 minutes per
 * attempt: sent through `transport`, it ends with the run's deadline or cancel, and is retried and
 * recorded like every other call: 5xx, time-outs and a page that is not JSON are retried until the
 * run stops. Throws NoOidcTokenOffered when the job has no token to offer (no `permissions:
 * id-token: write`, a fork's pull request), and an Error saying what was answered when the service
 * refuses or answers without a token.
 */
export async function requestGitHubIdToken(
  transport: Transport,
  audience: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const requestUrl = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!requestUrl || !requestToken) throw new NoOidcTokenOffered();
  const url = new URL(requestUrl);
  url.searchParams.set('audience', audience);
  const call = 'GET GitHub OIDC token';
  const result = await transport.send(async () => ({
    method: 'GET',
    url: url.toString(),
    call,
    headers: { authorization: `Bearer ${requestToken}`, accept: 'application/json' },
    idempotent: true,
    expectJson: true,
  }));
  if (result.status !== 200) {
    const { words } = answerWords(result, call);
    throw new Error(`${call}: the token service answered HTTP ${result.status}${words}`);
  }
  const value = idTokenOf(result.text);
  if (!value) throw new Error(`${call}: the answer holds no token (no "value" field)`);
  secrets.add(value);
  return value;
}

/** The two forms of the Entra token request for an API: v1 names it as a resource, v2 as a scope. */
function tokenEndpoint(endpoint: TokenEndpoint, resource: string): { path: string; audience: Record<string, string> } {
  return endpoint === 'v1'
    ? { path: 'oauth2/token', audience: { resource } }
    : { path: 'oauth2/v2.0/token', audience: { scope: `${resource}/.default` } };
}

/** A refusal that says "not this form here", as opposed to "not these credentials". */
function endpointNotServed(error: unknown): error is StoreApiError {
  if (!(error instanceof StoreApiError)) return false;
  if (error.httpStatus === 404 || error.httpStatus === 405) return true;
  return error.httpStatus === 400 && (error.code === 'invalid_resource' || error.code === 'invalid_scope');
}

/** The claims users need to match a federated credential's subject; never the token itself. */
export function describeIdTokenClaims(idToken: string): string | undefined {
  const payload = idToken.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const aud = Array.isArray(claims.aud) ? claims.aud.join(',') : claims.aud;
    return `iss=${String(claims.iss)} sub=${String(claims.sub)} aud=${String(aud)}`;
  } catch {
    return undefined;
  }
}

/** Parses `expires_in`, which the v1 endpoint sends as a string and the v2 endpoint as a number. */
export function lifetimeSeconds(body: Record<string, unknown>, nowMs: number): number {
  const expiresIn = Number(body.expires_in);
  if (Number.isFinite(expiresIn) && expiresIn > 0) return expiresIn;
  const expiresOn = Number(body.expires_on);
  if (Number.isFinite(expiresOn) && expiresOn * 1000 > nowMs) return Math.floor(expiresOn - nowMs / 1000);
  return DEFAULT_LIFETIME_SECONDS;
}

/** Renew when a fifth of the lifetime is left, at most five minutes early. */
export function renewalMarginMs(lifetimeSec: number): number {
  return Math.min(5 * 60_000, lifetimeSec * 200);
}

export class EntraTokenSource implements AccessTokenSource {
  private cached: { token: string; renewAt: number } | undefined;
  private readonly now: () => number;

  constructor(private readonly options: SignInOptions) {
    this.now = options.now ?? Date.now;
    secrets.add(options.clientSecret);
  }

  invalidate(): void {
    this.cached = undefined;
  }

  async token(): Promise<string> {
    if (this.cached && this.now() < this.cached.renewAt) return this.cached.token;
    const body = this.options.clientSecret
      ? await this.requestWithSecret(this.options.clientSecret)
      : await this.requestWithOidc();
    const accessToken = body.access_token;
    if (typeof accessToken !== 'string' || !accessToken) {
      throw new Error('The token endpoint answered without an access_token');
    }
    secrets.add(accessToken);
    const lifetime = lifetimeSeconds(body, this.now());
    this.cached = { token: accessToken, renewAt: this.now() + lifetime * 1000 - renewalMarginMs(lifetime) };
    this.options.logger.debug(`Signed in; the access token is valid for ${lifetime} s`);
    return accessToken;
  }

  private requestWithSecret(clientSecret: string): Promise<Record<string, unknown>> {
    // The MSIX API documents the v1 form (v2 is what Microsoft's own CLI uses); the MSI/EXE API
    // documents only v2.
    const order: TokenEndpoint[] = this.resource === STORE_RESOURCE ? ['v1', 'v2'] : ['v2', 'v1'];
    return this.requestToken({ client_secret: clientSecret }, order);
  }

  private get resource(): string {
    return this.options.resource ?? STORE_RESOURCE;
  }

  /**
   * Asks the endpoints in order: an authority that does not serve one form (404, 405, or a
   * resource/scope it does not know) gets the other; any other refusal is final.
   */
  private async requestToken(
    credential: Record<string, string>,
    order: TokenEndpoint[],
  ): Promise<Record<string, unknown>> {
    let firstRefusal: unknown;
    for (const endpoint of order) {
      const { path, audience } = tokenEndpoint(endpoint, this.resource);
      try {
        return await this.post(path, {
          grant_type: 'client_credentials',
          client_id: this.options.clientId,
          ...credential,
          ...audience,
        });
      } catch (error) {
        if (!endpointNotServed(error)) throw error;
        firstRefusal ??= error;
        this.options.logger.info(
          `The ${endpoint} token endpoint answered HTTP ${error.httpStatus}; trying the other form`,
        );
      }
    }
    throw firstRefusal;
  }

  private async requestWithOidc(): Promise<Record<string, unknown>> {
    const { getIdToken, logger } = this.options;
    if (!getIdToken) throw new Error('No client-secret was given and no OIDC token source is available');
    let idToken: string;
    try {
      idToken = await getIdToken(OIDC_AUDIENCE);
    } catch (error) {
      // A time-out or cancel stays one; only a job without a token is a matter of its settings.
      if (error instanceof RunStopped) throw error;
      if (!(error instanceof NoOidcTokenOffered)) {
        throw new Error(
          `Could not get the workflow's GitHub OIDC token: ${secrets.redact(errorMessage(error))}. ` +
            "The job was offered a token, so its settings are fine: this is the runner's token service failing; run the job again.",
          { cause: error },
        );
      }
      throw new Error(
        "'client-secret' is empty, so the action signs in with the workflow's OIDC token. " +
          `Could not get the workflow's GitHub OIDC token (${secrets.redact(errorMessage(error))}). ` +
          "If you meant to use a client secret, check that the secret exists under that name for this repository (or the job's environment). " +
          "For OIDC, give the job 'permissions: id-token: write'. " +
          'Pull requests from forks never receive an OIDC token; use a client secret there or skip the step.',
        { cause: error },
      );
    }
    secrets.add(idToken);
    const claims = describeIdTokenClaims(idToken);
    if (claims) logger.info(`Signing in with the workflow's OIDC token (${claims})`);
    try {
      return await this.requestToken(
        { client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: idToken },
        ['v2', 'v1'],
      );
    } catch (error) {
      if (error instanceof StoreApiError && claims) {
        throw new Error(
          `${error.message}. The federated credential of the Entra app must match the token's claims exactly (${claims})`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  private async post(endpoint: string, form: Record<string, string>): Promise<Record<string, unknown>> {
    const base = this.options.authorityUrl.replace(/\/+$/, '');
    const path = `${encodeURIComponent(this.options.tenantId)}/${endpoint}`;
    const call = `POST ${path}`;
    const result = await this.options.transport.send(async () => ({
      method: 'POST',
      url: `${base}/${path}`,
      call,
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
      idempotent: true,
      expectJson: true,
    }));
    if (result.status < 200 || result.status >= 300) throw storeErrorFrom(result, `Sign-in (${call})`);
    // expectJson: an empty body is the only 2xx answer that is not JSON.
    if (!result.text.trim()) throw new Error(`Sign-in (${call}) answered HTTP ${result.status} without a body`);
    return JSON.parse(result.text) as Record<string, unknown>;
  }
}
