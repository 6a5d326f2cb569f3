/** Fake Entra ID (AAD) token endpoints and a fake GitHub Actions OIDC token endpoint. */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Json, JsonObject } from './types.js';

export const STORE_RESOURCE = 'https://manage.devcenter.microsoft.com';
export const STORE_SCOPE = 'https://manage.devcenter.microsoft.com/.default';
/**
 * The MSI/EXE submission API (docs/store-api.md#installer-api-sign-in-and-envelope): its tokens and
 * the MSIX API's are not interchangeable.
 */
export const INSTALLER_API_RESOURCE = 'https://api.store.microsoft.com';
const RESOURCES = [STORE_RESOURCE, INSTALLER_API_RESOURCE];
export const OIDC_ISSUER = 'https://token.actions.githubusercontent.com';
export const EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';
export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const DEFAULT_OIDC_SUBJECT = 'repo:octo-org/octo-app:ref:refs/heads/main';

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Object → JSON; string → as is; undefined → empty body. */
  body?: Json | string;
}

export interface IssuedToken {
  accessToken: string;
  endpoint: 'v1' | 'v2';
  credential: 'secret' | 'assertion';
  issuedAt: number;
  expiresAt: number;
  /** The API the token is for. */
  resource: string;
}

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

export class JwtSigner {
  private readonly key = randomBytes(32);

  sign(claims: JsonObject): string {
    const head = b64url(JSON.stringify({ typ: 'JWT', alg: 'HS256', kid: 'emulator' }));
    const body = b64url(JSON.stringify(claims));
    const sig = createHmac('sha256', this.key).update(`${head}.${body}`).digest('base64url');
    return `${head}.${body}.${sig}`;
  }

  /** The claims when the signature is ours, else undefined. */
  verify(jwt: string): JsonObject | undefined {
    const parts = jwt.split('.');
    if (parts.length !== 3) return undefined;
    const [head, body, sig] = parts as [string, string, string];
    const expected = createHmac('sha256', this.key).update(`${head}.${body}`).digest();
    const given = Buffer.from(sig, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8')) as JsonObject;
      if (header['alg'] !== 'HS256') return undefined;
      const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Json;
      return typeof claims === 'object' && claims !== null && !Array.isArray(claims) ? claims : undefined;
    } catch {
      return undefined;
    }
  }
}

export function aadError(status: number, error: string, code: number, message: string): Reply {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}

export interface AuthConfig {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  tokenLifetimeSeconds: number;
  oidcTokenLifetimeSeconds: number;
  oidcRequestToken: string;
  oidcSubject: string;
  /** Subject the federated credential accepts (AADSTS700213 otherwise). */
  federatedSubject: string;
  endpoints: Array<'v1' | 'v2'>;
}

export class AuthService {
  readonly signer = new JwtSigner();
  readonly issued: IssuedToken[] = [];
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(readonly config: AuthConfig) {}

  /** True when the Authorization header carries a token we issued for `resource` that has not expired. */
  isAuthorized(authorization: string | undefined, resource: string = STORE_RESOURCE): boolean {
    const match = /^Bearer (\S+)$/.exec(authorization ?? '');
    if (!match?.[1]) return false;
    const token = this.tokens.get(match[1]);
    return token !== undefined && token.expiresAt > Date.now() && token.resource === resource;
  }

  /** Makes every issued token expire now. */
  expireAllTokens(): void {
    for (const token of this.tokens.values()) token.expiresAt = Date.now() - 1;
  }

  /** POST {authority}/{tenant}/oauth2/token (v1) or /oauth2/v2.0/token (v2). */
  token(
    endpoint: 'v1' | 'v2',
    tenant: string,
    method: string,
    contentType: string | undefined,
    rawBody: string,
  ): Reply {
    if (!this.config.endpoints.includes(endpoint)) {
      return aadError(404, 'invalid_request', 90010, `The ${endpoint} token endpoint is not served by this authority.`);
    }
    if (method !== 'POST') {
      return aadError(405, 'invalid_request', 900561, 'The endpoint only accepts POST requests.');
    }
    if (tenant !== this.config.tenantId) {
      return aadError(
        400,
        'invalid_request',
        90002,
        `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      );
    }
    if (!/^application\/x-www-form-urlencoded\b/i.test(contentType ?? '')) {
      return aadError(
        400,
        'invalid_request',
        900144,
        "The request body must contain the following parameter: 'grant_type'.",
      );
    }
    const form = new URLSearchParams(rawBody);
    const grantType = form.get('grant_type');
    if (!grantType)
      return aadError(
        400,
        'invalid_request',
        900144,
        "The request body must contain the following parameter: 'grant_type'.",
      );
    if (grantType !== 'client_credentials') {
      return aadError(
        400,
        'unsupported_grant_type',
        70003,
        `The app requested an unsupported grant type '${grantType}'.`,
      );
    }
    const clientId = form.get('client_id');
    if (!clientId)
      return aadError(
        400,
        'invalid_request',
        900144,
        "The request body must contain the following parameter: 'client_id'.",
      );
    if (clientId !== this.config.clientId) {
      return aadError(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${tenant}'.`,
      );
    }
    let resource: string;
    if (endpoint === 'v1') {
      resource = form.get('resource') ?? '';
      if (!resource)
        return aadError(
          400,
          'invalid_request',
          900144,
          "The request body must contain the following parameter: 'resource'.",
        );
      if (!RESOURCES.includes(resource)) {
        return aadError(
          400,
          'invalid_resource',
          500011,
          `The resource principal named ${resource} was not found in the tenant named ${tenant}.`,
        );
      }
    } else {
      if (form.has('resource'))
        return aadError(400, 'invalid_request', 901002, "The 'resource' request parameter is not supported.");
      const scope = form.get('scope');
      if (!scope)
        return aadError(
          400,
          'invalid_request',
          900144,
          "The request body must contain the following parameter: 'scope'.",
        );
      resource = scope.endsWith('/.default') ? scope.slice(0, -9) : scope;
      if (!RESOURCES.includes(resource) || !scope.endsWith('/.default')) {
        if (scope.endsWith('/.default')) {
          return aadError(
            400,
            'invalid_resource',
            500011,
            `The resource principal named ${scope.slice(0, -9)} was not found in the tenant named ${tenant}.`,
          );
        }
        return aadError(
          400,
          'invalid_scope',
          1002012,
          `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
        );
      }
    }
    const secret = form.get('client_secret');
    const assertion = form.get('client_assertion');
    let credential: 'secret' | 'assertion';
    if (secret !== null && assertion !== null) {
      return aadError(
        400,
        'invalid_request',
        90014,
        'Only one client credential (client_secret or client_assertion) may be sent.',
      );
    }
    if (secret !== null) {
      if (secret !== this.config.clientSecret) {
        return aadError(
          401,
          'invalid_client',
          7000215,
          `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
        );
      }
      credential = 'secret';
    } else if (assertion !== null) {
      const failure = this.checkAssertion(form.get('client_assertion_type'), assertion);
      if (failure) return failure;
      credential = 'assertion';
    } else {
      return aadError(
        401,
        'invalid_client',
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      );
    }
    return this.issue(endpoint, credential, resource);
  }

  private checkAssertion(type: string | null, assertion: string): Reply | undefined {
    if (type !== JWT_BEARER) {
      return aadError(
        400,
        'invalid_request',
        700023,
        `Invalid client_assertion_type '${type ?? ''}'; expected '${JWT_BEARER}'.`,
      );
    }
    const claims = this.signer.verify(assertion);
    if (!claims) return aadError(401, 'invalid_client', 50027, 'JWT token is invalid or malformed.');
    if (claims['iss'] !== OIDC_ISSUER) {
      return aadError(
        401,
        'invalid_client',
        700211,
        `No matching federated identity record found for presented assertion issuer '${String(claims['iss'])}'.`,
      );
    }
    if (claims['aud'] !== EXCHANGE_AUDIENCE) {
      return aadError(
        401,
        'invalid_client',
        700212,
        `No matching federated identity record found for presented assertion audience '${String(claims['aud'])}'.`,
      );
    }
    if (typeof claims['exp'] !== 'number' || claims['exp'] * 1000 <= Date.now()) {
      return aadError(401, 'invalid_client', 700024, 'Client assertion is not within its valid time range.');
    }
    if (claims['sub'] !== this.config.federatedSubject) {
      return aadError(
        401,
        'invalid_client',
        700213,
        `No matching federated identity record found for presented assertion subject '${String(claims['sub'])}'. Check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
      );
    }
    return undefined;
  }

  private issue(endpoint: 'v1' | 'v2', credential: 'secret' | 'assertion', resource: string): Reply {
    const lifetime = this.config.tokenLifetimeSeconds;
    const now = Date.now();
    const accessToken = randomBytes(48).toString('base64url');
    const token: IssuedToken = {
      accessToken,
      endpoint,
      credential,
      issuedAt: now,
      expiresAt: now + lifetime * 1000,
      resource,
    };
    this.tokens.set(accessToken, token);
    this.issued.push(token);
    // Entra reports one second less than the lifetime (3599 for an hour); short test lifetimes are reported as is.
    const reported = lifetime >= 60 ? lifetime - 1 : lifetime;
    const nowSeconds = Math.floor(now / 1000);
    if (endpoint === 'v1') {
      return {
        status: 200,
        body: {
          token_type: 'Bearer',
          expires_in: String(reported),
          ext_expires_in: String(reported),
          expires_on: String(nowSeconds + reported),
          not_before: String(nowSeconds),
          resource,
          access_token: accessToken,
        },
      };
    }
    return {
      status: 200,
      body: { token_type: 'Bearer', expires_in: reported, ext_expires_in: reported, access_token: accessToken },
    };
  }

  /** GET {url}/oidc/token?api-version=2.0&audience=... as the GitHub Actions runtime serves it. */
  oidc(method: string, authorization: string | undefined, query: URLSearchParams): Reply {
    if (method !== 'GET') return { status: 405, body: { message: 'Method not allowed' } };
    if (authorization !== `Bearer ${this.config.oidcRequestToken}`) {
      return {
        status: 401,
        body: { message: 'Bad credentials: the ACTIONS_ID_TOKEN_REQUEST_TOKEN is missing or invalid.' },
      };
    }
    const now = Math.floor(Date.now() / 1000);
    const audience = query.get('audience') ?? 'https://github.com/octo-org';
    const jwt = this.signer.sign({
      jti: randomUUID(),
      sub: this.config.oidcSubject,
      aud: audience,
      ref: 'refs/heads/main',
      repository: 'octo-org/octo-app',
      repository_owner: 'octo-org',
      run_id: '1',
      event_name: 'push',
      iss: OIDC_ISSUER,
      nbf: now - 5,
      iat: now,
      exp: now + this.config.oidcTokenLifetimeSeconds,
    });
    return { status: 200, body: { count: jwt.length, value: jwt } };
  }
}
