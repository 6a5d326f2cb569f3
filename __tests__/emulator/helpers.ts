/** Helpers shared by the emulator's own tests: a tiny typed client over undici fetch. */
import { fetch } from 'undici';
import { CREDENTIALS, type Emulator } from '../../test/emulator/index.js';

export interface Res {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export async function call(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Res> {
  const res = await fetch(url, init as never);
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers as unknown as Headers, text, json };
}

export async function tokenV1(em: Emulator, overrides: Record<string, string> = {}): Promise<Res> {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: CREDENTIALS.clientId,
    client_secret: CREDENTIALS.clientSecret,
    resource: 'https://manage.devcenter.microsoft.com',
    ...overrides,
  });
  return call(`${em.authorityUrl}/${CREDENTIALS.tenantId}/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: form.toString(),
  });
}

export async function tokenV2(em: Emulator, form: Record<string, string>): Promise<Res> {
  return call(`${em.authorityUrl}/${CREDENTIALS.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: CREDENTIALS.clientId,
      ...form,
    }).toString(),
  });
}

/** A client bound to one emulator with a fresh token. */
export async function client(em: Emulator): Promise<(method: string, path: string, body?: unknown) => Promise<Res>> {
  const token = (await tokenV1(em)).json.access_token as string;
  return (method, path, body) =>
    call(`${em.apiUrl}/v1.0/my/${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
}

export async function waitFor<T>(fn: () => T | undefined | false, timeoutMs = 10000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
