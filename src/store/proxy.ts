/**
 * Which proxy a request goes through, chosen from the environment as undici's EnvHttpProxyAgent
 * chooses it (http_proxy / HTTP_PROXY for http URLs, https_proxy / HTTPS_PROXY for https URLs,
 * falling back to the http one; NO_PROXY exempts hosts), and how a proxy's refusal shows in
 * undici's errors. Only for messages: naming the proxy (never its credentials) and its answer.
 */
import { STATUS_CODES } from 'node:http';

export interface ProxyInUse {
  /** The variable that named it, e.g. `HTTPS_PROXY`. */
  variable: string;
  /** Its URL without user name, password, path or query, e.g. `http://proxy.corp:8080`. */
  url: string;
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/** The first of `names` set (non-empty) in `env`, with its name. */
function firstSet(env: NodeJS.ProcessEnv, names: string[]): { variable: string; value: string } | undefined {
  for (const variable of names) {
    const value = env[variable];
    if (value) return { variable, value };
  }
  return undefined;
}

/** Whether NO_PROXY (`a.com, .b.com, *.c.com, host:8080, *`) exempts `hostname` on `port`. */
function exempted(noProxy: string, hostname: string, port: number): boolean {
  for (const entry of noProxy.split(/[,\s]/)) {
    if (!entry) continue;
    const withPort = /^\[(.+)\]:(\d+)$/.exec(entry) ?? (/^[^:]+:\d+$/.test(entry) ? /^(.+):(\d+)$/.exec(entry) : null);
    const host = (withPort ? (withPort[1] ?? '') : entry.replace(/^\[(.+)\]$/, '$1')).toLowerCase();
    const entryPort = withPort ? Number(withPort[2]) : 0;
    if (entryPort && entryPort !== port) continue;
    if (host === '*') return true;
    const wildcard = host.startsWith('*');
    const bare = host.replace(/^\*?\./, '').replace(/^(.+)\.$/, '$1');
    if (!wildcard && hostname === bare) return true;
    if (hostname.endsWith(`.${bare}`)) return true;
  }
  return false;
}

/** The proxy a request to `url` goes through, or undefined when none is set or NO_PROXY exempts the host. */
export function proxyFor(url: string, env: NodeJS.ProcessEnv = process.env): ProxyInUse | undefined {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return undefined;
  }
  const http = firstSet(env, ['http_proxy', 'HTTP_PROXY']);
  const chosen = target.protocol === 'https:' ? (firstSet(env, ['https_proxy', 'HTTPS_PROXY']) ?? http) : http;
  if (!chosen) return undefined;
  const hostname = target.hostname
    .replace(/^\[(.+)\]$/, '$1')
    .replace(/(.)\.$/, '$1')
    .toLowerCase();
  const port = Number(target.port) || DEFAULT_PORTS[target.protocol] || 0;
  if (exempted(env.no_proxy ?? env.NO_PROXY ?? '', hostname, port)) return undefined;
  let shown: string;
  try {
    const proxy = new URL(chosen.value);
    shown = `${proxy.protocol}//${proxy.host}`;
  } catch {
    shown = '(an unreadable URL)';
  }
  return { variable: chosen.variable, url: shown };
}

/** "the proxy http://proxy.corp:8080 (HTTPS_PROXY)". */
export function describeProxy(proxy: ProxyInUse | undefined): string {
  return proxy ? `the proxy ${proxy.url} (${proxy.variable})` : 'the proxy';
}

/** "HTTP 407 Proxy Authentication Required". */
export function describeStatus(status: number): string {
  const text = STATUS_CODES[status];
  return text ? `HTTP ${status} ${text}` : `HTTP ${status}`;
}

/**
 * The HTTP status with which a proxy refused a request, read from the chain of causes of undici's
 * `fetch failed`: a CONNECT tunnel (https URLs) answered other than 200, or a forwarded request
 * (http URLs) answered 407. Undefined for any other failure.
 */
export function proxyRefusalStatus(error: unknown): number | undefined {
  const seen = new Set<unknown>();
  for (
    let current: unknown = error;
    current && typeof current === 'object' && !seen.has(current);
    current = (current as { cause?: unknown }).cause
  ) {
    seen.add(current);
    const message = (current as { message?: unknown }).message;
    if (typeof message !== 'string') continue;
    const match =
      /Proxy response \((\d{3})\) !== 200 when HTTP Tunneling/.exec(message) ??
      /^Proxy Authentication Required \((407)\)$/.exec(message);
    if (match) return Number(match[1]);
  }
  return undefined;
}

/**
 * The passwords that the proxy variables carry in their URLs, as written and decoded, for the
 * run's secret masking: a proxy URL is never shown, but a library's message might quote one.
 */
export function proxyCredentials(env: NodeJS.ProcessEnv = process.env): string[] {
  const found: string[] = [];
  for (const variable of ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY']) {
    const value = env[variable];
    if (!value) continue;
    try {
      const url = new URL(value);
      if (url.password) found.push(decodeURIComponent(url.password), url.password);
    } catch {
      // Not a URL: undici refuses it too, with its own error.
    }
  }
  return [...new Set(found)];
}
