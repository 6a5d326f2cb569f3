/**
 * The `installers` input of an MSI/EXE product (docs/contract.md, MSI/EXE products): YAML or JSON
 * (a JSON list is YAML too), one item per installer, parsed with the `yaml` package so every
 * problem names its item and line. No network, no file system; the one effect is that each URL's
 * query is registered as a secret as it is read. `toPackages` maps the list
 * onto the package objects of PUT `/packages` (docs/store-api.md, the MSI/EXE API section).
 */
import type { Node } from 'yaml';
import { InputError } from '../errors.js';
import { packageFormat } from '../packages/names.js';
import { registerUrlQuery, urlWithoutQuery } from '../redact.js';
import type { InstallerPackage } from '../store/installer-resources.js';

export const ARCHITECTURES = ['x86', 'x64', 'arm', 'arm64', 'neutral'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];
export type InstallerType = 'msi' | 'exe';

/** The API's spelling of each architecture. */
const API_ARCHITECTURE: Record<Architecture, string> = {
  x86: 'X86',
  x64: 'X64',
  arm: 'Arm',
  arm64: 'Arm64',
  neutral: 'Neutral',
};

const KEYS = ['url', 'architecture', 'languages', 'type', 'installer-parameters', 'silent', 'doc-url'] as const;

/** One validated item of `installers`. */
export interface Installer {
  /** https URL the Store downloads the installer from. */
  url: string;
  architecture: Architecture;
  /** Lower-case language tags, at least one, no duplicates. */
  languages: string[];
  /** Given, or from the URL's file extension. */
  type: InstallerType;
  /** Runs without switches; default true for `msi`, false for `exe`. */
  silent: boolean;
  /** Switches for a non-silent installer (required then). */
  installerParameters?: string;
  /** https page documenting the installer's error codes (required for `exe`). */
  docUrl?: string;
  /** 1-based line of the item in the input, for messages. */
  line: number;
  /** 1-based position in the list. */
  index: number;
}

/** A language tag as the Store lists them: `en-us`, `zh-hans-cn`, `sr-latn-rs`. */
const LANGUAGE = /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/;

const INPUT = 'installers';

function fail(problem: string): never {
  throw new InputError(INPUT, problem);
}

/** The URL's path, decoded; undefined when it is not a URL. */
function pathOf(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).pathname);
  } catch {
    return undefined;
  }
}

/** The URL's file extension as an installer type, if it has one. */
export function typeFromUrl(url: string): InstallerType | undefined {
  const match = /\.(msi|exe)$/i.exec(pathOf(url) ?? '');
  return match ? (match[1]!.toLowerCase() as InstallerType) : undefined;
}

/**
 * What to do with an MSIX package given as an installer: MSIX products are a different API, named
 * by their Store ID. `found` says how the package was recognised (its extension, or its zip bytes).
 */
export function msixAdvice(found: string): string {
  return `${found}: an MSIX package is not an installer of an MSI/EXE product. Submit MSIX packages to the app's 12-character Store ID (e.g. 'app-id: 9NBLGGH4R315') with 'packages'; 'installers' takes .msi and .exe files`;
}

/** The MSIX package extension the URL's file name ends with (.msix, .msixbundle, .appx, ...), if any. */
export function msixExtensionOf(url: string): string | undefined {
  const format = packageFormat(pathOf(url) ?? '');
  return format ? `.${format}` : undefined;
}

/** Why `value` is not an https URL, or undefined when it is one. */
export function httpsProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `'${urlWithoutQuery(value)}' is not a URL`;
  }
  if (url.protocol !== 'https:')
    return `'${urlWithoutQuery(value)}' is not https (the Store downloads installers over https only)`;
  if (url.username || url.password) return 'the URL must not carry a user name or password';
  return undefined;
}

/**
 * Parses and validates `installers`. Rejects with InputError('installers', ...) naming the item, its
 * line, its URL (without the query) once it has one, and what to change: syntax errors (with line
 * and column), an empty list, unknown keys, a missing or non-https `url`, a URL that names an MSIX
 * package, an unknown `architecture`, missing or malformed `languages`, a `type` the URL's extension
 * contradicts or cannot supply, a non-silent installer without `installer-parameters`, an `exe`
 * without `doc-url`, and the same URL listed twice. The query of every `url` and `doc-url` is
 * registered as a secret as soon as it is read, before anything can print it (a signed download
 * URL's query is a credential).
 */
export async function parseInstallers(text: string): Promise<Installer[]> {
  if (!text.trim()) fail('is empty; list the installers of the product (see "MSI/EXE products" in the README)');
  // Loaded here, not at start-up: only MSI/EXE submissions read YAML.
  const { LineCounter, isMap, isScalar, isSeq, parseDocument, visit } = await import('yaml');
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, version: '1.2' });
  const firstError = doc.errors[0];
  if (firstError) {
    const pos = lineCounter.linePos(firstError.pos[0]);
    const where = `line ${pos.line}, column ${pos.col}`;
    fail(`is not valid YAML or JSON at ${where}: ${firstError.message.split('\n')[0]}`);
  }
  const lineOf = (node: Node | null | undefined): number => (node?.range ? lineCounter.linePos(node.range[0]).line : 1);
  // An alias would stand for a copy of what its anchor names: read as such it could expand to any
  // size (an alias of aliases), and what is not read as such is misread. Refused before any value is read.
  visit(doc, {
    Alias(_key, alias) {
      fail(
        `line ${lineOf(alias)} uses the alias *${alias.source}: aliases (*name) and anchors (&name) are not supported; write each item out in full`,
      );
    },
  });
  const root = doc.contents;
  if (!isSeq(root)) {
    fail(
      `must be a list, one item per installer, e.g.\n  - url: https://example.com/app-1.0-x64.msi\n    architecture: x64\n    languages: [en-us]\n(line ${lineOf(root)} is ${isMap(root) ? 'a single mapping: start each item with "- "' : 'not a list'})`,
    );
  }
  if (root.items.length === 0) fail('is an empty list; list at least one installer');
  const installers: Installer[] = [];
  const seen = new Map<string, number>();
  root.items.forEach((item, i) => {
    const index = i + 1;
    const line = lineOf(item as Node);
    const at = `item ${index} (line ${line})`;
    // Once the url is known, every message names it (without its query).
    let where = at;
    if (!isMap(item)) fail(`${at} must be a mapping with 'url', 'architecture' and 'languages'`);
    const values = new Map<string, { value: unknown; line: number }>();
    let unknownKey: string | undefined;
    for (const pair of item.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const keyLine = lineOf(pair.key as Node);
      if (!(KEYS as readonly string[]).includes(key)) {
        const near = KEYS.find((k) => k.replace(/-/g, '') === key.toLowerCase().replace(/[-_]/g, ''));
        unknownKey ??= `unknown key '${key}' on line ${keyLine}${near ? ` (did you mean '${near}'?)` : ''}; the keys are ${KEYS.join(', ')}`;
        continue;
      }
      const node = pair.value as Node | null;
      const value = node && isSeq(node) ? node.toJSON() : isScalar(node) ? node.value : node?.toJSON();
      if ((key === 'url' || key === 'doc-url') && typeof value === 'string') registerUrlQuery(value.trim());
      values.set(key, { value, line: node ? lineOf(node) : keyLine });
    }
    const get = (key: (typeof KEYS)[number]) => values.get(key);
    const str = (key: (typeof KEYS)[number]): string | undefined => {
      const entry = get(key);
      if (entry === undefined || entry.value === null || entry.value === undefined) return undefined;
      if (typeof entry.value !== 'string' || !entry.value.trim())
        fail(`${where}: '${key}' on line ${entry.line} must be a non-empty text`);
      return entry.value.trim();
    };

    const url = str('url');
    if (!url)
      fail(
        `${at}${unknownKey ? `: ${unknownKey}` : " has no 'url'; give the https URL the Store downloads the installer from"}`,
      );
    const urlProblem = httpsProblem(url);
    if (urlProblem) fail(`${at}: 'url' ${urlProblem}`);
    where = `${at} ${urlWithoutQuery(url)}`;
    if (unknownKey) fail(`${where}: ${unknownKey}`);
    const msix = msixExtensionOf(url);
    if (msix) fail(`${where}: ${msixAdvice(`the url names a ${msix} file`)}`);
    const earlier = seen.get(url);
    if (earlier !== undefined) fail(`${where}: the url is already listed as item ${earlier}; list each installer once`);
    seen.set(url, index);

    const arch = str('architecture');
    if (!arch) fail(`${where} has no 'architecture'; use one of ${ARCHITECTURES.join(', ')}`);
    const architecture = arch.toLowerCase() as Architecture;
    if (!ARCHITECTURES.includes(architecture))
      fail(`${where}: 'architecture' is '${arch}'; use one of ${ARCHITECTURES.join(', ')}`);

    const languages = parseLanguages(get('languages'), where);

    const given = str('type')?.toLowerCase();
    if (given !== undefined && given !== 'msi' && given !== 'exe')
      fail(`${where}: 'type' is '${given}'; use msi or exe`);
    const fromUrl = typeFromUrl(url);
    if (given && fromUrl && given !== fromUrl) {
      fail(
        `${where}: 'type' is ${given} but the url names a .${fromUrl} file; an installer declared with the wrong type is run the wrong way by the Store`,
      );
    }
    const type = (given ?? fromUrl) as InstallerType | undefined;
    if (!type) fail(`${where}: the url does not end in .msi or .exe; set 'type: msi' or 'type: exe'`);

    const silentEntry = get('silent');
    if (silentEntry && typeof silentEntry.value !== 'boolean')
      fail(`${where}: 'silent' on line ${silentEntry.line} must be true or false`);
    const installerParameters = str('installer-parameters');
    const silent = silentEntry ? (silentEntry.value as boolean) : type === 'msi';
    if (!silent && !installerParameters) {
      fail(
        type === 'exe'
          ? `${where}: an exe needs 'installer-parameters' (the switches that make it install silently, e.g. /S or /quiet), or 'silent: true' when it needs none`
          : `${where}: 'silent: false' needs 'installer-parameters'`,
      );
    }

    const docUrl = str('doc-url');
    if (type === 'exe' && !docUrl)
      fail(`${where}: an exe needs 'doc-url', the https page that documents its error codes (the Store requires it)`);
    if (docUrl) {
      const docProblem = httpsProblem(docUrl);
      if (docProblem) fail(`${where}: 'doc-url' ${docProblem}`);
    }

    installers.push({
      url,
      architecture,
      languages,
      type,
      silent,
      ...(installerParameters ? { installerParameters } : {}),
      ...(docUrl ? { docUrl } : {}),
      line,
      index,
    });
  });
  return installers;
}

function parseLanguages(entry: { value: unknown; line: number } | undefined, where: string): string[] {
  if (!entry || entry.value === null || entry.value === undefined)
    fail(`${where} has no 'languages'; list the installer's languages, e.g. languages: [en-us]`);
  const raw =
    typeof entry.value === 'string' ? entry.value.split(',') : Array.isArray(entry.value) ? entry.value : undefined;
  if (!raw) fail(`${where}: 'languages' on line ${entry.line} must be a list of language tags, e.g. [en-us, de-de]`);
  const languages: string[] = [];
  for (const value of raw) {
    if (typeof value !== 'string' || !LANGUAGE.test(value.trim().toLowerCase())) {
      fail(`${where}: '${String(value)}' in 'languages' on line ${entry.line} is not a language tag such as en-us`);
    }
    const tag = value.trim().toLowerCase();
    if (!languages.includes(tag)) languages.push(tag);
  }
  if (languages.length === 0) fail(`${where}: 'languages' on line ${entry.line} is empty; list at least one language`);
  return languages;
}

/** The package objects of PUT `/packages` for these installers, in order. Pure. */
export function toPackages(installers: readonly Installer[]): InstallerPackage[] {
  return installers.map((i) => ({
    packageUrl: i.url,
    languages: [...i.languages],
    architectures: [API_ARCHITECTURE[i.architecture]],
    isSilentInstall: i.silent,
    ...(i.installerParameters ? { installerParameters: i.installerParameters } : {}),
    ...(i.docUrl ? { genericDocUrl: i.docUrl } : {}),
    packageType: i.type,
  }));
}
