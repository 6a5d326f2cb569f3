/**
 * Removes secrets from any text before it can reach a log line, an error message, an output, the
 * job summary or the run record. Two layers: values registered at run time (client secret, tokens,
 * the SAS signature), in every encoding they could be printed in, and patterns that catch a secret
 * the run never saw as a value (a `sig=` query parameter, a bearer header).
 */

const MASK = '***';

/** The SAS query parameters and auth headers that grant access, whatever their value. */
const SECRET_PATTERNS: RegExp[] = [
  // After '?', '&', '; ' or a space alike: Azure's error texts quote it as "; signature=<value>".
  /(\b(?:sig|signature)=["']?)[^&;\s"'<>)]+/gi,
  /(Bearer\s+)[A-Za-z0-9\-._~+/]+=*/g,
  /((?:client_secret|client_assertion|access_token|id_token)["']?\s*[=:]\s*["']?)[^&\s"',}]+/gi,
];

export class SecretRegistry {
  private readonly values = new Set<string>();
  private readonly listeners: ((secret: string) => void)[] = [];

  /** Called for every new secret value, e.g. to pass it to `core.setSecret`. */
  onSecret(listener: (secret: string) => void): void {
    this.listeners.push(listener);
    for (const value of this.values) listener(value);
  }

  /** Registers a secret and the encoded forms it could appear in. Values shorter than 4 characters are ignored (masking them would mangle ordinary text). */
  add(secret: string | undefined): void {
    if (!secret || secret.length < 4) return;
    for (const form of encodedForms(secret)) {
      if (form.length < 4 || this.values.has(form)) continue;
      this.values.add(form);
      for (const listener of this.listeners) listener(form);
    }
  }

  /** Replaces every registered secret and every secret-shaped pattern in `text`. */
  redact(text: string): string {
    let result = text;
    // Longest first, so a secret that contains another is removed whole.
    for (const value of [...this.values].sort((a, b) => b.length - a.length)) {
      result = result.split(value).join(MASK);
    }
    for (const pattern of SECRET_PATTERNS) result = result.replace(pattern, `$1${MASK}`);
    return result;
  }

  /** Forgets every value (tests only). */
  clear(): void {
    this.values.clear();
    this.listeners.length = 0;
  }
}

function encodedForms(secret: string): string[] {
  // '+' read as a space is how a URL query parser shows a raw '+' (a SAS signature's).
  const forms = new Set([secret, encodeURIComponent(secret), secret.replace(/\+/g, '%2B'), secret.replace(/\+/g, ' ')]);
  forms.add(new URLSearchParams({ v: secret }).toString().slice(2));
  forms.add(JSON.stringify(secret).slice(1, -1));
  return [...forms];
}

/** The one registry of the run. */
export const secrets = new SecretRegistry();

/** `text` percent-decoded; `text` itself when it holds a broken escape. */
function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Registers a URL's whole query, each `name=value` pair and each value, as secrets in every form a
 * text could show them: as the URL gives it, percent-decoded, with '+' read as a space (how a query
 * parser reads a raw '+'), and the encodings SecretRegistry.add adds. Call it as soon as the URL is
 * read, so no earlier error can echo it. Takes any text, also one that does not parse as a URL
 * (`https//host/file?token=...`).
 */
export function registerUrlQuery(url: string): void {
  const cut = url.search(/[?#]/);
  if (cut === -1) return;
  // The fragment too: a signed download link may carry its token there.
  secrets.add(url.slice(cut + 1));
  if (url[cut] !== '?') return;
  const query = url.slice(cut + 1).split('#')[0] ?? '';
  secrets.add(query);
  for (const pair of query.split('&')) {
    const equals = pair.indexOf('=');
    if (equals === -1) continue;
    // The pair too: a value too short to mask alone (`b` of `sks=b`) is masked with its name.
    secrets.add(pair);
    const value = pair.slice(equals + 1);
    for (const form of [value, decoded(value), decoded(value.replace(/\+/g, ' '))]) secrets.add(form);
  }
}

/** Shows a URL without its query (an upload URL's query is a SAS that grants write access). */
export function urlWithoutQuery(url: string): string {
  const cut = url.search(/[?#]/);
  return cut === -1 ? url : `${url.slice(0, cut)}?…`;
}
