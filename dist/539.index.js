export const id = 539;
export const ids = [539];
export const modules = {

/***/ 83916:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   De: () => (/* binding */ TitledError),
/* harmony export */   dZ: () => (/* binding */ UnownedSubmissionError),
/* harmony export */   dz: () => (/* binding */ InputError),
/* harmony export */   gJ: () => (/* binding */ errorMessage),
/* harmony export */   qo: () => (/* binding */ StoreApiError),
/* harmony export */   u5: () => (/* binding */ SubmissionFailedError)
/* harmony export */ });
/**
 * Error types shared by every layer. Each one carries what a release engineer needs to act on it;
 * none carries a secret (messages are built from redacted parts only).
 */
/** A bad action input, detected before anything is sent to the Store. */
class InputError extends Error {
    input;
    problem;
    constructor(
    /** The action input at fault, e.g. `rollout-percentage`. */
    input, 
    /** What is wrong and how to fix it. */
    problem) {
        super(`Input '${input}': ${problem}`);
        this.input = input;
        this.problem = problem;
        this.name = 'InputError';
    }
}
/**
 * A failure that is not an input error but has a kind worth a title of its own on the `::error::`
 * annotation (e.g. an installer URL that does not answer); the message says the rest.
 */
class TitledError extends Error {
    title;
    constructor(
    /** The annotation's title, a few words: what kind of failure this is. */
    title, message) {
        super(message);
        this.title = title;
        this.name = 'TitledError';
    }
}
/** An error answer from the Store submission API (or the token authority). */
class StoreApiError extends Error {
    httpStatus;
    call;
    code;
    storeMessage;
    target;
    correlationId;
    hint;
    constructor(httpStatus, 
    /** The call, e.g. `PUT applications/9N.../submissions/115...`, without any query string. */
    call, code, storeMessage, target, correlationId, hint) {
        super(StoreApiError.describe(httpStatus, call, code, storeMessage, target, correlationId, hint));
        this.httpStatus = httpStatus;
        this.call = call;
        this.code = code;
        this.storeMessage = storeMessage;
        this.target = target;
        this.correlationId = correlationId;
        this.hint = hint;
        this.name = 'StoreApiError';
    }
    static describe(httpStatus, call, code, message, target, correlationId, hint) {
        const parts = [`${call} failed with HTTP ${httpStatus}`];
        if (code)
            parts.push(`code ${code}`);
        if (target)
            parts.push(`target ${target}`);
        let text = parts.join(', ');
        if (message)
            text += `: ${message}`;
        if (correlationId)
            text += ` (MS-CorrelationId ${correlationId})`;
        // The Store's message usually ends its own sentence; the hint starts a new one.
        if (hint)
            text += `${/[.!?]$/.test(text) ? '' : '.'} Hint: ${hint}`;
        return text;
    }
}
/** The Store reported a failed submission (CommitFailed, CertificationFailed, ...). */
class SubmissionFailedError extends Error {
    submissionId;
    status;
    constructor(submissionId, status, detail) {
        super(`Submission ${submissionId} ended in ${status}${detail ? `: ${detail}` : ''}`);
        this.submissionId = submissionId;
        this.status = status;
        this.name = 'SubmissionFailedError';
    }
}
/**
 * Normalises anything thrown into a message, so non-Error values are never swallowed. An error from
 * another realm (Node's fs errors under a VM, as in jest) fails instanceof but keeps its message.
 */
function errorMessage(error) {
    if (error instanceof Error)
        return error.message;
    if (typeof error === 'object' && error !== null && typeof error.message === 'string')
        return error.message;
    if (typeof error === 'string')
        return error;
    try {
        return JSON.stringify(error);
    }
    catch {
        return String(error);
    }
}
/**
 * A pending submission this run cannot show is its own: its create answer was lost and a pending
 * submission appeared, which another run on the same product may have made.
 */
class UnownedSubmissionError extends Error {
    submissionId;
    constructor(submissionId, target) {
        super(`The create call's answer was lost, and submission ${submissionId} is now pending; another run on the same ${target.kind === 'add-on' ? 'add-on' : 'app'} may have made it, ` +
            "so this run does not write into it. If no other run works on it, delete it (Partner Center, or 'on-pending: delete') and run again. " +
            "Give each product's workflow a 'concurrency' group (e.g. 'concurrency: store-<app-id>') so two runs never submit at once.");
        this.submissionId = submissionId;
        this.name = 'UnownedSubmissionError';
    }
}


/***/ }),

/***/ 2539:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  run: () => (/* binding */ run)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 13 modules
var core = __webpack_require__(77094);
;// CONCATENATED MODULE: ./src/log.ts
/**
 * Characters a runner may skip before it looks for `::` at the start of a line: .NET trims
 * Unicode white space; control and zero-width characters are added so that nothing invisible
 * can hide a command from this check.
 */
const SKIPPED = '[\\s\\u0000-\\u001f\\u007f-\\u009f\\u180e\\u200b-\\u200f\\u2028\\u2029\\u2060\\ufeff]*';
/** A line break as the runner reads lines (\r\n, \r, \n), and the Unicode breaks a viewer may show. */
const LINE_BREAK = /\r\n|[\r\n\u0085\u2028\u2029]/;
/** `::` opening a line (after skippable characters): a workflow command (`::error`, `::stop-commands::`, `::add-mask::`, `::set-output`, ...). */
const COMMAND_AT_LINE_START = new RegExp(`(^|\\r\\n|[\\r\\n\\u0085\\u2028\\u2029])(${SKIPPED}):(?=:)`, 'g');
/** `##[` anywhere: the runner's older command form (`##[error]`, `##[set-output ...]`) and log-viewer tags. */
const LEGACY_COMMAND = /##\[/g;
/**
 * Makes `text` safe to print as one or more lines of workflow output: a line that would open with
 * `::` opens with `%3A:` instead, and `##[` becomes `#%23[` (`%3A` and `%23` are the runner's own
 * escapes for `:` and `#`). Everything else is kept, line breaks included, so the text reads as
 * before. Idempotent: neutralising twice gives the same text.
 */
function neutralise(text) {
    return text.replace(COMMAND_AT_LINE_START, '$1$2%3A').replace(LEGACY_COMMAND, '#%23[');
}
/** `text` on one line, line breaks shown as `\n` (for titles, which the runner shows on one line). */
function oneLine(text) {
    return text.split(LINE_BREAK).join('\\n');
}
/**
 * Wraps `sink` so that every message is first passed through `redact` (the run's secret masking)
 * and then neutralised. The one path every log line of a run takes.
 */
function guardedLogger(sink, redact) {
    const guard = (text) => neutralise(redact(text));
    return {
        info: (message) => sink.info(guard(message)),
        warning: (message) => sink.warning(guard(message)),
        debug: (message) => sink.debug(guard(message)),
    };
}

;// CONCATENATED MODULE: ./src/redact.ts
/**
 * Removes secrets from any text before it can reach a log line, an error message, an output, the
 * job summary or the run record. Two layers: values registered at run time (client secret, tokens,
 * the SAS signature), in every encoding they could be printed in, and patterns that catch a secret
 * the run never saw as a value (a `sig=` query parameter, a bearer header).
 */
const MASK = '***';
/** The SAS query parameters and auth headers that grant access, whatever their value. */
const SECRET_PATTERNS = [
    // After '?', '&', '; ' or a space alike: Azure's error texts quote it as "; signature=<value>".
    /(\b(?:sig|signature)=["']?)[^&;\s"'<>)]+/gi,
    /(Bearer\s+)[A-Za-z0-9\-._~+/]+=*/g,
    /((?:client_secret|client_assertion|access_token|id_token)["']?\s*[=:]\s*["']?)[^&\s"',}]+/gi,
];
class SecretRegistry {
    values = new Set();
    listeners = [];
    /** Called for every new secret value, e.g. to pass it to `core.setSecret`. */
    onSecret(listener) {
        this.listeners.push(listener);
        for (const value of this.values)
            listener(value);
    }
    /** Registers a secret and the encoded forms it could appear in. Values shorter than 4 characters are ignored (masking them would mangle ordinary text). */
    add(secret) {
        if (!secret || secret.length < 4)
            return;
        for (const form of encodedForms(secret)) {
            if (form.length < 4 || this.values.has(form))
                continue;
            this.values.add(form);
            for (const listener of this.listeners)
                listener(form);
        }
    }
    /** Replaces every registered secret and every secret-shaped pattern in `text`. */
    redact(text) {
        let result = text;
        // Longest first, so a secret that contains another is removed whole.
        for (const value of [...this.values].sort((a, b) => b.length - a.length)) {
            result = result.split(value).join(MASK);
        }
        for (const pattern of SECRET_PATTERNS)
            result = result.replace(pattern, `$1${MASK}`);
        return result;
    }
    /** Forgets every value (tests only). */
    clear() {
        this.values.clear();
        this.listeners.length = 0;
    }
}
function encodedForms(secret) {
    // '+' read as a space is how a URL query parser shows a raw '+' (a SAS signature's).
    const forms = new Set([secret, encodeURIComponent(secret), secret.replace(/\+/g, '%2B'), secret.replace(/\+/g, ' ')]);
    forms.add(new URLSearchParams({ v: secret }).toString().slice(2));
    forms.add(JSON.stringify(secret).slice(1, -1));
    return [...forms];
}
/** The one registry of the run. */
const secrets = new SecretRegistry();
/** `text` percent-decoded; `text` itself when it holds a broken escape. */
function decoded(text) {
    try {
        return decodeURIComponent(text);
    }
    catch {
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
function registerUrlQuery(url) {
    const cut = url.search(/[?#]/);
    if (cut === -1)
        return;
    // The fragment too: a signed download link may carry its token there.
    secrets.add(url.slice(cut + 1));
    if (url[cut] !== '?')
        return;
    const query = url.slice(cut + 1).split('#')[0] ?? '';
    secrets.add(query);
    for (const pair of query.split('&')) {
        const equals = pair.indexOf('=');
        if (equals === -1)
            continue;
        // The pair too: a value too short to mask alone (`b` of `sks=b`) is masked with its name.
        secrets.add(pair);
        const value = pair.slice(equals + 1);
        for (const form of [value, decoded(value), decoded(value.replace(/\+/g, ' '))])
            secrets.add(form);
    }
}
/** Shows a URL without its query (an upload URL's query is a SAS that grants write access). */
function urlWithoutQuery(url) {
    const cut = url.search(/[?#]/);
    return cut === -1 ? url : `${url.slice(0, cut)}?…`;
}

;// CONCATENATED MODULE: ./src/actions-log.ts
/**
 * The runner's side of the one logging path: `@actions/core`'s log behind `guardedLogger`, and the
 * two other ways text reaches the runner's output, group titles and the error annotation, through
 * the same masking and neutralising. `main.ts` is the only user; inner layers get a `Logger`.
 */



/** The runner's log as a Logger, unguarded: use it only through `guardedLogger`. */
const runnerSink = {
    info: (message) => core/* info */.pq(message),
    warning: (message) => core/* warning */.$e(message),
    debug: (message) => core/* debug */.Yz(message),
};
/** A line of text as it may reach the output: secrets masked, no workflow command in it. */
function safeText(text) {
    return neutralise(secrets.redact(text));
}
/** The run's logger: every line masked and neutralised. `sink` (tests) replaces the runner's log. */
function runLogger(sink = runnerSink) {
    return guardedLogger(sink, (text) => secrets.redact(text));
}
/** Runs `work` as a collapsible log group whose title is one masked, neutralised line. */
function logGroup(title, work) {
    return core/* group */.Os(oneLine(safeText(title)), work);
}
/**
 * The annotation title of an input error. The message names the input ("Input 'x': ..."); a title
 * that named it again would read "Input 'x': Input 'x': ..." wherever both are shown.
 */
const INPUT_ERROR_TITLE = 'Invalid input';
/**
 * Writes the run's `::error::` annotation, its message masked and neutralised like every other
 * line; `annotation` places it (file, 1-based line and column) and titles it.
 */
function logError(message, annotation) {
    const properties = annotation && {
        ...annotation,
        ...(annotation.title === undefined ? {} : { title: oneLine(safeText(annotation.title)) }),
    };
    core/* error */.z3(safeText(message), properties);
}

// EXTERNAL MODULE: ./src/errors.ts
var src_errors = __webpack_require__(83916);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
;// CONCATENATED MODULE: ./src/paths.ts
/** Where a path lies: the one check behind "files are read only where the user pointed" (docs/contract.md). */


/**
 * Whether the absolute path `child` is the folder `within` or lies inside it, by the paths'
 * text: resolve symbolic links first (realpath) to judge where a file really is. `..` segments
 * are resolved, so `/w/../a` is not inside `/w`, while a name that merely starts with `..`
 * (`/w/..a`) is. `paths` gives the path rules, this platform's by default; `path.win32` judges
 * Windows paths (either separator; another drive is outside).
 */
function isInside(child, where) {
    const paths = where.paths ?? (external_node_path_default());
    const relative = paths.relative(where.within, child);
    if (relative === '')
        return true;
    const [first] = relative.split(paths.sep);
    return first !== '..' && !paths.isAbsolute(relative);
}
/** The real path of an existing file or folder (every symbolic link resolved); `file` itself when it cannot be resolved. */
function realPath(file) {
    try {
        return (0,external_node_fs_.realpathSync)(file);
    }
    catch {
        return file;
    }
}
/**
 * Where the absolute path `file` really lies (realPath) and whether that is inside the real path of
 * the folder `within`: the rule for every file an input names, so a link or a `..` cannot lead out.
 */
function realPlace(file, within) {
    const real = realPath(file);
    return { real, inside: isInside(real, { within: realPath(within) }) };
}

// EXTERNAL MODULE: ./node_modules/jsonc-parser/lib/umd/main.js
var main = __webpack_require__(99547);
;// CONCATENATED MODULE: ./src/json.ts
function isJsonObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/**
 * A deep copy, so pure functions never mutate their input. A JSON round trip rather than
 * `structuredClone`: the copy's objects come from the caller's own realm, so deep equality
 * (`util.isDeepStrictEqual`, which compares prototypes) holds between a copy and a literal.
 */
function cloneJson(value) {
    return JSON.parse(JSON.stringify(value));
}

;// CONCATENATED MODULE: ./src/inputs/json.ts
/**
 * JSON given to an input, inline or as a file: parsed by `JSON.parse`, with the line and column of
 * a syntax error found by `jsonc-parser` (Node's messages often name no position).
 */



/**
 * Deepest nesting accepted. Store resources are a few levels deep; a document nested thousands of
 * levels would overflow the stack of every recursive walk after parsing.
 */
const MAX_JSON_DEPTH = 64;
/** A JSON syntax error, with the place it points at so the log can annotate the file. */
class JsonSyntaxError extends src_errors/* InputError */.dz {
    file;
    position;
    constructor(input, problem, file, position) {
        super(input, problem);
        this.file = file;
        this.position = position;
    }
}
/** The 1-based line and column of a character offset. */
function lineAndColumn(text, offset) {
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    return { line, column: offset - before.lastIndexOf('\n') };
}
/** Where strict JSON first goes wrong, and why, as `jsonc-parser` reports it with comments and trailing commas refused. */
function firstSyntaxError(text) {
    const errors = [];
    try {
        (0,main.parse)(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    }
    catch {
        return undefined;
    }
    const first = errors[0];
    return first && { offset: first.offset, reason: (0,main.printParseErrorCode)(first.error) };
}
/** How deep objects and arrays nest, walked without recursion; stops counting past `limit`. */
function nestingDepth(value, limit) {
    let deepest = 0;
    const stack = [[value, 0]];
    while (stack.length > 0) {
        const [current, depth] = stack.pop();
        if (current === null || typeof current !== 'object')
            continue;
        deepest = Math.max(deepest, depth + 1);
        if (deepest > limit)
            return deepest;
        for (const child of Array.isArray(current) ? current : Object.values(current))
            stack.push([child, depth + 1]);
    }
    return deepest;
}
/**
 * Parses a JSON object. Throws JsonSyntaxError with the line and column of a syntax error, and
 * InputError when the value is not an object or nests deeper than MAX_JSON_DEPTH.
 */
function parseJsonText(input, text, file) {
    let parsed;
    try {
        parsed = JSON.parse(text);
    }
    catch (error) {
        const found = firstSyntaxError(text);
        const where = found && lineAndColumn(text, found.offset);
        const location = [file, where && `line ${where.line}, column ${where.column}`].filter(Boolean).join(': ');
        // Node quotes a snippet of the text after its reason; the position says more.
        const nodeReason = error.message
            .split('\n')[0]
            ?.replace(/, (\.\.\.)?"[\s\S]*$/, '')
            .replace(/ in JSON at position.*$/, '');
        throw new JsonSyntaxError(input, `is not valid JSON${location ? ` (${location})` : ''}: ${nodeReason ?? found?.reason}.`, file, where);
    }
    if (!isJsonObject(parsed))
        throw new src_errors/* InputError */.dz(input, 'must be a JSON object ({ ... }).');
    if (nestingDepth(parsed, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
        throw new src_errors/* InputError */.dz(input, `nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep; a Store resource is a few levels deep, so this is not one.`);
    }
    return parsed;
}

;// CONCATENATED MODULE: ./src/inputs/names.ts
/**
 * The one table of the action's inputs: every name `action.yml` declares, with the default the
 * runner fills in when a workflow leaves it out. A test keeps it equal to `action.yml`. Every other
 * place names an input through `InputName`, so a misspelt name does not compile.
 */
const INPUT_DEFAULTS = {
    'tenant-id': '',
    'client-id': '',
    'client-secret': '',
    'authority-url': 'https://login.microsoftonline.com',
    'api-url': 'https://manage.devcenter.microsoft.com',
    command: 'submit',
    'app-id': '',
    'flight-id': '',
    'add-on-id': '',
    'submission-id': '',
    'submission-json': '',
    'content-root': '',
    packages: '',
    'replace-packages': 'false',
    'keep-package-versions': '',
    'zip-path': '',
    listings: '',
    'release-notes': '',
    'notes-for-certification': '',
    'target-publish-mode': '',
    'target-publish-date': '',
    'rollout-percentage': '',
    'mandatory-update': '',
    'mandatory-update-date': '',
    'on-pending': 'fail',
    'existing-rollout': 'fail',
    'wait-for': 'commit',
    'timeout-minutes': '60',
    'poll-interval-seconds': '30',
    'dry-run': 'false',
    commit: 'true',
    'if-unchanged': 'fail',
    'flight-name': '',
    'flight-groups': '',
    'rank-higher-than': '',
    'flight-json': '',
    'add-on-json': '',
    'rollout-action': '',
    'artifact-name': 'store-submission-record',
    'seller-id': '',
    installers: '',
};
const INPUT_NAMES = Object.keys(INPUT_DEFAULTS);

;// CONCATENATED MODULE: ./src/inputs/reader.ts
/**
 * Reads raw action inputs and turns each into a typed value, or throws InputError naming the input
 * and saying how to fix it. Commands declare which inputs they take and parse them with these
 * readers; nothing else reads an input.
 */






const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STORE_ID = /^[0-9A-Z]{12}$/;
/** An ISO 8601 date-time: date, time to the minute or finer, and the zone (group 8) if any. */
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})?)?$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
class InputReader {
    source;
    env;
    /** Absolute workspace folder; relative paths in inputs are resolved against it. */
    workspace;
    constructor(source, 
    /** The run's environment: GITHUB_WORKSPACE, and whether GitHub offers an OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL). */
    env = process.env) {
        this.source = source;
        this.env = env;
        this.workspace = external_node_path_default().resolve(env.GITHUB_WORKSPACE || process.cwd());
    }
    /** The value as given, untrimmed. */
    raw(name) {
        return this.source(name);
    }
    /** Trimmed value; '' when not given. */
    text(name) {
        return this.source(name).trim();
    }
    /**
     * Whether the workflow gave a value. The runner passes `action.yml` defaults as if given, so only
     * a value other than the default counts.
     */
    isSet(name) {
        const value = this.text(name);
        return value !== '' && value !== INPUT_DEFAULTS[name];
    }
    /** Free text kept as written but for trailing white space; undefined when blank. */
    prose(name) {
        const value = this.source(name);
        return value.trim() ? value.replace(/\s+$/, '') : undefined;
    }
    /** One of `allowed`, matched without regard to case; `fallback` when not given. */
    choice(name, allowed, fallback) {
        return this.optionalChoice(name, allowed) ?? fallback;
    }
    optionalChoice(name, allowed) {
        const value = this.text(name);
        if (value === '')
            return undefined;
        const found = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
        if (!found)
            throw new src_errors/* InputError */.dz(name, `'${value}' is not one of ${allowed.map((a) => `'${a}'`).join(', ')}.`);
        return found;
    }
    bool(name) {
        const value = this.text(name);
        if (value === '')
            return undefined;
        if (/^(true|yes|1)$/i.test(value))
            return true;
        if (/^(false|no|0)$/i.test(value))
            return false;
        throw new src_errors/* InputError */.dz(name, `'${value}' is not a boolean; use 'true' or 'false'.`);
    }
    /** A decimal number from `min` to `max`; `what` names the unit in the error, e.g. "a number of minutes". */
    number(name, min, max, what) {
        const value = this.text(name);
        if (value === '')
            return undefined;
        const parsed = Number(value);
        if (!DECIMAL.test(value) || !Number.isFinite(parsed) || parsed < min || parsed > max) {
            throw new src_errors/* InputError */.dz(name, `'${value}' is not ${what} from ${min} to ${max}.`);
        }
        return parsed;
    }
    /** A future ISO 8601 date-time with its zone (see futureDateTime), returned in UTC (`2027-12-01T08:00:00.000Z`). */
    dateTime(name) {
        const value = this.text(name);
        if (value === '')
            return undefined;
        const parsed = futureDateTime(value, new Date());
        if ('problem' in parsed)
            throw new src_errors/* InputError */.dz(name, parsed.problem);
        return parsed.iso;
    }
    /** An absolute http(s) URL without query or fragment, trailing slashes dropped. */
    url(name) {
        const value = this.text(name) || INPUT_DEFAULTS[name];
        let parsed;
        try {
            parsed = new URL(value);
        }
        catch {
            throw new src_errors/* InputError */.dz(name, `'${value}' is not a URL; give an absolute http(s) URL.`);
        }
        if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
            throw new src_errors/* InputError */.dz(name, `'${value}' must be an http(s) URL.`);
        if (parsed.search || parsed.hash)
            throw new src_errors/* InputError */.dz(name, 'must not have a query or fragment.');
        return value.replace(/\/+$/, '');
    }
    /** A 12-character Store ID, upper-cased. */
    storeId(name) {
        const value = this.text(name);
        if (value === '')
            return undefined;
        const upper = value.toUpperCase();
        if (!STORE_ID.test(upper)) {
            throw new src_errors/* InputError */.dz(name, `'${value}' is not a Store ID; it has 12 letters and digits, like 9NBLGGH4R315 (Partner Center > Product identity).`);
        }
        return upper;
    }
    /** A GUID; `what` says which ID it is, e.g. "a flight ID (a GUID, as create-flight outputs)". */
    guid(name, what) {
        const value = this.text(name);
        if (value === '')
            return undefined;
        if (!GUID.test(value))
            throw new src_errors/* InputError */.dz(name, `'${value}' is not ${what}.`);
        return value;
    }
    /** Items separated by `separators`, trimmed, blank and `#` comment items dropped. */
    list(name, separators) {
        return this.source(name)
            .split(separators)
            .map((s) => s.trim())
            .filter((s) => s !== '' && !s.startsWith('#'));
    }
    /** Inline JSON (starting with `{` or `[`) or the path of a JSON file, relative to the workspace. */
    json(name) {
        const value = this.source(name);
        if (value.trim() === '')
            return undefined;
        if (/^\s*[[{]/.test(value))
            return { value: parseJsonText(name, value) };
        const file = external_node_path_default().resolve(this.workspace, value.trim());
        if (!(0,external_node_fs_.existsSync)(file) || !(0,external_node_fs_.statSync)(file).isFile()) {
            throw new src_errors/* InputError */.dz(name, `'${value}' is neither inline JSON nor an existing file (looked for ${file}).`);
        }
        this.insideWorkspace(name, value.trim(), file);
        return { value: parseJsonText(name, (0,external_node_fs_.readFileSync)(file, 'utf8').replace(/^\uFEFF/, ''), file), file };
    }
    /** An existing file or folder, relative to the workspace; absolute path. */
    existing(name, kind) {
        const value = this.text(name);
        if (value === '')
            return undefined;
        const resolved = external_node_path_default().resolve(this.workspace, value);
        const ok = (0,external_node_fs_.existsSync)(resolved) && (kind === 'file' ? (0,external_node_fs_.statSync)(resolved).isFile() : (0,external_node_fs_.statSync)(resolved).isDirectory());
        if (!ok)
            throw new src_errors/* InputError */.dz(name, `'${value}' is not an existing ${kind} (looked for ${resolved}).`);
        this.insideWorkspace(name, value, resolved);
        return resolved;
    }
    /**
     * Throws InputError when the real path of `resolved` (what the input `value` names, every
     * symbolic link followed) lies outside the workspace: inputs name files of the workspace only,
     * so a link or a `..` in a pull request cannot send the runner's other files to the Store.
     */
    insideWorkspace(name, value, resolved) {
        const { real, inside } = realPlace(resolved, this.workspace);
        if (inside)
            return;
        throw new src_errors/* InputError */.dz(name, `'${value}' resolves to ${real}, outside the workspace (${this.workspace}). Files are read only from the workspace: copy the file or folder into it instead of linking to it or naming a path outside.`);
    }
}
/** The days of `month` (1-12) in `year`. */
function daysInMonth(year, month) {
    return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
/** What does not exist in a date-time ISO_DATE_TIME matched (year 0000, month 13, 2027-02-30, hour 24), or undefined. */
function impossiblePart(match) {
    const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((group) => Number(match[group] ?? 0));
    if (year === 0)
        return 'there is no year 0000';
    if (month < 1 || month > 12)
        return `there is no month ${match[2]}`;
    const days = daysInMonth(year, month);
    if (day < 1 || day > days)
        return `${match[1]}-${match[2]} has ${days} days`;
    if (hour > 23 || minute > 59 || second > 59)
        return `${match[4]}:${match[5]}:${match[6] ?? '00'} (hour ${match[4]}) is not a time of day`;
    return undefined;
}
/**
 * Parses an ISO 8601 date-time the Store will read as given: `YYYY-MM-DDThh:mm[:ss[.f]]` with a
 * zone, `Z` or `±hh:mm`. Refused, with a problem text that quotes `value`: any other shape; a date
 * or time that does not exist (`2027-02-30`, hour 24, year 0000; JavaScript would shift them to
 * another day); no zone (it would be read in the runner's zone, not the author's); an offset
 * beyond ±14:00; a moment not after `now`. Returns the moment in UTC (`toISOString`).
 */
function futureDateTime(value, now) {
    const example = 'write it in ISO 8601 like 2027-12-01T09:00:00Z (UTC) or 2027-12-01T10:00:00+01:00';
    const match = ISO_DATE_TIME.exec(value);
    if (!match)
        return { problem: `'${value}' is not an ISO 8601 date-time; ${example}.` };
    const impossible = impossiblePart(match);
    if (impossible)
        return { problem: `'${value}' is not a date that exists: ${impossible}; ${example}.` };
    const zone = match[8];
    if (!zone) {
        return {
            problem: `'${value}' has no time zone, so it would be read in the runner's zone rather than yours; end it with Z (UTC) or an offset such as +01:00.`,
        };
    }
    if (zone !== 'Z' && zone !== 'z' && (Number(zone.slice(1, 3)) > 14 || Number(zone.slice(4)) > 59)) {
        return { problem: `'${value}' has the offset ${zone}, which no time zone has (offsets go from -12:00 to +14:00).` };
    }
    const moment = new Date(value);
    if (moment.getTime() <= now.getTime()) {
        return {
            problem: `'${value}' is in the past (it is now ${now.toISOString()}); give a date-time still to come.`,
        };
    }
    return { iso: moment.toISOString() };
}

;// CONCATENATED MODULE: ./src/inputs/common.ts
/**
 * The inputs every command takes (sign-in, the API, the time bound, the run record) and the product
 * inputs (`app-id`, `flight-id`, `add-on-id`), parsed once. Each command parses the rest itself.
 */


/**
 * Inputs that apply to every command. `wait-for` and `poll-interval-seconds` are run settings a
 * workflow may set for every step; commands that do not wait have nothing to apply them to.
 */
const COMMON_INPUTS = [
    'tenant-id',
    'client-id',
    'client-secret',
    'authority-url',
    'api-url',
    'command',
    'timeout-minutes',
    'artifact-name',
    'wait-for',
    'poll-interval-seconds',
];
/**
 * Why an empty `client-secret` fails when GitHub offers no OIDC token either: the likely causes of
 * the empty value first, then the secretless alternative.
 */
const EMPTY_CLIENT_SECRET = 'is empty, and this job has no GitHub OIDC token to sign in with instead. ' +
    'An empty value usually means the secret is missing or misspelled: check the name in ${{ secrets.NAME }} against the repository secrets ' +
    "(and the environment's, for a job with 'environment:'); pull requests from forks get no secrets at all. " +
    "To sign in without a secret, give the job 'permissions: id-token: write' and add a federated credential to the Entra app (see the README, 'Secretless sign-in'); " +
    'fork pull requests get no OIDC token either.';
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](-*[a-z0-9])*)(\.[a-z0-9](-*[a-z0-9])*)+$/i;
function readCommonInputs(read) {
    const tenantId = read.text('tenant-id');
    if (!tenantId)
        throw new src_errors/* InputError */.dz('tenant-id', 'is required: the Entra ID tenant of your Partner Center account (a GUID).');
    if (!GUID.test(tenantId) && !DOMAIN.test(tenantId)) {
        throw new src_errors/* InputError */.dz('tenant-id', 'is neither a GUID nor a domain name; copy the Directory (tenant) ID from Entra ID > Overview.');
    }
    const clientId = read.text('client-id');
    if (!clientId)
        throw new src_errors/* InputError */.dz('client-id', 'is required: the Application (client) ID of the Entra app added to Partner Center.');
    if (!GUID.test(clientId))
        throw new src_errors/* InputError */.dz('client-id', `'${clientId}' is not a GUID; copy the Application (client) ID from Entra ID > App registrations.`);
    const artifactName = read.text('artifact-name');
    if (/[":<>|*?\\/\r\n]/.test(artifactName)) {
        throw new src_errors/* InputError */.dz('artifact-name', `'${artifactName}' contains a character artifact names cannot have (" : < > | * ? \\ /).`);
    }
    const clientSecret = read.raw('client-secret');
    if (clientSecret.trim() === '' && !read.env.ACTIONS_ID_TOKEN_REQUEST_URL)
        throw new src_errors/* InputError */.dz('client-secret', EMPTY_CLIENT_SECRET);
    return {
        tenantId,
        clientId,
        clientSecret,
        authorityUrl: read.url('authority-url'),
        apiUrl: read.url('api-url'),
        timeoutMinutes: read.number('timeout-minutes', 0.05, 7 * 24 * 60, 'a number of minutes') ?? 60,
        artifactName,
    };
}
/**
 * `app-id`: the Store ID of an MSIX app (12 letters and digits, upper-cased), or the product ID GUID
 * of an MSI/EXE product (lower-cased); undefined when not given. Throws InputError for anything else.
 */
function readAppId(read) {
    const value = read.text('app-id');
    if (value === '')
        return undefined;
    if (GUID.test(value))
        return { productId: value.toLowerCase() };
    if (!STORE_ID.test(value.toUpperCase())) {
        throw new src_errors/* InputError */.dz('app-id', `'${value}' is not a Store ID (12 letters and digits, like 9NBLGGH4R315: Partner Center > Product identity), and not the product ID GUID of an MSI/EXE product either (like 0c6a4d3e-7f21-4b8e-9d55-2f0e6c1b9a7d).`);
    }
    return { storeId: value.toUpperCase() };
}
/** `app-id` as an MSIX app's Store ID, for the MSIX commands; `command` names the command in the error for a GUID. */
function readStoreAppId(read, command) {
    const app = readAppId(read);
    if (app && 'productId' in app) {
        throw new src_errors/* InputError */.dz('app-id', `'${app.productId}' is the product ID of an MSI/EXE product; '${command}' of an MSIX app, flight or add-on needs its Store ID (12 letters and digits).`);
    }
    return app?.storeId;
}
/** The product kind the product inputs name (before they are checked): what input applicability is judged by. */
function productKindOf(read) {
    if (GUID.test(read.text('app-id')))
        return 'installer';
    if (read.isSet('add-on-id'))
        return 'add-on';
    if (read.isSet('flight-id'))
        return 'flight';
    return 'app';
}
/**
 * The product a command works on, from `app-id`, `flight-id` and `add-on-id`; `command` names the
 * command in the error when no product is given.
 */
function readTarget(read, command) {
    const appId = readStoreAppId(read, command);
    const flightId = read.guid('flight-id', 'a flight ID (a GUID, as create-flight outputs)');
    const addOnId = read.storeId('add-on-id');
    if (flightId && addOnId)
        throw new src_errors/* InputError */.dz('flight-id', "give either 'flight-id' or 'add-on-id', not both.");
    if (flightId) {
        if (!appId)
            throw new src_errors/* InputError */.dz('app-id', "is required with 'flight-id' (the app the flight belongs to).");
        return { kind: 'flight', appId, flightId };
    }
    if (addOnId)
        return { kind: 'add-on', addOnId };
    if (appId)
        return { kind: 'app', appId };
    throw new src_errors/* InputError */.dz('app-id', `'${command}' needs a product: set 'app-id' (with 'flight-id' for a package flight) or 'add-on-id'.`);
}
/** `submission-id`: digits, as the Store assigns them. */
function readSubmissionId(read) {
    const id = read.text('submission-id');
    if (id && !/^\d{1,25}$/.test(id))
        throw new src_errors/* InputError */.dz('submission-id', `'${id}' is not a submission ID (digits only).`);
    return id || undefined;
}
/** `rollout-percentage`: 0-100, decimals allowed. */
function readRolloutPercentage(read) {
    return read.number('rollout-percentage', 0, 100, 'a percentage');
}

;// CONCATENATED MODULE: ./src/commands/command.ts
/**
 * What a command is: the inputs it takes (beyond the common ones), for which product kinds, how it
 * parses them, and how it runs. Whether an input applies follows from these declarations: a value
 * given to an input the command does not take is an error, never silently ignored.
 */



const ANY_PRODUCT = ['app', 'flight', 'add-on'];
const PACKAGED_PRODUCTS = ['app', 'flight'];
/** MSI/EXE products (a product ID GUID in `app-id`); their commands are modules of their own. */
const INSTALLER_PRODUCT = ['installer'];
const PLURAL = {
    app: 'apps',
    flight: 'package flights',
    'add-on': 'add-ons',
    installer: 'MSI/EXE products',
};
/**
 * Throws InputError for the first input given a value that the command does not take, or does not
 * take for the product kind the inputs name. `all` is every command (MSIX and MSI/EXE modules; a
 * name may be in both), to say which ones take it.
 */
function rejectInapplicable(read, command, all) {
    const kind = productKindOf(read);
    for (const name of INPUT_NAMES) {
        if (COMMON_INPUTS.includes(name) || !read.isSet(name))
            continue;
        if (command.inputs[name]?.includes(kind))
            continue;
        // The kinds that take it with a command of this name, whichever module serves them.
        const kinds = [...new Set(all.filter((c) => c.name === command.name).flatMap((c) => c.inputs[name] ?? []))];
        if (kinds.length === 0) {
            const takers = [...new Set(all.filter((c) => c.inputs[name]).map((c) => `'command: ${c.name}'`))];
            throw new src_errors/* InputError */.dz(name, `applies to ${takers.join(' and ')} only, not '${command.name}'.`);
        }
        throw new src_errors/* InputError */.dz(name, `does not apply to ${PLURAL[kind]} with 'command: ${command.name}', only to ${kinds.map((k) => PLURAL[k]).join(' and ')}.`);
    }
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
;// CONCATENATED MODULE: ./src/hints.ts
/**
 * The one registry of known failure causes and what a release engineer should do about each. A
 * hint is matched on the service's own words and shown next to them, never instead of them.
 */
/** In order: the first cause of the service that matches gives the hint. */
const KNOWN_CAUSES = [
    {
        service: 'store',
        // A 401 that a new token does not cure, or a 403 (the token is valid but not allowed), is the
        // Entra app's standing in Partner Center, whatever words the Store uses for it.
        matches: ({ status, message, afterNewToken, call }) => (status === 401 && (afterNewToken || /APIM|access token/i.test(message))) ||
            (status === 403 && !call.startsWith('Sign-in')),
        hint: 'the access token was rejected; check that the Entra app is added to Partner Center (Account settings > Users > Microsoft Entra applications) with the Manager role',
    },
    {
        service: 'store',
        matches: ({ status, code, message }) => status === 409 && code === 'InvalidState' && /features that are not supported/i.test(message),
        hint: 'this product uses a feature the submission API does not support (mandatory app updates in Partner Center, Store-managed consumable add-ons); submit it in Partner Center instead',
    },
    {
        service: 'store',
        matches: ({ message }) => /'Base' is not a valid PriceId/i.test(message),
        hint: "the product uses Pricing version 2 ('Review price per market'); the API cannot write its price back. Remove 'pricing' from submission-json or submit pricing changes in Partner Center",
    },
    {
        service: 'store',
        // The Store sometimes refuses its own fresh copy with the Partner Center message.
        matches: ({ message, ownSubmission }) => ownSubmission && /created through the API/i.test(message),
        hint: ({ correlationId }) => `this run created the submission through the API moments ago, so the refusal is a fault on the Store's side, not in your inputs or in Partner Center: run again${correlationId ? `; if it happens again, give Microsoft support the MS-CorrelationId ${correlationId}` : ''}`,
    },
    {
        service: 'store',
        // docs/store-api.md#refusals-seen-live: the DELETE (or PUT, or commit) of a Partner Center draft.
        matches: ({ code, message }) => code === 'InvalidOperation' && /created through the API/i.test(message),
        hint: "the pending submission was made in Partner Center, and the API can only update, delete and commit submissions it created itself, so 'on-pending: delete' cannot remove it: delete it in Partner Center (or finish and submit it there), then run again; with 'on-pending: fail' (the default) the run stops before touching such a draft",
    },
    {
        service: 'store',
        matches: ({ status, call }) => status === 404 && /^GET (applications|inappproducts)\/[^/]+(\/flights\/[^/]+)?$/.test(call),
        hint: "the Store knows no such product for this sign-in: check 'app-id' (and 'flight-id' or 'add-on-id'); if it is right, the Entra app belongs to another Partner Center account, or is not added to this one (Account settings > Users > Microsoft Entra applications)",
    },
    {
        service: 'store',
        matches: ({ code, message }) => code === 'InvalidMicrosoftAgeRating' || /age rating/i.test(message),
        hint: 'complete the age ratings questionnaire in Partner Center (the first submission of an app must be made there)',
    },
    {
        service: 'store',
        matches: ({ message }) => /AppListings must be 1 or more/i.test(message),
        hint: 'the submission has no listings; keep the listings of the cloned submission or add one in submission-json',
    },
    {
        service: 'store',
        // docs/store-api.md#refusals-seen-live: the PUT left out (or re-sent as PendingUpload) entries the submission has.
        matches: ({ message }) => /keep all file entries for existing packages/i.test(message),
        hint: "the Store refused the update because it leaves out package entries the submission already has (the IDs it lists), or sends them back as PendingUpload; the run stopped there, so nothing was uploaded or committed and the published packages are unchanged. Keep every existing entry in 'submission-json' as the Store gave it, and remove old packages by marking them PendingDelete ('replace-packages: true' or 'keep-package-versions' do that)",
    },
    {
        service: 'store',
        matches: ({ status, code, message }) => status === 409 && code === 'InvalidState' && /create submission failed/i.test(message),
        hint: "the product already has a pending submission, or its last published submission has a gradual rollout in progress; set 'on-pending: delete' or 'existing-rollout: finalize' (or 'halt')",
    },
    {
        service: 'store',
        // Seen when the first call of a run keeps getting this 503 (docs/store-api.md#throttling-and-transient-faults).
        matches: ({ status, message }) => status === 503 && /Account service is experiencing issue/i.test(message),
        hint: 'if this lasts from the first call of a run, the Entra app is most likely not added to Partner Center (Account settings > Users > Microsoft Entra applications, with the Manager role); otherwise the Store is having an outage: run again later',
    },
    {
        service: 'installer-api',
        matches: ({ status }) => status === 401,
        hint: 'the access token was rejected; the token must be for the scope https://api.store.microsoft.com/.default and the Entra app must be added to Partner Center (Account settings > Users > Microsoft Entra applications) with the Manager role',
    },
    {
        service: 'installer-api',
        matches: ({ message }) => /no product found/i.test(message),
        hint: "'app-id' must be the product ID GUID of an MSI/EXE product in this seller's account (an MSIX product's Store ID is not found here); check 'seller-id' too",
    },
    {
        service: 'installer-api',
        matches: ({ status, message }) => status === 403 || /seller/i.test(message),
        hint: "check 'seller-id' (Partner Center > Account settings > Legal info > Developer > Seller ID) and that the Entra app belongs to that account",
    },
    {
        service: 'package-upload',
        matches: ({ status }) => status === 403,
        hint: "the SAS may have expired, or its signature was altered ('+' must be sent as %2B); create a new submission for a fresh fileUploadUrl",
    },
    {
        service: 'package-upload',
        matches: ({ status }) => status === 404,
        hint: 'the upload URL names a container or blob that does not exist; use the fileUploadUrl of the current submission',
    },
    {
        service: 'package-upload',
        matches: ({ code }) => code === 'ENOTFOUND' || code === 'ECONNREFUSED',
        hint: 'the upload host could not be reached from this runner',
    },
    {
        service: 'asset-upload',
        matches: ({ status }) => status === 403,
        hint: 'the upload URL is short-lived; the run creates a new one when it runs again',
    },
];
/** The hint for a failure of `service`, or undefined when no known cause matches it. */
function hintFor(service, failure) {
    const words = {
        status: failure.status,
        code: failure.code ?? '',
        message: failure.message ?? '',
        call: failure.call ?? '',
        correlationId: failure.correlationId ?? '',
        ownSubmission: failure.ownSubmission ?? false,
        afterNewToken: failure.afterNewToken ?? false,
    };
    const hint = KNOWN_CAUSES.find((cause) => cause.service === service && cause.matches(words))?.hint;
    return typeof hint === 'function' ? hint(words) : hint;
}

;// CONCATENATED MODULE: ./src/store/store-error.ts
/**
 * A non-2xx answer of the MSIX submission API or of the token authority, as a StoreApiError in the
 * Store's own words (its code, message, target and correlation ID), with a known-cause hint. The
 * forms of these answers: docs/store-api.md, "Error answers".
 */



/**
 * Builds the error for `answer` (an HTTP status, the body as text, the headers) of `call` (e.g.
 * `GET applications/9NBLGGH4R315`). Reads the Store's `{ code, message, target }` (at the top or
 * under `error`) and the token authority's `{ error, error_description }`; any other body gives its
 * first 300 characters as the message. The message is redacted; the body is never kept whole.
 * `known` is what the caller knows beyond the answer (the call was on a submission this run created;
 * the answer came after a new token), which some hints depend on.
 */
function storeErrorFrom(answer, call, known = {}) {
    let code;
    let message;
    let target;
    try {
        const body = JSON.parse(answer.text);
        const inner = (typeof body.error === 'object' && body.error !== null ? body.error : body);
        code = typeof inner.code === 'string' ? inner.code : typeof body.error === 'string' ? body.error : undefined;
        message =
            typeof inner.message === 'string'
                ? inner.message
                : typeof body.error_description === 'string'
                    ? body.error_description.split(/\r?\n/)[0]
                    : undefined;
        target = typeof inner.target === 'string' && inner.target ? inner.target : undefined;
    }
    catch {
        message = answer.text.trim().slice(0, 300) || undefined;
    }
    const correlationId = answer.headers.get('ms-correlationid') ?? undefined;
    return new src_errors/* StoreApiError */.qo(answer.status, call, code, message === undefined ? undefined : secrets.redact(message), target, correlationId, hintFor('store', { status: answer.status, code, message, call, correlationId, ...known }));
}
/** True when `text` parses as JSON. */
function isJsonText(text) {
    try {
        JSON.parse(text);
        return true;
    }
    catch {
        return false;
    }
}
/** A body that is not JSON, as a person would name it: an HTML page by its title, anything else by its start. */
function describePage(text) {
    const raw = text.trim();
    if (/^<(!doctype|html|head|body)\b/i.test(raw)) {
        const title = raw
            .match(/<title[^>]*>([^<]*)<\/title>/i)?.[1]
            ?.replace(/\s+/g, ' ')
            .trim();
        return secrets.redact(`an HTML page${title ? ` titled '${title.slice(0, 120)}'` : ''}, not the API's JSON`);
    }
    return secrets.redact(`a body that is not JSON: ${raw.replace(/\s+/g, ' ').slice(0, 120)}`);
}
/**
 * The words of an answer that will be tried again, to follow its `HTTP <status>` in the retry
 * warnings and the final error: the server's code, message and correlation ID (`MS-CorrelationId`,
 * or the MSI/EXE API's `X-Correlation-ID`), e.g. `, code ServiceUnavailable: Retry your operation
 * (MS-CorrelationId 8f2c...)`, or what a page that is not JSON is; empty for an empty body. `hint`:
 * the registry's known cause for it (src/hints.ts), if any.
 */
function answerWords(answer, call) {
    const msId = answer.headers.get('ms-correlationid');
    const correlationId = msId ?? answer.headers.get('x-correlation-id');
    const correlation = correlationId ? ` (${msId ? 'MS-CorrelationId' : 'X-Correlation-ID'} ${correlationId})` : '';
    const raw = answer.text.trim();
    if (raw && !isJsonText(raw))
        return { words: `: ${describePage(raw)}${correlation}`, hint: undefined };
    const error = storeErrorFrom(answer, call);
    const code = error.code ? `, code ${error.code}` : '';
    const message = error.storeMessage ? `: ${error.storeMessage}` : '';
    return { words: `${code}${message}${correlation}`, hint: error.hint };
}

// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(37067);
var external_node_http_default = /*#__PURE__*/__webpack_require__.n(external_node_http_);
;// CONCATENATED MODULE: ./src/store/proxy.ts
/**
 * Which proxy a request goes through, chosen from the environment as undici's EnvHttpProxyAgent
 * chooses it (http_proxy / HTTP_PROXY for http URLs, https_proxy / HTTPS_PROXY for https URLs,
 * falling back to the http one; NO_PROXY exempts hosts), and how a proxy's refusal shows in
 * undici's errors. Only for messages: naming the proxy (never its credentials) and its answer.
 */

const DEFAULT_PORTS = { 'http:': 80, 'https:': 443 };
/** The first of `names` set (non-empty) in `env`, with its name. */
function firstSet(env, names) {
    for (const variable of names) {
        const value = env[variable];
        if (value)
            return { variable, value };
    }
    return undefined;
}
/** Whether NO_PROXY (`a.com, .b.com, *.c.com, host:8080, *`) exempts `hostname` on `port`. */
function exempted(noProxy, hostname, port) {
    for (const entry of noProxy.split(/[,\s]/)) {
        if (!entry)
            continue;
        const withPort = /^\[(.+)\]:(\d+)$/.exec(entry) ?? (/^[^:]+:\d+$/.test(entry) ? /^(.+):(\d+)$/.exec(entry) : null);
        const host = (withPort ? (withPort[1] ?? '') : entry.replace(/^\[(.+)\]$/, '$1')).toLowerCase();
        const entryPort = withPort ? Number(withPort[2]) : 0;
        if (entryPort && entryPort !== port)
            continue;
        if (host === '*')
            return true;
        const wildcard = host.startsWith('*');
        const bare = host.replace(/^\*?\./, '').replace(/^(.+)\.$/, '$1');
        if (!wildcard && hostname === bare)
            return true;
        if (hostname.endsWith(`.${bare}`))
            return true;
    }
    return false;
}
/** The proxy a request to `url` goes through, or undefined when none is set or NO_PROXY exempts the host. */
function proxyFor(url, env = process.env) {
    let target;
    try {
        target = new URL(url);
    }
    catch {
        return undefined;
    }
    const http = firstSet(env, ['http_proxy', 'HTTP_PROXY']);
    const chosen = target.protocol === 'https:' ? (firstSet(env, ['https_proxy', 'HTTPS_PROXY']) ?? http) : http;
    if (!chosen)
        return undefined;
    const hostname = target.hostname
        .replace(/^\[(.+)\]$/, '$1')
        .replace(/(.)\.$/, '$1')
        .toLowerCase();
    const port = Number(target.port) || DEFAULT_PORTS[target.protocol] || 0;
    if (exempted(env.no_proxy ?? env.NO_PROXY ?? '', hostname, port))
        return undefined;
    let shown;
    try {
        const proxy = new URL(chosen.value);
        shown = `${proxy.protocol}//${proxy.host}`;
    }
    catch {
        shown = '(an unreadable URL)';
    }
    return { variable: chosen.variable, url: shown };
}
/** "the proxy http://proxy.corp:8080 (HTTPS_PROXY)". */
function describeProxy(proxy) {
    return proxy ? `the proxy ${proxy.url} (${proxy.variable})` : 'the proxy';
}
/** "HTTP 407 Proxy Authentication Required". */
function describeStatus(status) {
    const text = external_node_http_.STATUS_CODES[status];
    return text ? `HTTP ${status} ${text}` : `HTTP ${status}`;
}
/**
 * The HTTP status with which a proxy refused a request, read from the chain of causes of undici's
 * `fetch failed`: a CONNECT tunnel (https URLs) answered other than 200, or a forwarded request
 * (http URLs) answered 407. Undefined for any other failure.
 */
function proxyRefusalStatus(error) {
    const seen = new Set();
    for (let current = error; current && typeof current === 'object' && !seen.has(current); current = current.cause) {
        seen.add(current);
        const message = current.message;
        if (typeof message !== 'string')
            continue;
        const match = /Proxy response \((\d{3})\) !== 200 when HTTP Tunneling/.exec(message) ??
            /^Proxy Authentication Required \((407)\)$/.exec(message);
        if (match)
            return Number(match[1]);
    }
    return undefined;
}
/**
 * The passwords that the proxy variables carry in their URLs, as written and decoded, for the
 * run's secret masking: a proxy URL is never shown, but a library's message might quote one.
 */
function proxyCredentials(env = process.env) {
    const found = [];
    for (const variable of ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY']) {
        const value = env[variable];
        if (!value)
            continue;
        try {
            const url = new URL(value);
            if (url.password)
                found.push(decodeURIComponent(url.password), url.password);
        }
        catch {
            // Not a URL: undici refuses it too, with its own error.
        }
    }
    return [...new Set(found)];
}

// EXTERNAL MODULE: ./src/stop.ts
var src_stop = __webpack_require__(51123);
;// CONCATENATED MODULE: ./src/retry.ts


const realSleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const DEFAULT_RETRY_POLICY = {
    baseDelayMs: 1000,
    maxDelayMs: 60_000,
    sleep: realSleep,
    random: Math.random,
    now: Date.now,
};
/**
 * Delay before retry number `retry` (1 for the first retry): "equal jitter", half fixed and half
 * random, so retries of parallel jobs sharing a tenant's rate limit spread out but never collapse
 * to zero.
 */
function backoffDelayMs(retry, policy) {
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
    return Math.round(ceiling / 2 + policy.random() * (ceiling / 2));
}
/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
function parseRetryAfterMs(header, now) {
    if (!header)
        return undefined;
    const trimmed = header.trim();
    if (/^\d+(\.\d+)?$/.test(trimmed))
        return Math.round(Number(trimmed) * 1000);
    const date = Date.parse(trimmed);
    if (Number.isNaN(date))
        return undefined;
    return Math.max(0, date - now);
}
/** "Try again in 14 seconds." in a 429 body, as the Store's gateway words it. */
function parseRetryHintMs(message) {
    const match = message?.match(/try again in (\d+) seconds?/i);
    return match ? Number(match[1]) * 1000 : undefined;
}
/**
 * Thrown by an attempt that may be tried again: `reason` is logged (with the server's own words,
 * where it sent some), `retryAfterMs` is the least wait the server asked for, `final` is what to
 * throw instead once `maxAttempts` run out (by default an error saying how often and how long it
 * was tried), and `hint` (a known cause, what to do) ends the error a stop or the last attempt leaves.
 */
class TransientFailure extends Error {
    reason;
    retryAfterMs;
    final;
    hint;
    constructor(reason, retryAfterMs, final, hint) {
        super(reason);
        this.reason = reason;
        this.retryAfterMs = retryAfterMs;
        this.final = final;
        this.hint = hint;
        this.name = 'TransientFailure';
    }
}
/** What a call that was still failing leaves in the final error: how often, how long, its last answer, a hint. */
function describeStillFailing(name, attempts, elapsedMs, failure) {
    const hint = failure.hint ? `${/[.!?]$/.test(failure.reason) ? '' : '.'} Hint: ${failure.hint}` : '';
    return secrets.redact(`${name} still failing after ${attempts} attempts over ${Math.round(elapsedMs / 1000)} s: ${failure.reason}${hint}`);
}
/**
 * The error to throw when `error` ended a retry: the run's stop (RunStopped) is thrown with
 * `lastFailure` (describeStillFailing) attached, so the time-out or cancel error keeps what the
 * server last answered; any other error is returned as it is.
 */
function stoppedAfter(error, lastFailure) {
    return error instanceof src_stop/* RunStopped */.NL && error.lastFailure === undefined
        ? new src_stop/* RunStopped */.NL(error.kind, error.detail, lastFailure)
        : error;
}
/**
 * Calls `attempt` until it returns or throws anything but a TransientFailure, sleeping between
 * attempts and logging each retry with its reason; the run's stop signal ends it (the RunStopped
 * thrown carries the last failure, see stoppedAfter), and so does `policy.maxAttempts` where given.
 * `label` names the request in logs and errors (a function when the name is known only once an
 * attempt has built the request).
 */
async function retrying(label, policy, logger, attempt) {
    const started = policy.now();
    let lastFailure;
    for (let n = 1;; n++) {
        try {
            (0,src_stop/* throwIfStopped */.$J)(policy.signal);
            return await attempt(n);
        }
        catch (error) {
            if (!(error instanceof TransientFailure))
                throw lastFailure ? stoppedAfter(error, lastFailure) : error;
            // A server's Retry-After wins over the backoff, within reason.
            const delay = Math.min(policy.maxDelayMs * 5, Math.max(error.retryAfterMs ?? 0, backoffDelayMs(n, policy)));
            const name = typeof label === 'string' ? label : label();
            lastFailure = describeStillFailing(name, n, policy.now() - started, error);
            if (policy.maxAttempts !== undefined && n >= policy.maxAttempts)
                throw error.final ?? new Error(lastFailure);
            const of = policy.maxAttempts === undefined ? '' : ` of ${policy.maxAttempts}`;
            logger?.warning(secrets.redact(`${name}: ${error.reason}; retrying in ${(delay / 1000).toFixed(1)} s (attempt ${n + 1}${of})`));
            const after = lastFailure;
            await pause(policy, delay).catch((stop) => {
                throw stoppedAfter(stop, after);
            });
        }
    }
}
/** `policy.sleep(ms)`, cut short with the stop reason when the run's signal aborts. */
async function pause(policy, ms) {
    const { signal } = policy;
    if (!signal)
        return policy.sleep(ms);
    (0,src_stop/* throwIfStopped */.$J)(signal);
    let onAbort;
    const stopped = new Promise((_, reject) => {
        onAbort = () => reject(signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
        await Promise.race([policy.sleep(ms), stopped]);
    }
    finally {
        if (onAbort)
            signal.removeEventListener('abort', onAbort);
    }
}

;// CONCATENATED MODULE: ./src/transient.ts
/**
 * Which network failures are worth another attempt: the one list behind the Store transport, the
 * installer URL checks and the blob upload, so a failure is retried (or not) the same way wherever
 * it happens.
 */
/**
 * Error codes of a dropped, refused, reset or timed-out connection, as Node.js (`ECONNRESET`, ...),
 * undici (`UND_ERR_*`) and the Azure SDK (`REQUEST_SEND_ERROR`, a request whose sending failed)
 * name them. A host that does not resolve (`ENOTFOUND`) is not among them: it does not heal.
 */
const TRANSIENT_CODES = new Set([
    'ECONNRESET',
    'ECONNREFUSED',
    'ECONNABORTED',
    'EPIPE',
    'ETIMEDOUT',
    'ESOCKETTIMEDOUT',
    'EAI_AGAIN',
    'ENETUNREACH',
    'EHOSTUNREACH',
    'UND_ERR_SOCKET',
    'UND_ERR_CONNECT_TIMEOUT',
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT',
    'UND_ERR_CLOSED',
    'REQUEST_SEND_ERROR',
]);
/** The error's string code, or its cause's (undici's `fetch failed` carries the socket's error as its cause). */
function codeOf(error) {
    for (const candidate of [error, error?.cause]) {
        const code = candidate?.code;
        if (typeof code === 'string')
            return code;
    }
    return undefined;
}
/**
 * True when `error` is a network failure that another attempt may not meet: a code of
 * `TRANSIENT_CODES` on the error or its cause, undici's `fetch failed` / `terminated` /
 * `other side closed` TypeErrors (the transport tells a host that does not resolve and a proxy's
 * refusal apart before it asks), or Node's `socket hang up`. False for anything else, HTTP answers
 * included (each caller has its own rule for statuses).
 */
function isTransientNetworkError(error) {
    const code = codeOf(error);
    if (code !== undefined && TRANSIENT_CODES.has(code))
        return true;
    if (!(error instanceof Error))
        return false;
    if (error instanceof TypeError && /fetch failed|terminated|other side closed/i.test(error.message))
        return true;
    return /socket hang up/i.test(error.message);
}

;// CONCATENATED MODULE: ./src/store/http.ts








/**
 * A request that may have taken effect but whose answer was lost (5xx or a dropped connection on a
 * POST). It is never repeated blindly: the caller re-reads the state and continues from it.
 */
class AmbiguousRequestError extends Error {
    call;
    reason;
    hint;
    constructor(call, 
    /** What was answered: `HTTP 503` with the server's code, message and correlation ID, or a network failure. */
    reason, 
    /** The registry's known cause for the answer (src/hints.ts), if any. */
    hint) {
        super(`${call} may or may not have taken effect (${reason})`);
        this.call = call;
        this.reason = reason;
        this.hint = hint;
        this.name = 'AmbiguousRequestError';
    }
}
const TRANSIENT_STATUS = new Set([500, 502, 503, 504]);
/**
 * The most bytes of an answer that are read: far above any answer of the Store's APIs, the sign-in
 * authority or the OIDC token service, and low enough that a server streaming without end costs
 * no more memory than this (docs/contract.md, "Limits").
 */
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;
/** An answer larger than MAX_ANSWER_BYTES: not retried, the same server would send the same. */
class AnswerTooLargeError extends Error {
    status;
    constructor(call, urlInputs, 
    /** The answer's HTTP status, for the call's record. */
    status) {
        super(`${call}: the answer is larger than ${MAX_ANSWER_BYTES / 1024 / 1024} MiB, the most that is read of any answer; ` +
            `no answer of this API is that large. Check that ${urlInputs} point${urlInputs.includes(' and ') ? '' : 's'} at the service itself, not at a proxy or server that sends something else.`);
        this.status = status;
        this.name = 'AnswerTooLargeError';
    }
}
/** A request's own deadline: an answer that takes longer is treated as lost (and retried where safe). */
const DEFAULT_REQUEST_TIMEOUT_MS = 100_000;
/** The network error's code (ECONNRESET, ...) or message; a numeric code (a DOMException's 0) says nothing and is skipped. */
function describeNetworkError(error) {
    const cause = error?.cause;
    return (typeof cause?.code === 'string' && cause.code) || cause?.message || (0,src_errors/* errorMessage */.gJ)(error);
}
/**
 * What to throw when the proxy refused `request` with `status` (the request never reached the
 * server, so sending it again is safe whatever its method): 407 fails at once, naming the proxy
 * (never its credentials) and what to do; a 5xx is retried, its reason naming the proxy, so the
 * final error does too; any other status fails at once.
 */
function proxyRefusal(request, status, cause) {
    const proxy = describeProxy(proxyFor(request.url));
    const answered = `${proxy} answered ${describeStatus(status)}`;
    if (status === 407) {
        return new Error(`${request.call}: ${answered}: it wants credentials. Give them in the proxy URL (http://user:password@host:port, kept in a secret), ` +
            'or exempt the host with NO_PROXY. Not retried: the same request would be refused again.', { cause });
    }
    if (status >= 500)
        return new TransientFailure(answered);
    return new Error(`${request.call}: ${answered}; the proxy does not let this request through. Ask its administrators to allow ${new URL(request.url).host}, or exempt it with NO_PROXY.`, { cause });
}
/** Sends requests with retries. Knows nothing of the Store's resources; `StoreClient` does. */
class Transport {
    options;
    policy;
    dispatcherLoad;
    /** Where retries and recoveries are logged. */
    logger;
    constructor(options) {
        this.options = options;
        this.logger = options.logger;
        this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry, signal: options.signal };
    }
    /**
     * The proxy-aware dispatcher of every request. undici is loaded with the first request, not at
     * start-up: it is the largest part of the start-up cost (`npm run bench -- --startup-only`), and a
     * run that fails on its inputs sends nothing.
     */
    dispatcher() {
        // EnvHttpProxyAgent honours HTTP_PROXY / HTTPS_PROXY / NO_PROXY as a runner sets them.
        this.dispatcherLoad ??= this.options.dispatcher
            ? Promise.resolve(this.options.dispatcher)
            : __webpack_require__.e(/* import() */ 752).then(__webpack_require__.t.bind(__webpack_require__, 46752, 19)).then(({ EnvHttpProxyAgent }) => new EnvHttpProxyAgent());
        return this.dispatcherLoad;
    }
    /**
     * Sends `request` until it gets an answer that is not transient. 429 is always retried (the
     * request was refused, not processed); 5xx and dropped connections are retried when the request
     * is idempotent, else reported as AmbiguousRequestError. `onUnauthorized` is called once on a
     * 401 so the caller can fetch a new token; the request is then sent again with fresh headers.
     */
    async send(build, onUnauthorized) {
        const { logger } = this.options;
        let refreshedAfter401 = false;
        let label = 'request';
        return retrying(() => label, this.policy, logger, async (attempt) => {
            const first = await build();
            label = first.call;
            let exchange = await this.exchange(first, attempt);
            if (exchange.status === 401 && onUnauthorized && !refreshedAfter401) {
                // Tokens can expire during long waits: get a new one once, and send again at once.
                refreshedAfter401 = true;
                logger.info(`${label} answered 401; getting a new access token and trying again`);
                onUnauthorized();
                exchange = await this.exchange(await build(), attempt);
            }
            const { request, status, text, headers } = exchange;
            const retryAfter = parseRetryAfterMs(headers.get('retry-after'), this.policy.now());
            if (status === 429) {
                // Refused, not processed: safe to send again whatever the method.
                const { words, hint } = answerWords({ status, text, headers }, request.call);
                throw new TransientFailure(`HTTP 429 (rate limited)${words}`, retryAfter ?? parseRetryHintMs(text), undefined, hint);
            }
            const gatewayPage = request.expectJson === true && status >= 200 && status < 300 && text.trim() !== '' && !isJsonText(text);
            if (TRANSIENT_STATUS.has(status) || gatewayPage) {
                // Behind a proxy, a 502 or 504 is as likely the proxy's as the server's: name it.
                const proxy = proxyFor(request.url);
                const { words, hint } = answerWords({ status, text, headers }, request.call);
                const reason = `HTTP ${status}${proxy ? ` (through ${describeProxy(proxy)})` : ''}${words}`;
                if (!request.idempotent)
                    throw new AmbiguousRequestError(request.call, reason, hint);
                throw new TransientFailure(reason, retryAfter, undefined, hint);
            }
            return {
                status,
                text,
                headers,
                ...(exchange.bytes ? { bytes: exchange.bytes } : {}),
                ...(refreshedAfter401 ? { afterNewToken: true } : {}),
            };
        });
    }
    /**
     * Sends a JSON call to one of the Store's APIs with the run's bearer token: a fresh token on each
     * attempt, renewed once after a 401; `correlationHeader` carries a new ID per call, as the API
     * names it (`MS-CorrelationId`, `X-Correlation-ID`). `body` is sent as JSON.
     */
    sendJson(tokens, call) {
        return this.send(async () => ({
            method: call.method,
            url: call.url,
            call: call.name,
            headers: {
                authorization: `Bearer ${await tokens.token()}`,
                accept: 'application/json',
                [call.correlationHeader]: (0,external_node_crypto_.randomUUID)(),
                'user-agent': 'store-submit',
                ...(call.body ? { 'content-type': 'application/json' } : {}),
                ...call.headers,
            },
            ...(call.body ? { body: JSON.stringify(call.body) } : {}),
            idempotent: call.idempotent,
            expectJson: true,
        }), () => tokens.invalidate());
    }
    /** One request and its answer, recorded; a dropped connection becomes a retry or an ambiguity. */
    async exchange(request, attempt) {
        const sentAt = this.policy.now();
        const record = (status, correlationId) => this.options.onCall?.({
            method: request.method,
            path: request.call.replace(/^\S+\s+/, ''),
            status,
            correlationId,
            attempt,
            ms: this.policy.now() - sentAt,
        });
        const timeoutMs = request.timeoutMs ?? this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
        const limit = AbortSignal.timeout(timeoutMs);
        const signal = this.options.signal ? AbortSignal.any([this.options.signal, limit]) : limit;
        try {
            const [{ fetch }, dispatcher] = await Promise.all([__webpack_require__.e(/* import() */ 752).then(__webpack_require__.t.bind(__webpack_require__, 46752, 19)), this.dispatcher()]);
            const response = await fetch(request.url, {
                method: request.method,
                headers: request.headers,
                dispatcher,
                signal,
                ...(request.redirect ? { redirect: request.redirect } : {}),
                ...(request.body === undefined ? {} : { body: request.body }),
            });
            const bytes = request.firstBytes === undefined
                ? undefined
                : await readFirstBytes(response.body, request.firstBytes);
            const text = bytes ? '' : await readText(response, request);
            // The MSIX API names the correlation header MS-CorrelationId, the MSI/EXE API X-Correlation-ID.
            record(response.status, response.headers.get('ms-correlationid') ?? response.headers.get('x-correlation-id') ?? undefined);
            return { request, status: response.status, text, headers: response.headers, ...(bytes ? { bytes } : {}) };
        }
        catch (error) {
            (0,src_stop/* throwIfStopped */.$J)(this.options.signal);
            if (error instanceof AnswerTooLargeError) {
                record(error.status);
                throw error;
            }
            if (limit.aborted) {
                record('network-error');
                const reason = `no answer within ${Math.round(timeoutMs / 1000)} s`;
                if (!request.idempotent)
                    throw new AmbiguousRequestError(request.call, reason);
                throw new TransientFailure(reason);
            }
            const refusedWith = proxyRefusalStatus(error);
            if (refusedWith !== undefined) {
                record('network-error');
                throw proxyRefusal(request, refusedWith, error);
            }
            const reasonText = describeNetworkError(error);
            if (reasonText === 'ENOTFOUND' || reasonText === 'EAI_NONAME') {
                // A wrong host name does not heal with retries.
                throw new Error(`${request.call}: the host ${new URL(request.url).host} is not known (${reasonText}); check ${request.urlInputs ?? "'api-url' and 'authority-url'"}`, { cause: error });
            }
            if (!isTransientNetworkError(error))
                throw new Error(secrets.redact(`${request.call} failed: ${reasonText}`), { cause: error });
            record('network-error');
            const reason = `connection failed: ${reasonText}`;
            if (!request.idempotent)
                throw new AmbiguousRequestError(request.call, reason);
            throw new TransientFailure(reason);
        }
    }
}
/** Reads at most `limit` bytes of a body, then cancels it, so the rest is never downloaded. */
async function readFirstBytes(body, limit) {
    if (!body)
        return new Uint8Array();
    const reader = body.getReader();
    const chunks = [];
    let length = 0;
    try {
        while (length < limit) {
            const { done, value } = await reader.read();
            if (done)
                break;
            chunks.push(value);
            length += value.length;
        }
    }
    finally {
        await reader.cancel().catch(() => undefined);
    }
    return Buffer.concat(chunks).subarray(0, limit);
}
/**
 * The body as UTF-8 text, read up to MAX_ANSWER_BYTES; past that the download is cancelled (the
 * connection closed) and AnswerTooLargeError names the call.
 */
async function readText(response, request) {
    if (!response.body)
        return '';
    const reader = response.body.getReader();
    const chunks = [];
    let length = 0;
    try {
        for (;;) {
            const { done, value } = await reader.read();
            if (done)
                break;
            length += value.length;
            if (length > MAX_ANSWER_BYTES)
                throw new AnswerTooLargeError(request.call, request.urlInputs ?? "'api-url' and 'authority-url'", response.status);
            chunks.push(value);
        }
    }
    finally {
        await reader.cancel().catch(() => undefined);
    }
    return new TextDecoder().decode(Buffer.concat(chunks));
}
/**
 * Sends a POST that changes state. When its answer is lost (5xx, dropped connection) it is not
 * repeated blindly: `recover` re-reads the state and returns the outcome if the POST took effect,
 * or undefined if it did not, in which case the POST is sent again after a growing, jittered pause,
 * for as long as the run lasts: its stop (RunStopped) is thrown with the last lost answer's words.
 */
async function postOnce(transport, send, recover) {
    const { logger, policy } = transport;
    const started = policy.now();
    let lastFailure;
    for (let attempt = 1;; attempt++) {
        try {
            return await send();
        }
        catch (error) {
            if (!(error instanceof AmbiguousRequestError))
                throw lastFailure ? stoppedAfter(error, lastFailure) : error;
            lastFailure = describeStillFailing(error.call, attempt, policy.now() - started, error);
            logger.warning(`${error.message}; reading the current state before going on`);
            const recovered = await recover().catch((stop) => {
                throw stoppedAfter(stop, lastFailure);
            });
            if (recovered !== undefined) {
                logger.info(`${error.call} had taken effect; continuing from the current state`);
                return recovered;
            }
            // Not taken effect: sent again after the same backoff as any retry, never at once.
            const delay = backoffDelayMs(attempt, policy);
            logger.info(`${error.call} had not taken effect; sending it again in ${(delay / 1000).toFixed(1)} s`);
            const after = lastFailure;
            await pause(policy, delay).catch((stop) => {
                throw stoppedAfter(stop, after);
            });
        }
    }
}

;// CONCATENATED MODULE: ./src/store/kinds.ts
/**
 * What differs between app, package flight and add-on submissions. Everything else (the submit
 * flow, status polling, pending-submission handling, rollout) is one generic implementation driven
 * by these descriptors.
 */
const KINDS = {
    app: {
        kind: 'app',
        resourcePath: (t) => `applications/${encodeURIComponent(appIdOf(t))}`,
        pendingField: 'pendingApplicationSubmission',
        lastPublishedField: 'lastPublishedApplicationSubmission',
        packagesField: 'applicationPackages',
        hasReleaseNotes: true,
        hasPackageDelivery: true,
    },
    flight: {
        kind: 'flight',
        resourcePath: (t) => `applications/${encodeURIComponent(appIdOf(t))}/flights/${encodeURIComponent(t.kind === 'flight' ? t.flightId : '')}`,
        pendingField: 'pendingFlightSubmission',
        lastPublishedField: 'lastPublishedFlightSubmission',
        packagesField: 'flightPackages',
        hasReleaseNotes: false,
        hasPackageDelivery: true,
    },
    'add-on': {
        kind: 'add-on',
        resourcePath: (t) => `inappproducts/${encodeURIComponent(t.kind === 'add-on' ? t.addOnId : '')}`,
        pendingField: 'pendingInAppProductSubmission',
        lastPublishedField: 'lastPublishedInAppProductSubmission',
        hasReleaseNotes: false,
        hasPackageDelivery: false,
    },
};
function appIdOf(target) {
    return target.kind === 'add-on' ? '' : target.appId;
}
function describeTarget(target) {
    switch (target.kind) {
        case 'app':
            return `app ${target.appId}`;
        case 'flight':
            return `package flight ${target.flightId} of app ${target.appId}`;
        case 'add-on':
            return `add-on ${target.addOnId}`;
    }
}
/** Path of a submission collection or of one submission, relative to `.../v1.0/my/`. */
function submissionsPath(target, submissionId) {
    const base = `${KINDS[target.kind].resourcePath(target)}/submissions`;
    return submissionId ? `${base}/${encodeURIComponent(submissionId)}` : base;
}

;// CONCATENATED MODULE: ./src/store/rollout.ts
/**
 * Gradual package rollout as the Store reports it: in the rollout resource
 * (`.../submissions/{id}/packagerollout`) and in a submission's
 * `packageDeliveryOptions.packageRollout` (docs/store-api.md, "Gradual rollout").
 */

const ROLLOUT_ACTIONS = ['update', 'halt', 'finalize'];
/**
 * The state a rollout resource (or a submission's `packageRollout` object) holds; the percentage
 * comes as an integer or a float (docs/store-api.md#live-dates-and-numbers).
 */
function rolloutFromResource(rollout) {
    const percentage = rollout.packageRolloutPercentage;
    return {
        status: typeof rollout.packageRolloutStatus === 'string' ? rollout.packageRolloutStatus : undefined,
        percentage: typeof percentage === 'number' ? percentage : percentage === undefined ? undefined : Number(percentage),
    };
}
/** The rollout a submission resource carries; `{}` when it has none (`isPackageRollout` not true). */
function rolloutOfSubmission(submission) {
    const options = submission.packageDeliveryOptions;
    const rollout = isJsonObject(options) ? options.packageRollout : undefined;
    if (!isJsonObject(rollout) || rollout.isPackageRollout !== true)
        return {};
    return rolloutFromResource(rollout);
}

;// CONCATENATED MODULE: ./src/store/client.ts
/**
 * The Store submission API's resources, for every kind of product. Paths come from the per-kind
 * descriptors, so app, flight and add-on calls share every method here.
 */








/** A reference to a submission held by a product resource (`pending*Submission`, `lastPublished*Submission`). */
function submissionRef(product, field) {
    const ref = product[field];
    if (!isJsonObject(ref))
        return undefined;
    const id = ref.id;
    return typeof id === 'string' && id !== '' && id !== '0' ? id : undefined;
}
/** The most pages one list is read to: lists of flights and add-ons take a few. */
const MAX_PAGES = 100;
class StoreClient {
    options;
    root;
    /** The submissions this client created: the Store's refusals of these read differently (hints.ts). */
    created = new Set();
    constructor(options) {
        this.options = options;
        this.root = `${options.apiUrl.replace(/\/+$/, '')}/v1.0/my/`;
    }
    /**
     * Sends one call and returns the JSON object it answered with, or undefined for an empty answer
     * (201/204, DELETE) or one that is not an object. A non-2xx answer throws StoreApiError with the
     * Store's code, message, target and correlation ID; a 2xx body that is not JSON (a gateway's
     * page) is retried by the transport like a 5xx.
     */
    async call(method, path, options = {}) {
        const query = options.query ? `?${new URLSearchParams(options.query).toString()}` : '';
        const callName = `${method} ${path}`;
        const result = await this.options.transport.sendJson(this.options.tokens, {
            method,
            url: `${this.root}${path}${query}`,
            name: callName,
            body: options.body,
            idempotent: options.idempotent ?? method !== 'POST',
            correlationHeader: 'ms-correlationid',
        });
        if (result.status < 200 || result.status >= 300) {
            const submissionId = /\/submissions\/([^/]+)/.exec(path)?.[1];
            throw storeErrorFrom(result, callName, {
                ownSubmission: submissionId !== undefined && this.created.has(decodeURIComponent(submissionId)),
                afterNewToken: result.afterNewToken,
            });
        }
        // Success answers may be empty (201/204 with no body, DELETE); treat any 2xx as success.
        if (!result.text.trim())
            return undefined;
        // sendJson passes on only JSON bodies.
        const parsed = JSON.parse(result.text);
        if (!isJsonObject(parsed))
            return undefined;
        // A submission's upload URL is a secret from the moment it is read, before any upload or error could echo it;
        // every part of its query is masked (docs/store-api.md#live-upload-urls).
        if (typeof parsed.fileUploadUrl === 'string')
            registerUrlQuery(parsed.fileUploadUrl);
        return parsed;
    }
    async get(path) {
        const body = await this.call('GET', path);
        if (!body)
            throw new Error(`GET ${path} answered without a body`);
        return body;
    }
    /**
     * Follows `@nextLink` (relative to `/v1.0/my/`) until the last page. 404 means an empty list.
     * Throws naming the call when a link leads back to a page already read, or past MAX_PAGES pages.
     */
    async list(path) {
        const items = [];
        // Each page read, in order: a link back to one of them would go round for ever.
        const read = [];
        let next = path;
        while (next) {
            const earlier = read.indexOf(next);
            if (earlier !== -1)
                throw new Error(`GET ${path}: page ${read.length}'s @nextLink (${secrets.redact(next)}) leads back to page ${earlier + 1}; the Store's paging goes round in a loop, stopped there.`);
            if (read.length === MAX_PAGES)
                throw new Error(`GET ${path}: more than ${MAX_PAGES} pages; stopped there (no list of this API is that long).`);
            read.push(next);
            let page;
            try {
                page = await this.get(next);
            }
            catch (error) {
                if (error.httpStatus === 404 && items.length === 0)
                    return [];
                throw error;
            }
            const value = page.value;
            if (Array.isArray(value))
                items.push(...value.filter(isJsonObject));
            const link = page['@nextLink'];
            next = typeof link === 'string' && link ? link.replace(/^\/?(v1\.0\/my\/)?/, '') : undefined;
        }
        return items;
    }
    getProduct(target) {
        return this.get(KINDS[target.kind].resourcePath(target));
    }
    getSubmission(target, submissionId) {
        return this.get(submissionsPath(target, submissionId));
    }
    async getStatus(target, submissionId) {
        const body = await this.get(`${submissionsPath(target, submissionId)}/status`);
        return {
            status: typeof body.status === 'string' ? body.status : 'Unknown',
            statusDetails: isJsonObject(body.statusDetails) ? body.statusDetails : {},
        };
    }
    /**
     * Creates a submission (a clone of the last published one). The Store may answer with the full
     * resource or a sparse one, or nothing at all: whatever it sends, the full resource is read back.
     * When the answer is lost and a pending submission then exists, nothing shows whether this run's
     * POST or another run's made it: throws UnownedSubmissionError rather than write into it.
     */
    async createSubmission(target) {
        const pendingField = KINDS[target.kind].pendingField;
        const created = await postOnce(this.options.transport, () => this.call('POST', submissionsPath(target)), async () => {
            const pending = submissionRef(await this.getProduct(target), pendingField);
            if (pending)
                throw new src_errors/* UnownedSubmissionError */.dZ(pending, target);
            return undefined;
        });
        let id = typeof created?.id === 'string' ? created.id : undefined;
        if (!id)
            id = submissionRef(await this.getProduct(target), pendingField);
        if (!id)
            throw new Error(`The Store created a submission but its ID could not be read back`);
        this.created.add(id);
        if (created && typeof created.fileUploadUrl === 'string' && created.id === id && Object.keys(created).length > 3) {
            return created;
        }
        return this.getSubmission(target, id);
    }
    async updateSubmission(target, submissionId, submission) {
        const body = await this.call('PUT', submissionsPath(target, submissionId), { body: submission });
        return body ?? (await this.getSubmission(target, submissionId));
    }
    /**
     * Commits. If the answer is lost, the status tells whether the commit started. A 409 on a
     * submission that another client committed first (a second commit job) is no failure: returns
     * `{ committedElsewhere: status }` with the status it then has; a 409 on one still PendingCommit
     * throws the StoreApiError.
     */
    async commitSubmission(target, submissionId) {
        return postOnce(this.options.transport, async () => {
            try {
                await this.call('POST', `${submissionsPath(target, submissionId)}/commit`);
                return {};
            }
            catch (error) {
                if (!(error instanceof src_errors/* StoreApiError */.qo) || error.httpStatus !== 409)
                    throw error;
                const { status } = await this.getStatus(target, submissionId);
                if (status === 'PendingCommit')
                    throw error;
                return { committedElsewhere: status };
            }
        }, async () => {
            // Still PendingCommit: the commit never arrived. Anything else: it started.
            const { status } = await this.getStatus(target, submissionId);
            return status === 'PendingCommit' ? undefined : {};
        });
    }
    /**
     * Deletes a pending submission. A 409 on one that reads PendingCommit is the Store not ready to
     * let it go yet: the DELETE is sent again with backoff until the run stops (docs/store-api.md#pending-submissions).
     * Throws an Error naming the status when the submission was committed meanwhile, and the run's
     * stop with the status, the Store's words and what to do when the refusals last.
     */
    async deleteSubmission(target, submissionId) {
        const { transport } = this.options;
        const call = `DELETE ${submissionsPath(target, submissionId)}`;
        await retrying(call, transport.policy, transport.logger, async () => {
            try {
                await this.call('DELETE', submissionsPath(target, submissionId));
            }
            catch (error) {
                // A retried DELETE whose first attempt took effect finds nothing to delete: that is success.
                if (error instanceof src_errors/* StoreApiError */.qo && error.httpStatus === 404)
                    return;
                if (!(error instanceof src_errors/* StoreApiError */.qo) || error.httpStatus !== 409)
                    throw error;
                const { status } = await this.getStatus(target, submissionId);
                if (status !== 'PendingCommit') {
                    throw new Error(`Submission ${submissionId} cannot be deleted: it is now ${status}, committed since it was read (by another run, or in Partner Center). ` +
                        "Let it finish and follow it in Partner Center or with 'command: status', then run again.", { cause: error });
                }
                throw new TransientFailure(`refused with HTTP 409${error.code ? `, code ${error.code}` : ''}: ${error.storeMessage ?? 'no message'}${error.correlationId ? ` (MS-CorrelationId ${error.correlationId})` : ''}; submission ${submissionId} is still PendingCommit`, undefined, undefined, 'if the Store keeps refusing, delete the submission in Partner Center, then run again');
            }
        });
    }
    getRollout(target, submissionId) {
        return this.get(`${submissionsPath(target, submissionId)}/packagerollout`);
    }
    /** A submission's gradual rollout, from its rollout resource (docs/store-api.md, "Gradual rollout"). */
    async getRolloutState(target, submissionId) {
        return rolloutFromResource(await this.getRollout(target, submissionId));
    }
    /**
     * The rollout of a published submission. Where the submission resource shows one, the rollout
     * resource (the authority on its state) is read too, else from what the submission says where the
     * service has no rollout resource for it (404/409); a submission without a rollout costs no call.
     */
    async publishedRolloutState(target, published) {
        const fromSubmission = rolloutOfSubmission(published);
        if (fromSubmission.status === undefined && fromSubmission.percentage === undefined)
            return fromSubmission;
        try {
            const state = await this.getRolloutState(target, String(published.id));
            return state.status ? state : fromSubmission;
        }
        catch (error) {
            if (error instanceof src_errors/* StoreApiError */.qo && error.httpStatus < 500)
                return fromSubmission;
            throw error;
        }
    }
    /**
     * Updates (to `percentage`, 0-100), halts or finalizes a gradual rollout and returns its state
     * after; a lost answer is checked against the rollout's state.
     */
    async changeRollout(target, submissionId, action, percentage) {
        const base = submissionsPath(target, submissionId);
        const path = action === 'update'
            ? `${base}/updatepackagerolloutpercentage`
            : action === 'halt'
                ? `${base}/haltpackagerollout`
                : `${base}/finalizepackagerollout`;
        const query = action === 'update' ? { percentage: String(percentage) } : undefined;
        const done = (rollout) => action === 'update'
            ? Number(rollout.packageRolloutPercentage) === percentage
            : rollout.packageRolloutStatus === (action === 'halt' ? 'PackageRolloutStopped' : 'PackageRolloutComplete');
        const after = await postOnce(this.options.transport, async () => (await this.call('POST', path, query ? { query } : {})) ?? (await this.getRollout(target, submissionId)), async () => {
            const rollout = await this.getRollout(target, submissionId);
            return done(rollout) ? rollout : undefined;
        });
        return rolloutFromResource(after);
    }
    async createFlight(appId, flight) {
        const path = `applications/${encodeURIComponent(appId)}/flights`;
        const find = () => this.findFlight(appId, String(flight.friendlyName));
        const created = await postOnce(this.options.transport, () => this.call('POST', path, { body: flight }), find);
        return created ?? (await find()) ?? {};
    }
    /** The app's flight with this friendly name: flights are found, and reused, by name. */
    async findFlight(appId, friendlyName) {
        return (await this.listFlights(appId)).find((f) => f.friendlyName === friendlyName);
    }
    listFlights(appId) {
        return this.list(`applications/${encodeURIComponent(appId)}/listflights`);
    }
    async createAddOn(addOn) {
        const appIds = Array.isArray(addOn.applicationIds) ? addOn.applicationIds : [];
        const find = () => this.findAddOn(String(addOn.productId), appIds);
        const created = await postOnce(this.options.transport, () => this.call('POST', 'inappproducts', { body: addOn }), find);
        return created ?? (await find()) ?? {};
    }
    /** The add-on with this product ID that belongs to one of these apps. */
    async findAddOn(productId, appIds) {
        return (await this.listAddOns()).find((a) => a.productId === productId && addOnBelongsTo(a, appIds));
    }
    listAddOns() {
        return this.list('inappproducts');
    }
}
/** Product IDs are unique per app, so an add-on only matches when it belongs to one of these apps. */
function addOnBelongsTo(addOn, appIds) {
    const apps = isJsonObject(addOn.applications) ? addOn.applications.value : undefined;
    if (!Array.isArray(apps) || appIds.length === 0)
        return true;
    return apps.some((app) => isJsonObject(app) && appIds.includes(app.id ?? null));
}

// EXTERNAL MODULE: ./src/packages/names.ts
var packages_names = __webpack_require__(24493);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
;// CONCATENATED MODULE: ./src/listings/png.ts
/** What the listings reader needs of a PNG image: proof that it is one, its size in pixels and its content hash. */




const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** The signature, then the IHDR chunk: length 13, type, width and height (big-endian). */
const HEADER_BYTES = 24;
/**
 * Reads the header of the image at `file` (its PNG signature and IHDR chunk) and streams its bytes
 * through SHA-256. Returns `{ problem }` instead, a sentence for the user, when the file cannot be
 * read or does not start like a PNG.
 */
async function readPng(file) {
    let header;
    try {
        const handle = await (0,promises_.open)(file, 'r');
        try {
            header = Buffer.alloc(HEADER_BYTES);
            const { bytesRead } = await handle.read(header, 0, HEADER_BYTES, 0);
            header = header.subarray(0, bytesRead);
        }
        finally {
            await handle.close();
        }
    }
    catch (error) {
        return { problem: `cannot be read (${(0,src_errors/* errorMessage */.gJ)(error)})` };
    }
    if (header.length < HEADER_BYTES ||
        !header.subarray(0, 8).equals(PNG_SIGNATURE) ||
        header.toString('latin1', 12, 16) !== 'IHDR') {
        return { problem: 'is not a PNG image (its first bytes are not the PNG signature); export it as PNG' };
    }
    try {
        return { width: header.readUInt32BE(16), height: header.readUInt32BE(20), sha256: await hashFile(file) };
    }
    catch (error) {
        return { problem: `cannot be read (${(0,src_errors/* errorMessage */.gJ)(error)})` };
    }
}
/** The SHA-256 of a file's bytes, in hex, read as a stream. Throws the file system's error. */
async function hashFile(file) {
    const hash = (0,external_node_crypto_.createHash)('sha256');
    for await (const chunk of (0,external_node_fs_.createReadStream)(file))
        hash.update(chunk);
    return hash.digest('hex');
}

;// CONCATENATED MODULE: ./src/zip-name.ts
/**
 * The one rule for names inside the uploaded zip, used for the names a submission gives its files
 * (which may use Windows separators), for the entries of the zips the action builds, and for the
 * entries of a ready-made zip: relative, forward slashes, no `..`, `.` or empty segments, no drive
 * letters, no `:` (Windows refuses it in file names), no control characters, at most 65535 bytes.
 */
const MAX_NAME_BYTES = 0xffff;
/** The problem with a name that already uses forward slashes, as "<quoted name> <what is wrong>". */
function nameProblem(name, quoted) {
    if (name === '')
        return 'the file name is empty';
    if (name.includes('\0'))
        return `${quoted} contains a NUL character`;
    // eslint-disable-next-line no-control-regex
    if (/[\u0001-\u001f\u007f]/.test(name))
        return `${quoted} contains a control character (a line break or tab), which file names cannot have`;
    if (name.startsWith('/'))
        return `${quoted} is an absolute path; use a path relative to content-root`;
    if (/^[A-Za-z]:/.test(name))
        return `${quoted} starts with a drive letter; use a path relative to content-root`;
    if (name.includes(':'))
        return `${quoted} contains ':', which Windows does not allow in file names`;
    const segments = name.split('/');
    if (segments.includes('..'))
        return `${quoted} contains a '..' segment, which would leave the zip's root`;
    if (segments.some((segment) => segment === '' || segment === '.'))
        return `${quoted} contains an empty or '.' path segment`;
    if (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES)
        return `${quoted} is longer than 65535 bytes`;
    return undefined;
}
/**
 * The zip entry name for a file name from a submission's JSON: backslashes become '/', leading
 * './' is dropped. Returns the problem instead for a name the rule above refuses.
 */
function toZipName(fileName) {
    const quoted = JSON.stringify(fileName);
    if (fileName === '')
        return { problem: 'the file name is empty' };
    let name = fileName.replaceAll('\\', '/');
    while (name.startsWith('./'))
        name = name.slice(2);
    if (name === '' || name === '.')
        return { problem: `${quoted} names no file` };
    const problem = nameProblem(name, quoted);
    return problem ? { problem } : { zipName: name };
}
/** The problem with an entry name as it stands in a zip (no separators converted), or undefined. */
function zipEntryNameProblem(name) {
    const quoted = JSON.stringify(name);
    if (name.includes('\\'))
        return `${quoted} contains a backslash; zip paths use forward slashes`;
    return nameProblem(name, quoted);
}

;// CONCATENATED MODULE: ./src/submission/path.ts
/** Field paths for messages and diffs, e.g. `listings.en-us.baseListing.images[2]`. */
/** Keys made of letters, digits, `-` and `_` read naturally after a dot; anything else is quoted. */
const PLAIN_KEY = /^[A-Za-z0-9_-]+$/;
function childPath(parent, key) {
    if (!PLAIN_KEY.test(key))
        return `${parent}[${JSON.stringify(key)}]`;
    return parent ? `${parent}.${key}` : key;
}
function indexPath(parent, index) {
    return `${parent}[${index}]`;
}

;// CONCATENATED MODULE: ./src/submission/files.ts





/** The state of an entry by its `fileStatus`. */
function stateOf(entry) {
    if (entry.fileStatus === 'PendingUpload')
        return 'pending';
    return entry.fileStatus === 'PendingDelete' ? 'deleted' : 'kept';
}
/** A trailer file carries no `fileStatus`: without a service-assigned `id` it is new, so pending. */
function trailerStateOf(entry) {
    if (entry.fileStatus !== undefined)
        return stateOf(entry);
    return entry.id === undefined || entry.id === null || entry.id === '' ? 'pending' : 'kept';
}
/**
 * Calls `visit` for every file entry of a submission: packages (applicationPackages /
 * flightPackages), listing images (listings.*.baseListing.images and platformOverrides.*.images),
 * trailers (videoFileName, trailerAssets.*.imageList[].fileName), add-on listing icons
 * (listings.*.icon), with its file name as given, where the JSON names it, and its state.
 */
function visitFiles(kind, submission, visit) {
    if (kind.packagesField) {
        forEachObject(submission[kind.packagesField], kind.packagesField, (entry, field) => visit(entry.fileName, field, true, stateOf(entry)));
    }
    const images = (value, field) => forEachObject(value, field, (image, imageField) => visit(image.fileName, imageField, false, stateOf(image)));
    forEachEntry(submission.listings, 'listings', (listing, listingField) => {
        const baseListing = listing.baseListing;
        if (isJsonObject(baseListing))
            images(baseListing.images, childPath(childPath(listingField, 'baseListing'), 'images'));
        const overridesField = childPath(listingField, 'platformOverrides');
        forEachEntry(listing.platformOverrides, overridesField, (override, overrideField) => images(override.images, childPath(overrideField, 'images')));
        const icon = listing.icon;
        if (isJsonObject(icon))
            visit(icon.fileName, childPath(listingField, 'icon'), false, stateOf(icon));
    });
    forEachObject(submission.trailers, 'trailers', (trailer, trailerField) => {
        visit(trailer.videoFileName, childPath(trailerField, 'videoFileName'), false, trailerStateOf(trailer));
        const assetsField = childPath(trailerField, 'trailerAssets');
        forEachEntry(trailer.trailerAssets, assetsField, (assets, languageField) => {
            forEachObject(assets.imageList, childPath(languageField, 'imageList'), (image, imageField) => visit(image.fileName, imageField, false, trailerStateOf(image)));
        });
    });
}
/**
 * Every file the submission marks PendingUpload (the entries visitFiles walks). Trailers carry no
 * `fileStatus`: a trailer without a service-assigned `id` is new, so its video is pending, and so
 * is every thumbnail without an `id` (an entry may also say `fileStatus: PendingUpload`
 * explicitly). The same file may be named by several fields (one screenshot used by two
 * listings); each field is listed, so a zip builder adds each distinct `zipName` once.
 *
 * Throws InputError('submission-json') for a pending entry without a usable file name: pending
 * entries only come from the user's JSON or from `packages`, which buildSubmission checks first.
 */
function pendingUploads(kind, submission) {
    const found = [];
    visitFiles(kind, submission, (fileName, field, isPackage, state) => {
        if (state !== 'pending')
            return;
        if (typeof fileName !== 'string') {
            throw new src_errors/* InputError */.dz('submission-json', `${field} is marked for upload but has no fileName`);
        }
        const zip = toZipName(fileName);
        if ('problem' in zip)
            throw new src_errors/* InputError */.dz('submission-json', `${field}: ${zip.problem}`);
        found.push({ fileName, zipName: zip.zipName, field, isPackage });
    });
    return found;
}
/**
 * The file names of every file entry a submission names that is not marked PendingDelete, pending
 * or already with the Store (the entries visitFiles walks), each with whether it is a package entry.
 */
function liveFiles(kind, submission) {
    const found = [];
    visitFiles(kind, submission, (fileName, _field, isPackage, state) => {
        if (state !== 'deleted' && typeof fileName === 'string')
            found.push({ fileName, isPackage });
    });
    return found;
}
/**
 * How a file entry is told apart from the others: a package by packageKey (its folder may
 * differ), any other file by its whole zip name, ignoring case.
 */
function fileEntryKey(fileName, isPackage) {
    if (isPackage)
        return `package:${(0,packages_names/* packageKey */.MO)(fileName)}`;
    const named = toZipName(fileName);
    return `file:${('zipName' in named ? named.zipName : fileName).toLowerCase()}`;
}
/** Calls `visit` for every object element of an array (anything else is not the shape we look for). */
function forEachObject(value, field, visit) {
    if (!Array.isArray(value))
        return;
    value.forEach((entry, index) => {
        if (isJsonObject(entry))
            visit(entry, indexPath(field, index));
    });
}
/** Calls `visit` for every object value of a map such as `listings` (language -> listing). */
function forEachEntry(value, field, visit) {
    if (!isJsonObject(value))
        return;
    for (const [key, entry] of Object.entries(value)) {
        if (isJsonObject(entry))
            visit(entry, childPath(field, key));
    }
}
/**
 * Problems with a set of zip names: unsafe names (see toZipName), and names that collide, compared
 * case-insensitively as Windows tooling compares them. Pass each distinct file once: a name listed
 * twice is reported as a collision too.
 */
function zipNameProblems(names) {
    const problems = [];
    const byFoldedName = new Map();
    for (const name of names) {
        const zip = toZipName(name);
        if ('problem' in zip) {
            problems.push(zip.problem);
            continue;
        }
        const folded = zip.zipName.toLowerCase();
        byFoldedName.set(folded, [...(byFoldedName.get(folded) ?? []), name]);
    }
    for (const group of byFoldedName.values()) {
        if (group.length < 2)
            continue;
        const distinct = [...new Set(group)];
        problems.push(distinct.length === 1
            ? `${JSON.stringify(distinct[0])} is listed ${group.length} times`
            : `${distinct.map((name) => JSON.stringify(name)).join(', ')} name the same zip entry (Windows compares names case-insensitively)`);
    }
    return problems;
}

;// CONCATENATED MODULE: ./src/commands/files.ts
/**
 * Finds every file the submission will upload, before anything is changed in the Store: the
 * package globs, and each file the submission JSON marks PendingUpload, looked up under
 * `content-root`. A missing or empty file, an unsafe or duplicate zip name, a glob that matches
 * nothing, or a file whose real path (symbolic links followed) leaves the folder the input points
 * at fails here, naming the input: files are read only where the user pointed.
 */









/** Whether `file` (a link followed) is a file; false for a broken link. */
function isFileAt(file) {
    try {
        return (0,external_node_fs_.statSync)(file).isFile();
    }
    catch {
        return false;
    }
}
/** The folder part of an absolute glob pattern before its first wildcard segment: where it points. */
function literalBase(absolutePattern) {
    // The glob takes '\' as a folder separator on every platform, so both separate segments here.
    const segments = absolutePattern.split(/[\\/]/);
    const firstWild = segments.findIndex((segment) => /[*?[{]/.test(segment));
    const kept = firstWild === -1 ? segments.slice(0, -1) : segments.slice(0, firstWild);
    return external_node_path_default().resolve(kept.join('/') || '/');
}
/** The most patterns one glob may expand to: far more than any build's output needs. */
const MAX_GLOB_PATTERNS = 1000;
/** Nesting of braces deeper than any glob needs: counted as too many rather than followed. */
const MAX_BRACE_DEPTH = 50;
const NUMERIC_RANGE = /^(-?\d+)\.\.(-?\d+)(?:\.\.(-?\d+))?$/;
const LETTER_RANGE = /^([a-zA-Z])\.\.([a-zA-Z])(?:\.\.(-?\d+))?$/;
/**
 * How many patterns the glob's brace expansion makes of `pattern` (at least as many, never fewer):
 * `{a,b}` is 2, `{1..10}` 10, groups side by side multiply, nested lists add up; `{a}` and an
 * unmatched brace are literal. Infinity for braces nested past MAX_BRACE_DEPTH. Counted without
 * expanding, in time linear in the pattern's length times its nesting: `fs.glob` expands braces
 * synchronously, so a short pattern could hold the run past its deadline before the glob started.
 */
function globPatternCount(pattern) {
    // The closing brace of each opening one that has one, matched as the expansion matches them.
    const closeOf = new Map();
    const open = [];
    for (let i = 0; i < pattern.length; i++) {
        if (pattern[i] === '{')
            open.push(i);
        else if (pattern[i] === '}' && open.length > 0)
            closeOf.set(open.pop(), i);
    }
    // The patterns of pattern[start, end): the product of its brace groups' counts.
    const count = (start, end, depth) => {
        if (depth > MAX_BRACE_DEPTH)
            return Infinity;
        let total = 1;
        for (let i = start; i < end; i++) {
            const close = closeOf.get(i);
            if (close === undefined || close >= end)
                continue;
            total *= group(i + 1, close, depth + 1);
            i = close;
        }
        return total;
    };
    // The patterns of one group's body pattern[start, end): its alternatives added up, or a range's length.
    const group = (start, end, depth) => {
        const commas = [];
        for (let i = start; i < end; i++) {
            const close = closeOf.get(i);
            if (close !== undefined)
                i = close;
            else if (pattern[i] === ',')
                commas.push(i);
        }
        if (commas.length > 0) {
            const bounds = [start - 1, ...commas, end];
            let sum = 0;
            for (let k = 0; k + 1 < bounds.length; k++)
                sum += count(bounds[k] + 1, bounds[k + 1], depth);
            return sum;
        }
        const body = pattern.slice(start, end);
        const numeric = NUMERIC_RANGE.exec(body);
        const letters = numeric ? undefined : LETTER_RANGE.exec(body);
        const range = numeric
            ? [Number(numeric[1]), Number(numeric[2]), numeric[3]]
            : letters
                ? [letters[1].charCodeAt(0), letters[2].charCodeAt(0), letters[3]]
                : undefined;
        if (range) {
            const step = Math.abs(Number(range[2] ?? 1)) || 1;
            return Math.floor(Math.abs(range[1] - range[0]) / step) + 1;
        }
        return count(start, end, depth);
    };
    return count(0, pattern.length, 0);
}
/** Throws InputError('packages') when `pattern` (as given; `absolute`, as globbed) expands to more than MAX_GLOB_PATTERNS patterns. */
function checkGlobCost(pattern, absolute) {
    const patterns = globPatternCount(absolute);
    if (patterns <= MAX_GLOB_PATTERNS)
        return;
    const howMany = Number.isFinite(patterns) ? patterns.toLocaleString('en-US') : 'too many';
    throw new src_errors/* InputError */.dz('packages', `'${pattern}' expands to ${howMany} patterns ({a,b} lists and {1..9} ranges multiply); at most ${MAX_GLOB_PATTERNS.toLocaleString('en-US')} are read. Name the files with '*' instead, e.g. out/*.msixupload.`);
}
/**
 * The files (and links to files) an absolute glob pattern matches, sorted; none under a path
 * `excluded` matches. Node's own `fs.glob`: `*`, `?`, `[...]`, `{a,b}` and `**`; '/' and '\'
 * both separate folders; `*` and `**` skip names that start with '.' (name such a folder
 * literally). Not `@actions/glob`: that pulls `@actions/core` and a second undici into the run,
 * 22 MB of peak memory (bench: 157 MB against 135 MB for a 256 MiB upload).
 */
async function globFiles(absolutePattern, excluded) {
    const matches = [];
    for await (const entry of (0,promises_.glob)(absolutePattern, { withFileTypes: true, exclude: [...excluded] })) {
        const full = external_node_path_default().join(entry.parentPath, entry.name);
        if (entry.isFile() || (entry.isSymbolicLink() && isFileAt(full)))
            matches.push(full);
    }
    return matches.sort();
}
/** The `packages` patterns made absolute (relative ones to `workspace`): those that match, and the '!' ones that leave out. */
function absolutePatterns(patterns, workspace) {
    const absolute = (pattern) => (external_node_path_default().isAbsolute(pattern) ? pattern : external_node_path_default().join(workspace, pattern));
    // Every glob is bounded before it runs: brace expansion in fs.glob is synchronous.
    for (const pattern of patterns)
        checkGlobCost(pattern, absolute(pattern.replace(/^!/, '')));
    return {
        included: patterns.filter((p) => !p.startsWith('!')).map((pattern) => ({ pattern, absolute: absolute(pattern) })),
        excluded: patterns.filter((p) => p.startsWith('!')).map((p) => absolute(p.slice(1))),
    };
}
/**
 * The file names of the package files the `packages` globs (relative to `workspace`) match here,
 * '!' patterns leaving theirs out, sorted; none when they match nothing. Unlike findPackages this
 * refuses nothing: `command: commit` only compares the names with the staged submission's.
 */
async function packageNamesOnRunner(patterns, workspace) {
    const { included, excluded } = absolutePatterns(patterns, workspace);
    const names = new Set();
    for (const { absolute } of included) {
        for (const match of await globFiles(absolute, excluded)) {
            if ((0,packages_names/* packageFormat */.Ku)(external_node_path_default().basename(match)) !== undefined)
                names.add(external_node_path_default().basename(match));
        }
    }
    return [...names].sort();
}
/**
 * The package files the `packages` globs (relative to `workspace`) match, each named in the zip by
 * its file name, `size` in bytes; a pattern that starts with '!' leaves out what it matches. Throws
 * InputError('packages') for a pattern whose braces expand to more than MAX_GLOB_PATTERNS patterns
 * (checked before any glob runs), a pattern that matches nothing, a match that is not a package, is
 * empty, has a backslash in its name, or whose real path leaves the workspace (or, for a pattern
 * that points outside the workspace, the folder it points at), and for two matches with one file
 * name (saying so when they are copies with the same bytes).
 */
async function findPackages(patterns, workspace) {
    const { included, excluded } = absolutePatterns(patterns, workspace);
    const found = [];
    const realWorkspace = realPath(workspace);
    for (const { pattern, absolute } of included) {
        const matches = await globFiles(absolute, excluded);
        if (matches.length === 0) {
            const left = excluded.length > 0 ? " once the '!' patterns have left theirs out" : '';
            throw new src_errors/* InputError */.dz('packages', `'${pattern}' matches no file under ${workspace}${left}; check the build output path.`);
        }
        const base = literalBase(absolute);
        const root = isInside(external_node_path_default().resolve(base), { within: workspace }) ? realWorkspace : realPath(base);
        for (const match of matches) {
            const shown = external_node_path_default().relative(workspace, match);
            if ((0,packages_names/* packageFormat */.Ku)(external_node_path_default().basename(match)) === undefined) {
                throw new src_errors/* InputError */.dz('packages', `'${pattern}' matches ${shown}, which is not a package (${packages_names/* PACKAGE_EXTENSIONS */.W7.join(' ')}); narrow the pattern.`);
            }
            if (external_node_path_default().basename(match).includes('\\')) {
                throw new src_errors/* InputError */.dz('packages', `'${pattern}' matches ${shown}, whose file name contains '\\', a Windows path separator (a zip made on Windows and unpacked here can leave such names); rename the file or unpack it with a tool that makes folders.`);
            }
            const real = realPath(match);
            if (!isInside(real, { within: root })) {
                throw new src_errors/* InputError */.dz('packages', `'${pattern}' matches ${shown}, a symbolic link to ${real}, outside ${root === realWorkspace ? `the workspace (${workspace})` : root}. Packages are read only where 'packages' points: copy the file there instead of linking it.`);
            }
            if (found.some((f) => f.path === match))
                continue;
            const size = (0,external_node_fs_.statSync)(match).size;
            if (size === 0) {
                throw new src_errors/* InputError */.dz('packages', `${shown} is empty (0 bytes): the build did not finish writing it, or wrote it elsewhere. Check the packaging step's output.`);
            }
            found.push({ name: external_node_path_default().basename(match), path: match, size });
        }
    }
    const byName = new Map();
    for (const file of found)
        byName.set((0,packages_names/* packageKey */.MO)(file.name), [...(byName.get((0,packages_names/* packageKey */.MO)(file.name)) ?? []), file]);
    const clashes = [...byName.values()].filter((group) => group.length > 1);
    if (clashes.length > 0) {
        const groups = await Promise.all(clashes.map(async (group) => ({ group, copies: await sameBytes(group) })));
        const paths = (group) => group.map((f) => external_node_path_default().relative(workspace, f.path)).join(' and ');
        const described = groups.map(({ group, copies }) => copies
            ? `${paths(group)} are copies of one file (the same name and the same bytes)`
            : `${paths(group)} have the same file name '${group[0]?.name}'`);
        // Copies of one artifact need a narrower pattern, not new names: the Store would refuse the same version twice.
        const fixes = [
            ...(groups.some((g) => g.copies)
                ? [
                    "One build arrives twice (e.g. an artifact downloaded into two folders): make the patterns match one copy only, e.g. name the folder instead of '**', or leave a copy out with a '!' pattern",
                ]
                : []),
            ...(groups.some((g) => !g.copies)
                ? [
                    'Packages go into the zip by file name (compared without regard to case); give each a unique name (e.g. include the architecture), or narrow the pattern',
                ]
                : []),
        ];
        throw new src_errors/* InputError */.dz('packages', `${described.join('; ')}. ${fixes.join('. ')}.`);
    }
    const problems = zipNameProblems(found.map((f) => f.name));
    if (problems.length > 0) {
        throw new src_errors/* InputError */.dz('packages', `${problems.join('; ')}. Packages go into the zip by file name; give each a unique name (e.g. include the architecture).`);
    }
    return found;
}
/** Whether the files hold the same bytes: the same size, then the same SHA-256. */
async function sameBytes(files) {
    if (new Set(files.map((f) => f.size)).size > 1)
        return false;
    const digests = await Promise.all(files.map((file) => hashFile(file.path)));
    return new Set(digests).size === 1;
}
/**
 * Every file the built submission will need in the zip: the new packages as found, the images the
 * listings folder adds (`fromListings`: zip entry name -> absolute path inside the folder, as
 * buildSubmission returns them in `uploads`), and each other PendingUpload file (listing images,
 * trailers, add-on icons named by submission-json) under `content-root`. Throws
 * InputError('submission-json') for a file that is missing, or whose real path (symbolic links
 * followed) lies outside `content-root`.
 */
function filesToUpload(kind, submission, packages, contentRoot, fromListings = new Map()) {
    const packagesByKey = new Map(packages.map((p) => [(0,packages_names/* packageKey */.MO)(p.name), p]));
    const files = [];
    for (const pending of pendingUploads(kind, submission)) {
        const named = toZipName(pending.fileName);
        if ('problem' in named)
            throw new src_errors/* InputError */.dz('submission-json', `${pending.field}: ${named.problem}`);
        // Two listings may name one shared image: it goes into the zip once.
        if (files.some((f) => f.name === named.zipName))
            continue;
        // A package entry is this run's package file when its file name is one's, whatever folder the
        // entry names: the file goes into the zip under the entry's name.
        const known = pending.isPackage ? packagesByKey.get((0,packages_names/* packageKey */.MO)(named.zipName)) : undefined;
        if (known) {
            files.push({ ...known, name: named.zipName });
            continue;
        }
        const listingImage = fromListings.get(named.zipName);
        if (listingImage !== undefined) {
            files.push({ name: named.zipName, path: listingImage, size: (0,external_node_fs_.statSync)(listingImage).size });
            continue;
        }
        const onDisk = external_node_path_default().join(contentRoot, ...named.zipName.split('/'));
        let size;
        try {
            const stat = (0,external_node_fs_.statSync)(onDisk);
            if (!stat.isFile())
                throw new Error('not a file');
            size = stat.size;
        }
        catch {
            throw new src_errors/* InputError */.dz('submission-json', `${pending.field} names '${pending.fileName}' with fileStatus PendingUpload, but ${onDisk} does not exist. Put the file there, or set 'content-root' to the folder file names are relative to.`);
        }
        const { real, inside } = realPlace(onDisk, contentRoot);
        if (!inside) {
            throw new src_errors/* InputError */.dz('submission-json', `${pending.field} names '${pending.fileName}', which is a symbolic link to ${real}, outside content-root (${contentRoot}). Files are read only from content-root: copy the file there instead of linking it.`);
        }
        files.push({ name: named.zipName, path: onDisk, size });
    }
    const problems = zipNameProblems(files.map((f) => f.name));
    if (problems.length > 0)
        throw new src_errors/* InputError */.dz('submission-json', `${problems.join('; ')}.`);
    return files;
}
/** Problems shown in one error at most; the count says how many there are in all. */
const MAX_LISTED = 5;
/**
 * A ready-made zip (`zip-path`) is uploaded as it is, so its entries must follow the rules of the
 * zips the action builds (zipEntryNameProblem: relative, '/' separators, no '..'; a directory
 * entry's one trailing '/' aside), no two may differ only in case, and it must already hold every
 * file the submission marks PendingUpload, under the same path. Checked here, before anything is
 * created, rather than by the Store's CommitFailed or MissingFiles after the commit. Throws
 * InputError('zip-path').
 */
async function checkReadyZip(kind, submission, zipPath) {
    let entries;
    try {
        // The zip reader loads only when a ready-made zip is checked, not on the action's cold start.
        const { listZipEntries } = await Promise.all(/* import() */[__webpack_require__.e(663), __webpack_require__.e(130)]).then(__webpack_require__.bind(__webpack_require__, 81130));
        entries = await listZipEntries(zipPath);
    }
    catch (error) {
        throw new src_errors/* InputError */.dz('zip-path', `${zipPath} cannot be read as a zip (${error.message}).`);
    }
    const problems = [];
    const seen = new Map();
    for (const entry of entries) {
        const name = entry.name.endsWith('/') ? entry.name.slice(0, -1) : entry.name;
        const problem = zipEntryNameProblem(name);
        if (problem) {
            problems.push(problem);
            continue;
        }
        const folded = name.toLowerCase();
        const earlier = seen.get(folded);
        if (earlier !== undefined)
            problems.push(`${JSON.stringify(earlier)} and ${JSON.stringify(name)} name the same file (Windows compares names case-insensitively)`);
        else
            seen.set(folded, name);
    }
    if (problems.length > 0) {
        const listed = problems.slice(0, MAX_LISTED).join('; ');
        const more = problems.length > MAX_LISTED ? ` (and ${problems.length - MAX_LISTED} more)` : '';
        throw new src_errors/* InputError */.dz('zip-path', `${zipPath} has ${problems.length === 1 ? 'an entry' : `${problems.length} entries`} the Store cannot take: ${listed}${more}. ` +
            "Entry names must be relative paths with '/' between folders; re-create the zip, or let the action build it from 'packages' and 'content-root'.");
    }
    const names = new Set(entries.map((e) => e.name));
    const missing = pendingUploads(kind, submission).filter((pending) => {
        const named = toZipName(pending.fileName);
        return !('zipName' in named) || !names.has(named.zipName);
    });
    if (missing.length > 0) {
        throw new src_errors/* InputError */.dz('zip-path', `${zipPath} has no entry for ${missing.map((m) => `'${m.fileName}' (${m.field})`).join(', ')}, marked PendingUpload in the submission. ` +
            'Every fileName must be the path of a file inside the zip.');
    }
}

;// CONCATENATED MODULE: ./src/commands/pending.ts
/**
 * What a run does about the product's pending submission (the Store allows one at a time), decided
 * from what the Store shows, so it works without any record of earlier runs (docs/contract.md "Across
 * runs"). Pure: the submit command acts on the decision.
 */


/** Statuses in which a submission can still be changed and committed by the API. */
const NOT_YET_COMMITTED = new Set(['PendingCommit', 'CommitFailed']);
/** A submission created through the API carries an upload URL; one made in Partner Center has none (docs/store-api.md, the zip upload). */
function createdThroughApi(submission) {
    return typeof submission.fileUploadUrl === 'string' && submission.fileUploadUrl !== '';
}
function submissionStatus(submission) {
    return typeof submission.status === 'string' ? submission.status : 'Unknown';
}
/** The file names of a submission's package entries that are not marked PendingDelete. */
function livePackageNames(kind, submission) {
    const entries = kind.packagesField ? submission[kind.packagesField] : undefined;
    if (!Array.isArray(entries))
        return [];
    return entries.flatMap((entry) => isJsonObject(entry) && typeof entry.fileName === 'string' && entry.fileStatus !== 'PendingDelete'
        ? [entry.fileName]
        : []);
}
/** Files shown in a reason at most; the count says how many there are in all. */
const MAX_NAMED = 3;
/**
 * Why `pending` is not this run's work, or undefined when it is: created through the API and
 * already listing every file this run adds (`added`: packages, listing images with their content
 * hash in the name, trailers, icons; at least one, since a run that adds no file cannot tell its
 * work from another's), in any state but PendingDelete.
 */
function notThisWork(kind, pending, added) {
    if (!createdThroughApi(pending))
        return 'it was made in Partner Center, and this run makes its submissions through the API';
    if (added.length === 0)
        return 'this run adds no file (no package, image or trailer), so nothing shows the submission is its work';
    const listed = new Set(liveFiles(kind, pending).map((file) => fileEntryKey(file.fileName, file.isPackage)));
    const missing = added
        .filter((file) => !listed.has(fileEntryKey(file.zipName, file.isPackage)))
        .map((file) => file.zipName);
    if (missing.length === 0)
        return undefined;
    const more = missing.length > MAX_NAMED ? ` and ${missing.length - MAX_NAMED} more` : '';
    return `it does not list ${missing.slice(0, MAX_NAMED).join(', ')}${more} of the ${added.length} file(s) this run adds`;
}
/**
 * The decision for a pending submission, given the files this run adds (what it marks
 * PendingUpload on the last published submission) and `on-pending`. It is this run's own work
 * from an earlier attempt when notThisWork finds no reason against it; otherwise the message
 * gives the reason that applies.
 */
function decidePending(kind, pending, added, onPending, product) {
    if (!pending)
        return { action: 'create' };
    const id = String(pending.id);
    const status = submissionStatus(pending);
    const byApi = createdThroughApi(pending);
    const reason = notThisWork(kind, pending, added);
    if (reason === undefined) {
        return NOT_YET_COMMITTED.has(status)
            ? { action: 'continue', submission: pending }
            : { action: 'wait', submission: pending };
    }
    const what = `The ${product} already has a pending submission ${id} (${status}, created ${byApi ? 'through the API' : 'in Partner Center'}), and it is not this run's work (${reason}). The Store allows one pending submission at a time`;
    if (!NOT_YET_COMMITTED.has(status)) {
        return {
            action: 'stop',
            message: `${what}. It is already committed and being processed, which the API cannot undo or delete: wait for it to finish (follow it with 'command: status' or in Partner Center), or cancel it in Partner Center, then run again.`,
        };
    }
    if (!byApi) {
        return {
            action: 'stop',
            message: `${what}. The API can only delete submissions it created, so ${onPending === 'delete' ? "'on-pending: delete' cannot remove it" : "'on-pending: delete' would not help"}: delete it in Partner Center, then run again.`,
        };
    }
    if (onPending === 'fail') {
        return {
            action: 'stop',
            message: `${what}: delete it in Partner Center, or set 'on-pending: delete' to have the action delete it.`,
        };
    }
    return { action: 'delete', submissionId: id };
}

// EXTERNAL MODULE: ./src/packages/identity.ts
var identity = __webpack_require__(3583);
;// CONCATENATED MODULE: ./src/submission/readback.ts
/**
 * What the Store took of a commit: the submission as read back once processing is done, compared
 * with the submission as the run committed it. The Store can drop a package in processing or leave
 * a flight's packages as they were while every status says success
 * (docs/store-api.md#what-the-store-took-after-a-commit), so the run checks the files by name, and
 * the new packages' versions where the Store reports them. Pure.
 */




/**
 * Compares `taken` (the submission read back after processing) with `committed` (the submission as
 * the run committed it, or found it committed when it continues an earlier attempt). Every file of
 * `committed` not marked PendingDelete (packages, listing images, trailers, add-on icons) must be
 * listed in `taken`, not as PendingDelete; files are told apart as fileEntryKey does. `newPackages`:
 * this run's new packages by file name (any folder, any case), each with the versions its manifest
 * gives (empty when it was not read); they count as added even where `committed` misses them, and
 * where `taken` reports a version it must be one of them. Never throws.
 */
function checkTaken(kind, committed, taken, newPackages) {
    const versionsOf = new Map([...newPackages].map(([name, versions]) => [(0,packages_names/* packageKey */.MO)(name), versions]));
    const expected = new Map();
    const markedDeleted = new Map();
    visitFiles(kind, committed, (fileName, _field, isPackage, state) => {
        if (typeof fileName !== 'string')
            return;
        if (state === 'deleted') {
            if (isPackage)
                markedDeleted.set(fileEntryKey(fileName, true), fileName);
            return;
        }
        const key = fileEntryKey(fileName, isPackage);
        const added = state === 'pending' || (isPackage && versionsOf.has((0,packages_names/* packageKey */.MO)(fileName)));
        const known = expected.get(key);
        expected.set(key, { fileName: known?.fileName ?? fileName, isPackage, added: added || (known?.added ?? false) });
    });
    for (const name of newPackages.keys()) {
        const key = fileEntryKey(name, true);
        if (!expected.has(key))
            expected.set(key, { fileName: name, isPackage: true, added: true });
    }
    const listed = new Map();
    visitFiles(kind, taken, (fileName, _field, isPackage, state) => {
        if (typeof fileName !== 'string')
            return;
        const key = fileEntryKey(fileName, isPackage);
        // A live entry counts over a PendingDelete one of the same name (an old package the new one replaces).
        if (listed.get(key) === undefined || state !== 'deleted')
            listed.set(key, state);
    });
    const reported = reportedVersions(kind, taken);
    const oldKept = [...markedDeleted]
        .filter(([key]) => !expected.has(key) && listed.has(key) && listed.get(key) !== 'deleted')
        .map(([, fileName]) => fileName);
    const check = { added: [], kept: [], problems: [], versionNotReported: [] };
    for (const [key, file] of expected) {
        const { fileName, isPackage, added } = file;
        (added ? check.added : check.kept).push(fileName);
        const state = listed.get(key);
        if (state === undefined) {
            check.problems.push(added
                ? { what: 'dropped', fileName, isPackage, oldKept: isPackage ? oldKept : [] }
                : { what: 'removed', fileName, isPackage });
            continue;
        }
        if (state === 'deleted') {
            check.problems.push({ what: 'marked-deleted', fileName, isPackage, added });
            continue;
        }
        const versions = isPackage && added ? (versionsOf.get((0,packages_names/* packageKey */.MO)(fileName)) ?? []) : [];
        if (versions.length === 0)
            continue;
        const version = reported.get((0,packages_names/* packageKey */.MO)(fileName));
        if (version === undefined) {
            check.versionNotReported.push(fileName);
        }
        else if (!versions.some((one) => (0,identity/* sameVersion */.r1)(one, version))) {
            check.problems.push({
                what: 'other-version',
                fileName,
                isPackage: true,
                reported: version,
                expected: versions,
                older: versions.every((one) => (0,identity/* isOlderVersion */.hp)(version, one)),
            });
        }
    }
    return check;
}
/** The version the Store reports for each live package entry, by packageKey; entries without one are left out. */
function reportedVersions(kind, submission) {
    const versions = new Map();
    const entries = kind.packagesField ? submission[kind.packagesField] : undefined;
    if (!Array.isArray(entries))
        return versions;
    for (const entry of entries) {
        if (!isJsonObject(entry) || entry.fileStatus === 'PendingDelete' || typeof entry.fileName !== 'string')
            continue;
        if (typeof entry.version === 'string' && entry.version.trim() !== '')
            versions.set((0,packages_names/* packageKey */.MO)(entry.fileName), entry.version.trim());
    }
    return versions;
}
/** One problem as a sentence about its file, saying what the Store did, e.g. `App_2.0.0.0_x64.msixupload: the Store dropped it ...`. */
function describeTakenProblem(problem) {
    const what = problem.isPackage ? 'package' : 'file';
    switch (problem.what) {
        case 'dropped':
            return (`${problem.fileName}: the Store dropped it in processing (the submission no longer lists this ${what}, which this run added)` +
                (problem.oldKept.length
                    ? ` and kept the old package${problem.oldKept.length > 1 ? 's' : ''} ${problem.oldKept.join(', ')}, which this run marked PendingDelete`
                    : ''));
        case 'removed':
            return `${problem.fileName}: the Store removed it (the submission no longer lists this ${what}, which this run kept)`;
        case 'marked-deleted':
            return `${problem.fileName}: the Store marked it PendingDelete, though this run ${problem.added ? 'added' : 'kept'} it`;
        case 'other-version':
            return problem.older
                ? `${problem.fileName}: the Store kept the old version: it lists ${problem.reported}, while the package's manifest gives ${problem.expected.join(' or ')}`
                : `${problem.fileName}: the Store lists version ${problem.reported}, while the package's manifest gives ${problem.expected.join(' or ')}`;
    }
}

;// CONCATENATED MODULE: ./src/commands/submit/processed.ts
/**
 * What the Store took once it processed the commit. The Store can drop a package in processing, or
 * leave a flight's packages as they were, while every status says success, so the submission is
 * read back and checked against what the run committed (docs/store-api.md#what-the-store-took-after-a-commit);
 * the versions, architectures and rollout the Store filled in are shown in the log and summary.
 */






/** The keys of a status answer (`GET .../status`); a read with any other key is the whole resource. */
const STATUS_KEYS = new Set(['status', 'statusDetails']);
/** Statuses in which a submission still lists what was committed: the Store has not pre-processed it yet. */
const UNPROCESSED = new Set(['PendingCommit', 'CommitStarted', 'PreProcessing']);
/** The title of the `::error::` when the read-back differs from the commit. */
const TITLE = 'The Store did not take what was committed';
/**
 * Checks what the Store took of `committed` (the submission as this run committed it, or found it
 * committed when it only waits) once the wait is over: `processed` is the wait's last read,
 * reused when it is the whole resource, else the submission is read once more (one GET);
 * undefined when the run did not wait (`wait-for: none`), which is recorded as not checked, as is a
 * `committed` found already past pre-processing (its read shows the Store's result, not the commit). Records
 * the outcome (outputs, summary, run record) and the versions and architectures the Store reports
 * for the uploaded files. Throws TitledError naming each file the Store dropped, removed, marked
 * PendingDelete or lists with another version than its manifest gives.
 */
async function checkProcessedSubmission(ctx, kind, target, submissionId, processed, committed) {
    const { record, logger } = ctx;
    if (!processed) {
        record.verification = notChecked("'wait-for: none' returns before the Store processes the commit");
        logger.info(`What the Store took of submission ${submissionId} is not checked: ${record.verification.reason}; 'wait-for: commit' checks it`);
        return;
    }
    // The submission this run sent has no status; one it found (command: commit, a continued run) has.
    const foundAt = typeof committed.status === 'string' ? committed.status : 'PendingCommit';
    if (!UNPROCESSED.has(foundAt)) {
        record.verification = notChecked(`the submission was already ${foundAt} when this run found it, so what was committed is no longer known`);
        logger.info(`What the Store took of submission ${submissionId} is not checked: ${record.verification.reason}`);
        showFilledIn(ctx, kind, submissionId, processed);
        return;
    }
    const readBack = Object.keys(processed).some((key) => !STATUS_KEYS.has(key))
        ? processed
        : await ctx.store.getSubmission(target, submissionId);
    showFilledIn(ctx, kind, submissionId, readBack);
    const newPackages = new Map(record.packages.map((p) => [p.file, [p.version, ...(p.otherVersions ?? [])]]));
    const check = checkTaken(kind, committed, readBack, newPackages);
    const status = submissionStatus(readBack);
    const problems = check.problems.map(describeTakenProblem);
    record.verification = {
        outcome: problems.length ? 'failed' : check.versionNotReported.length ? 'unconfirmed' : 'passed',
        status,
        added: check.added,
        kept: check.kept,
        problems,
        versionNotReported: check.versionNotReported,
    };
    if (problems.length) {
        throw new src_errors/* TitledError */.De(TITLE, `Submission ${submissionId} is ${status}, but the Store did not take what this run committed: ${problems.join('; ')}. ` +
            'No Store status reports this. Open the submission in Partner Center to see what it holds: an .msixupload or .appxupload ' +
            'that is not one package or bundle (plus symbol files) is dropped this way, and a fault on the Store side has lost flight packages before. ' +
            'Fix the cause and submit again; the API cannot cancel a submission in processing, Partner Center can.');
    }
    logger.info(`What the Store took: submission ${submissionId} (${status}) lists the ${check.added.length} file(s) this run added and the ${check.kept.length} it kept`);
    if (check.versionNotReported.length) {
        logger.info(`The Store reports no version yet for ${check.versionNotReported.join(', ')} (at ${status}): file names checked, versions not; 'wait-for: publish' checks them too`);
    }
}
function notChecked(reason) {
    return { outcome: 'not-checked', added: [], kept: [], problems: [], versionNotReported: [], reason };
}
/** Copies the version and architecture the Store reports for each uploaded package into the record, and records the rollout. */
function showFilledIn(ctx, kind, submissionId, submission) {
    const { record, logger } = ctx;
    if (!kind.packagesField)
        return;
    const entries = submission[kind.packagesField];
    for (const file of record.files) {
        const key = (0,packages_names/* packageKey */.MO)(file.name);
        const entry = Array.isArray(entries)
            ? entries.find((e) => isJsonObject(e) && typeof e.fileName === 'string' && (0,packages_names/* packageKey */.MO)(e.fileName) === key)
            : undefined;
        if (!isJsonObject(entry))
            continue;
        if (typeof entry.version === 'string')
            file.version = entry.version;
        if (typeof entry.architecture === 'string')
            file.architecture = entry.architecture;
    }
    const rollout = rolloutOfSubmission(submission);
    if (rollout.status || rollout.percentage !== undefined) {
        record.rolloutAfter = rollout;
        logger.info(`Gradual rollout of submission ${submissionId}: ${rollout.status ?? 'set'} at ${rollout.percentage ?? 0}%`);
    }
}

;// CONCATENATED MODULE: ./src/store/status-details.ts
/** The errors and warnings listed in full; the rest are counted. */
const MAX_LISTED_DETAILS = 20;
/** The longest text of one detail that is shown; a longer one is cut, saying how much. */
const MAX_DETAIL_CHARS = 1000;
/** `text`, cut to MAX_DETAIL_CHARS with the count of characters left out. */
function cutText(text) {
    if (text.length <= MAX_DETAIL_CHARS)
        return text;
    return `${text.slice(0, MAX_DETAIL_CHARS)}… (${(text.length - MAX_DETAIL_CHARS).toLocaleString('en-US')} more characters)`;
}
/**
 * The Store's errors and warnings (or only the lists named in `lists`) as lines, e.g. "error
 * MissingFiles: the zip lacks App.msixupload": the first MAX_LISTED_DETAILS, each cut to about
 * 1,000 characters, then a line that counts the rest.
 */
function describeStatusDetails(details, lists = ['errors', 'warnings']) {
    const lines = [];
    let more = 0;
    for (const key of lists) {
        const items = details?.[key];
        if (!Array.isArray(items))
            continue;
        for (const item of items) {
            if (item && typeof item === 'object' && !Array.isArray(item)) {
                if (lines.length === MAX_LISTED_DETAILS) {
                    more += 1;
                    continue;
                }
                // MSIX statusDetails carry `details`; the MSI/EXE API's messages carry `message` and `target`.
                const target = typeof item.target === 'string' && item.target ? ` (target ${item.target})` : '';
                lines.push(cutText(`${key === 'errors' ? 'error' : 'warning'} ${String(item.code ?? 'Unknown')}${target}: ${String(item.details ?? item.message ?? '')}`));
            }
        }
    }
    if (more > 0)
        lines.push(`… and ${more.toLocaleString('en-US')} more; the full list is in the run record artifact`);
    return lines;
}
/** `value` with every text cut to MAX_DETAIL_CHARS and every list to its first `keep` items. */
function shortened(value, keep) {
    if (typeof value === 'string')
        return cutText(value);
    if (Array.isArray(value))
        return value.slice(0, keep).map((item) => shortened(item, keep));
    if (value && typeof value === 'object')
        return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, shortened(item, keep)]));
    return value;
}
/**
 * `details` as compact JSON of at most `limitBytes` UTF-8 bytes. When the whole does not fit, each
 * list keeps its first items (as many as fit, at most MAX_LISTED_DETAILS), each text is cut to
 * about 1,000 characters, and `omitted` counts the items each list left out, e.g.
 * `{"errors":[...],"omitted":{"errors":59980}}`: still JSON a workflow can read.
 */
function statusDetailsJson(details, limitBytes) {
    const whole = JSON.stringify(details);
    if (Buffer.byteLength(whole) <= limitBytes)
        return whole;
    const lists = Object.entries(details).filter((entry) => Array.isArray(entry[1]));
    for (let keep = MAX_LISTED_DETAILS; keep >= 0; keep = keep === 0 ? -1 : Math.floor(keep / 2)) {
        const omitted = Object.fromEntries(lists.filter(([, items]) => items.length > keep).map(([key, items]) => [key, items.length - keep]));
        const text = JSON.stringify({ ...shortened(details, keep), omitted });
        if (Buffer.byteLength(text) <= limitBytes)
            return text;
    }
    // Even empty lists do not fit: the other fields are too large, and only the counts are given.
    return JSON.stringify({ omitted: Object.fromEntries(lists.map(([key, items]) => [key, items.length])) });
}

;// CONCATENATED MODULE: ./src/format.ts
/** Sizes and durations as the log and the summary show them. */
/** Decimal units, like the upload's MB/s: "512.0 KB", "1073.7 MB". */
function formatSize(bytes) {
    return bytes < 1_000_000 ? `${(bytes / 1000).toFixed(1)} KB` : `${(bytes / 1_000_000).toFixed(1)} MB`;
}
/** "42 s", "1 min 05 s", "2 h 03 min". */
function formatDuration(seconds) {
    const s = Math.max(0, Math.round(seconds));
    if (s < 60)
        return `${s} s`;
    const m = Math.floor(s / 60);
    if (m < 60)
        return `${m} min ${String(s % 60).padStart(2, '0')} s`;
    return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

;// CONCATENATED MODULE: ./src/waiting.ts
/**
 * The one status poller of both submission APIs: what to wait for, the clock, how polls back off,
 * and the loop that reads a status until it settles, logging each change with its time, within
 * the run's deadline and stop signal.
 */


const WAIT_FOR = ['none', 'commit', 'publish'];
/** Longest pause between two polls, whatever the first interval. */
const MAX_POLL_INTERVAL_MS = 5 * 60_000;
/** Pause in ms before poll number `n` (0-based): grows by half each time from `firstMs`, capped. */
function pollDelayMs(firstMs, n) {
    return Math.min(Math.max(firstMs, MAX_POLL_INTERVAL_MS), firstMs * 1.5 ** n);
}
/**
 * Reads `watch` until it settles and returns the state that settled it. Each status change is
 * logged as `HH:MM:SS <status> (after <time since the wait began>)`. Throws what `settled` throws,
 * `timedOut(...)` once the deadline has passed, or the stop reason (RunStopped) when the run is
 * stopped.
 */
async function pollUntilSettled(settings, watch) {
    const { clock, logger, deadline, signal } = settings;
    const since = clock.now();
    let last = watch.known;
    let pauses = 0;
    const pause = async () => {
        const remaining = Math.max(0, deadline.getTime() - clock.now().getTime());
        await clock.sleep(Math.min(remaining, pollDelayMs(settings.firstIntervalMs, pauses++)));
        (0,src_stop/* throwIfStopped */.$J)(signal);
    };
    if (watch.pauseFirst)
        await pause();
    for (;;) {
        (0,src_stop/* throwIfStopped */.$J)(signal);
        const state = await watch.read();
        const now = clock.now();
        const status = watch.statusOf(state);
        if (status !== last) {
            last = status;
            watch.onChange?.(status, now, since);
            const waited = formatDuration((now.getTime() - since.getTime()) / 1000);
            logger.info(`${now.toISOString().slice(11, 19)} ${status} (after ${waited})`);
        }
        if (watch.settled(state))
            return state;
        if (now.getTime() >= deadline.getTime())
            throw watch.timedOut(state, now.getTime() - since.getTime());
        await pause();
    }
}

;// CONCATENATED MODULE: ./src/commands/wait.ts
/**
 * Waits for a committed submission to reach the state `wait-for` asks for, with the run's one
 * status poller (src/waiting.ts): each change logged with its time, polls backing off from
 * `poll-interval-seconds` so long waits use few requests.
 */






/** `wait-for` and `poll-interval-seconds` (common inputs); throws InputError. */
function readWaitSettings(read) {
    return {
        waitFor: read.choice('wait-for', WAIT_FOR, 'commit'),
        pollIntervalSeconds: read.number('poll-interval-seconds', 0.1, 3600, 'a number of seconds') ?? 30,
    };
}
/**
 * Whether a status, read after this run committed the submission, ends the wait, fails it, or means
 * keep polling. A commit that falls back to PendingCommit is the Store giving up on it, whenever
 * that shows (the commit call itself moves the submission to CommitStarted). The commit is
 * processed once pre-processing is over: only then has the Store read the packages, filled in
 * their versions and dropped what it could not take (docs/store-api.md#what-the-store-took-after-a-commit).
 * `Publishing` is not an end: publication can still fail.
 */
function classifyStatus(status, waitFor, publishMode) {
    if (status.endsWith('Failed') || status === 'Canceled' || status === 'PendingCommit')
        return 'failed';
    if (waitFor === 'none')
        return 'done';
    if (waitFor === 'commit')
        return status === 'CommitStarted' || status === 'PreProcessing' ? 'waiting' : 'done';
    if (status === 'Published' || status === 'PendingPublication')
        return 'done';
    // With Manual or SpecificDate publishing, a certified submission waits in Release for a person or a date (docs/store-api.md).
    if (status === 'Release' && (publishMode === 'Manual' || publishMode === 'SpecificDate'))
        return 'done';
    return 'waiting';
}
/**
 * Reads the submission resource (its `status` and `statusDetails`, and the packages and rollout the
 * summary shows, in one call) until `settings.waitFor` is reached (returns the submission), the
 * Store reports a failure (throws SubmissionFailedError) or `ctx.deadline` passes (throws
 * RunStopped). Each Store warning is logged the first time a read shows it, not on every poll.
 * `publishMode`: the submission's `targetPublishMode`. `firstReadNow`: false right after this run's
 * commit, whose answer already said CommitStarted.
 */
async function waitForSubmission(ctx, target, submissionId, publishMode, settings, firstReadNow = true) {
    const { store, logger, record, clock, deadline, signal } = ctx;
    // The live Store repeats the same warnings on every answer (docs/store-api.md#status-answers-seen-live): each is told once.
    const toldWarnings = new Set();
    return pollUntilSettled({ clock, logger, deadline, signal, firstIntervalMs: settings.pollIntervalSeconds * 1000 }, {
        read: () => store.getSubmission(target, submissionId),
        statusOf: submissionStatus,
        known: record.timeline.at(-1)?.status,
        pauseFirst: !firstReadNow,
        onChange: (status, at, since) => record.observeStatus(status, at, since),
        settled: (submission) => {
            const status = submissionStatus(submission);
            const details = isJsonObject(submission.statusDetails) ? submission.statusDetails : {};
            record.statusDetails = details;
            for (const line of describeStatusDetails(details, ['warnings'])) {
                if (toldWarnings.has(line))
                    continue;
                toldWarnings.add(line);
                logger.info(`The Store reports: ${line}`);
            }
            const outcome = classifyStatus(status, settings.waitFor, publishMode);
            if (outcome === 'failed') {
                const detail = describeStatusDetails(details).join('; ');
                throw new src_errors/* SubmissionFailedError */.u5(submissionId, status, status === 'PendingCommit'
                    ? `the Store gave up processing the commit${detail ? ` (${detail})` : ''}`
                    : detail);
            }
            return outcome === 'done';
        },
        timedOut: () => new src_stop/* RunStopped */.NL('timeout', String(ctx.timeoutMinutes)),
    });
}
/**
 * The end of every submission's way, shared by `submit` and `commit`: commit it unless
 * `alreadyCommitted`, then wait per `settings.waitFor`; records the status as it goes. Returns the
 * submission as last read when the run waited, else undefined.
 */
async function commitAndWait(ctx, target, submissionId, publishMode, settings, alreadyCommitted) {
    const { store, logger, record, clock } = ctx;
    if (!alreadyCommitted) {
        await ctx.phase('Commit', async () => {
            const { committedElsewhere } = await store.commitSubmission(target, submissionId);
            record.observeStatus(committedElsewhere ?? 'CommitStarted', clock.now(), clock.now());
            logger.info(committedElsewhere
                ? `Submission ${submissionId} was committed by another run meanwhile (it is ${committedElsewhere}); the run only waits for it`
                : `Committed submission ${submissionId}`);
        });
    }
    if (settings.waitFor === 'none') {
        if (alreadyCommitted)
            record.observeStatus((await store.getStatus(target, submissionId)).status, clock.now(), clock.now());
        return undefined;
    }
    return ctx.phase(`Wait for ${settings.waitFor === 'commit' ? 'the commit to be processed' : 'publication'}`, () => waitForSubmission(ctx, target, submissionId, publishMode, settings, alreadyCommitted));
}

;// CONCATENATED MODULE: ./src/commands/commit.ts
/**
 * `command: commit`: commit a submission staged earlier (`commit: false`), e.g. in a job behind an
 * environment approval, then wait per `wait-for`. It checks the submission is still pending, was
 * created through the API and, when `packages` is given, lists those packages (packagesNotListed). One already
 * committed is only waited for, so running the commit job again is harmless.
 */











const commit = {
    name: 'commit',
    inputs: {
        'app-id': ANY_PRODUCT,
        'flight-id': ANY_PRODUCT,
        'add-on-id': ANY_PRODUCT,
        'submission-id': ANY_PRODUCT,
        packages: PACKAGED_PRODUCTS,
    },
    parse: (read) => ({
        target: readTarget(read, 'commit'),
        submissionId: readSubmissionId(read),
        packages: read.list('packages', /\r?\n/),
        workspace: read.workspace,
        ...readWaitSettings(read),
    }),
    run: runCommit,
};
/**
 * The patterns of `packages` that match none of the submission's live package file names. A
 * pattern is matched, without regard to case, by its last path segment against each file name's.
 */
function unmatchedPackagePatterns(patterns, fileNames) {
    const names = fileNames.map(packages_names/* packageKey */.MO);
    return patterns.filter((pattern) => {
        const glob = (0,packages_names/* packageKey */.MO)(pattern);
        return !names.some((name) => external_node_path_default().posix.matchesGlob(name, glob));
    });
}
/**
 * What of `packages` the staged submission does not list (docs/contract.md "Across runs"): when the
 * patterns match package files on the runner (`onRunner`, their file names), each of those names
 * missing from `listed` (the submission's live package file names, compared by packageKey); only
 * when they match nothing there, each pattern that matches none of `listed` (unmatchedPackagePatterns).
 */
function packagesNotListed(patterns, onRunner, listed) {
    if (onRunner.length === 0)
        return unmatchedPackagePatterns(patterns, listed);
    const keys = new Set(listed.map(packages_names/* packageKey */.MO));
    return onRunner.filter((name) => !keys.has((0,packages_names/* packageKey */.MO)(name)));
}
async function findStaged(ctx, inputs) {
    const { target } = inputs;
    let id = inputs.submissionId;
    if (!id) {
        id = submissionRef(await ctx.store.getProduct(target), KINDS[target.kind].pendingField);
        if (!id)
            throw new Error(`The ${describeTarget(target)} has no pending submission to commit; set 'submission-id' to the staged one (the staging step's 'submission-id' output).`);
    }
    try {
        return await ctx.store.getSubmission(target, id);
    }
    catch (error) {
        if (error instanceof src_errors/* StoreApiError */.qo && error.httpStatus === 404) {
            throw new src_errors/* InputError */.dz('submission-id', `'${id}' is not a submission of the ${describeTarget(target)} (the Store answered 404); pass the 'submission-id' output of the step that staged it.`);
        }
        throw error;
    }
}
async function runCommit(ctx, inputs) {
    const { record, logger, clock } = ctx;
    const { target } = inputs;
    const kind = KINDS[target.kind];
    record.setTarget(target);
    const submission = await ctx.phase(`Find the staged submission of the ${describeTarget(target)}`, () => findStaged(ctx, inputs));
    const id = String(submission.id);
    const status = submissionStatus(submission);
    record.submissionId = id;
    record.observeStatus(status, clock.now(), clock.now());
    if (!createdThroughApi(submission)) {
        throw new Error(`Submission ${id} was created in Partner Center, not through the API, so the API cannot commit it: submit it in Partner Center.`);
    }
    const publishMode = typeof submission.targetPublishMode === 'string' ? submission.targetPublishMode : undefined;
    const alreadyCommitted = status !== 'PendingCommit';
    if (alreadyCommitted) {
        logger.info(`Submission ${id} is already committed (${status}); the run only waits for it`);
    }
    else if (inputs.packages.length > 0) {
        const listed = livePackageNames(kind, submission);
        const onRunner = await packageNamesOnRunner(inputs.packages, inputs.workspace);
        const missing = packagesNotListed(inputs.packages, onRunner, listed);
        if (missing.length > 0) {
            const what = onRunner.length > 0
                ? `does not list ${missing.join(', ')}, which 'packages' matches on this runner`
                : `lists no package matching ${missing.map((p) => `'${p}'`).join(', ')}`;
            throw new src_errors/* InputError */.dz('packages', `submission ${id} ${what} (it lists ${listed.join(', ') || 'no package'}); nothing was committed. Is it the submission the staging job made?`);
        }
    }
    const processed = await commitAndWait(ctx, target, id, publishMode, inputs, alreadyCommitted);
    await checkProcessedSubmission(ctx, kind, target, id, processed, submission);
}

;// CONCATENATED MODULE: ./src/commands/create-add-on.ts
/**
 * `command: create-add-on`: create an add-on unless one with the same product ID belongs to the
 * app, which is reused, so a re-run never makes a duplicate.
 */



const createAddOn = {
    name: 'create-add-on',
    inputs: { 'app-id': ANY_PRODUCT, 'add-on-json': ANY_PRODUCT },
    parse(read) {
        const json = read.json('add-on-json');
        if (!json)
            throw new src_errors/* InputError */.dz('add-on-json', "is required with 'command: create-add-on'.");
        const { productId, productType, applicationIds } = json.value;
        if (typeof productId !== 'string' || !productId)
            throw new src_errors/* InputError */.dz('add-on-json', "must have a 'productId' string.");
        if (productType !== 'Durable' && productType !== 'Consumable')
            throw new src_errors/* InputError */.dz('add-on-json', "must have 'productType' 'Durable' or 'Consumable'.");
        const appId = readStoreAppId(read, 'create-add-on');
        let ids;
        if (applicationIds === undefined) {
            if (!appId)
                throw new src_errors/* InputError */.dz('app-id', "is required with 'create-add-on' unless add-on-json has 'applicationIds'.");
            ids = [appId];
        }
        else {
            if (!Array.isArray(applicationIds) || applicationIds.length !== 1 || typeof applicationIds[0] !== 'string') {
                throw new src_errors/* InputError */.dz('add-on-json', "'applicationIds' must list exactly one app's Store ID.");
            }
            ids = [applicationIds[0]];
        }
        return { addOn: { ...json.value, productId, applicationIds: ids } };
    },
    async run(ctx, { addOn: body }) {
        const { store, logger, record } = ctx;
        const productId = body.productId;
        record.target = `add-on '${productId}'`;
        const addOn = await ctx.phase(`Create add-on '${productId}'`, async () => {
            const existing = await store.findAddOn(productId, body.applicationIds);
            if (existing) {
                logger.info(`Add-on '${productId}' exists (${String(existing.id)}); reusing it`);
                return existing;
            }
            const created = await store.createAddOn(body);
            logger.info(`Created add-on '${productId}' (${String(created.id)})`);
            return created;
        });
        if (typeof addOn.id !== 'string')
            throw new Error('The Store did not return the add-on ID');
        record.addOnId = addOn.id;
    },
};

;// CONCATENATED MODULE: ./src/commands/create-flight.ts
/**
 * `command: create-flight`: create a package flight unless the app has one of the same friendly
 * name, which is reused, so a re-run never makes a duplicate.
 */




function readFlight(read) {
    const json = read.json('flight-json');
    const name = read.text('flight-name');
    const groups = read.list('flight-groups', /[\r\n,]+/);
    const rankHigherThan = read.guid('rank-higher-than', 'a flight ID (a GUID)');
    if (json) {
        if (name || groups.length || rankHigherThan) {
            throw new src_errors/* InputError */.dz('flight-json', "give either 'flight-json' or 'flight-name'/'flight-groups'/'rank-higher-than', not both.");
        }
        const friendlyName = json.value.friendlyName;
        if (typeof friendlyName !== 'string')
            throw new src_errors/* InputError */.dz('flight-json', "must have a 'friendlyName' (it is how an existing flight is found and reused).");
        return { ...json.value, friendlyName };
    }
    if (!name)
        throw new src_errors/* InputError */.dz('flight-name', "is required with 'command: create-flight' (or give 'flight-json').");
    if (groups.length === 0)
        throw new src_errors/* InputError */.dz('flight-groups', 'is required: a flight needs at least one flight group ID.');
    for (const group of groups) {
        if (!/^\d+$/.test(group))
            throw new src_errors/* InputError */.dz('flight-groups', `'${group}' is not a flight group ID (digits, from Partner Center > Flight groups).`);
    }
    return { friendlyName: name, groupIds: groups, ...(rankHigherThan ? { rankHigherThan } : {}) };
}
const createFlight = {
    name: 'create-flight',
    inputs: {
        'app-id': ANY_PRODUCT,
        'flight-name': ANY_PRODUCT,
        'flight-groups': ANY_PRODUCT,
        'rank-higher-than': ANY_PRODUCT,
        'flight-json': ANY_PRODUCT,
    },
    parse(read) {
        const appId = readStoreAppId(read, 'create-flight');
        if (!appId)
            throw new src_errors/* InputError */.dz('app-id', "is required with 'command: create-flight'.");
        return { appId, flight: readFlight(read) };
    },
    async run(ctx, { appId, flight: body }) {
        const { store, logger, record } = ctx;
        const name = body.friendlyName;
        record.target = `package flight '${name}' of app ${appId}`;
        record.appId = appId;
        const flight = await ctx.phase(`Create package flight '${name}'`, async () => {
            const existing = await store.findFlight(appId, name);
            if (existing) {
                logger.info(`Package flight '${name}' exists (${String(existing.flightId)}); reusing it`);
                return existing;
            }
            const created = await store.createFlight(appId, body);
            logger.info(`Created package flight '${name}' (${String(created.flightId)})`);
            return created;
        });
        if (typeof flight.flightId !== 'string')
            throw new Error('The Store did not return the flight ID');
        record.flightId = flight.flightId;
        const pending = flight.pendingFlightSubmission;
        if (isJsonObject(pending) && typeof pending.id === 'string') {
            // Some API versions create the flight's first submission along with it.
            record.submissionId = pending.id;
            logger.info(`The Store created pending flight submission ${pending.id} with the flight`);
        }
    },
};

;// CONCATENATED MODULE: ./src/store/installer-envelope.ts
/**
 * Reads the answers of the MSI/EXE submission API (docs/store-api.md, the MSI/EXE API section):
 * every answer comes in the envelope `{ isSuccess, errors: [{ code, message, target }],
 * responseData }`, or, from the gateway, as `{ statusCode, message }`. A success gives its data and
 * warnings; anything else becomes an InstallerApiError with every entry, the hint and the
 * X-Correlation-ID.
 */




/**
 * An error answer of this API: the HTTP status, and every `{ code, message, target }` it carried
 * (the first shown as the code/message/target of StoreApiError), with the `X-Correlation-ID`.
 */
class InstallerApiError extends src_errors/* StoreApiError */.qo {
    messages;
    ongoingSubmissionId;
    constructor(httpStatus, call, 
    /** Every error entry of the answer (warnings excluded), in order. */
    messages, correlationId, 
    /** The submission in progress that blocked this write, when the answer named one. */
    ongoingSubmissionId, hint) {
        const first = messages[0];
        super(httpStatus, call, first?.code || undefined, first?.message || undefined, first?.target || undefined, correlationId, hint);
        this.messages = messages;
        this.ongoingSubmissionId = ongoingSubmissionId;
        this.name = 'InstallerApiError';
        this.message = describeInstallerError(httpStatus, call, messages, correlationId, ongoingSubmissionId, hint);
    }
}
function describeInstallerError(httpStatus, call, messages, correlationId, ongoing, hint) {
    let text = `${call} failed with HTTP ${httpStatus}`;
    const parts = messages.map((m) => describeMessage(m));
    if (parts.length === 1)
        text += `: ${parts[0]}`;
    else if (parts.length > 1)
        text += `: ${parts.join('; ')}`;
    if (ongoing)
        text += ` (submission ${ongoing} is in progress)`;
    if (correlationId)
        text += ` (X-Correlation-ID ${correlationId})`;
    if (hint)
        text += `. Hint: ${hint}`;
    return text;
}
/** `code (target): message`, as errors and logs show an entry of `errors`. */
function describeMessage(m) {
    const head = [m.code || 'error', m.target ? `(target ${m.target})` : ''].filter(Boolean).join(' ');
    return m.message ? `${head}: ${m.message}` : head;
}
/** A scalar of an answer as text; anything else as the empty string. */
function installer_envelope_text(value) {
    return typeof value === 'string'
        ? value
        : typeof value === 'number' || typeof value === 'boolean'
            ? String(value)
            : '';
}
/** A scalar of an answer as text, undefined when empty. */
function nonEmpty(value) {
    const s = installer_envelope_text(value);
    return s ? s : undefined;
}
/** The `errors` array of an envelope, tolerant of missing fields and of a single object. */
function parseMessages(value) {
    const items = Array.isArray(value) ? value : isJsonObject(value) ? [value] : [];
    return items.filter(isJsonObject).map((item) => ({
        code: installer_envelope_text(item.code),
        message: secrets.redact(installer_envelope_text(item.message)),
        target: installer_envelope_text(item.target),
    }));
}
/** Whether an entry of `errors` is a warning (code `warning`) rather than an error. */
function isWarning(m) {
    return m.code.toLowerCase() === 'warning';
}
/** The known-cause hint for an error answer of this API, matched on all its words. */
function installerHint(status, messages, gatewayMessage) {
    const message = `${messages.map((m) => `${m.code} ${m.message}`).join(' ')} ${gatewayMessage}`;
    return hintFor('installer-api', { status, message });
}
/**
 * Reads an answer of this API: a success (2xx with `isSuccess` not false) gives `responseData`
 * and any warnings; anything else throws InstallerApiError with every error entry. Error answers
 * come as the envelope (`isSuccess: false`, with a 2xx or an error status), as the gateway's
 * `{ statusCode, message }`, or as something that is not JSON (a proxy page): all are reported.
 */
function readEnvelope(result, call) {
    const correlationId = result.headers.get('x-correlation-id') ?? result.headers.get('ms-correlationid') ?? undefined;
    const ok = result.status >= 200 && result.status < 300;
    let body;
    const raw = result.text.trim();
    if (raw) {
        try {
            const parsed = JSON.parse(raw);
            body = isJsonObject(parsed) ? parsed : undefined;
        }
        catch {
            body = undefined;
        }
        if (!body) {
            const start = secrets.redact(raw.slice(0, 120));
            if (ok)
                throw new Error(`${call} answered HTTP ${result.status} with a body that is not the API's JSON envelope: ${start}`);
            throw new InstallerApiError(result.status, call, [{ code: '', message: start, target: '' }], correlationId, undefined, installerHint(result.status, [], start));
        }
    }
    const messages = parseMessages(body?.errors);
    const data = isJsonObject(body?.responseData) ? body.responseData : {};
    if (ok && body?.isSuccess !== false) {
        if (body && body.isSuccess !== true && !('responseData' in body)) {
            throw new Error(`${call} answered HTTP ${result.status} without the API's envelope (isSuccess, errors, responseData): ${secrets.redact(raw.slice(0, 120))}`);
        }
        return { data, warnings: messages, ...(correlationId ? { correlationId } : {}) };
    }
    // A gateway answer (401, 429 that ran out of retries, 404 of an unknown path) has no envelope.
    const gatewayMessage = installer_envelope_text(body?.message);
    const errors = messages.filter((m) => !isWarning(m));
    if (errors.length === 0 && gatewayMessage)
        errors.push({
            code: installer_envelope_text(body?.statusCode) || installer_envelope_text(body?.code),
            message: secrets.redact(gatewayMessage),
            target: '',
        });
    return throwError(result.status, call, errors, correlationId, nonEmpty(data.ongoingSubmissionId), gatewayMessage);
}
function throwError(status, call, errors, correlationId, ongoing, gateway) {
    throw new InstallerApiError(status, call, errors, correlationId, ongoing, installerHint(status, errors, gateway));
}

;// CONCATENATED MODULE: ./src/commands/installer/deps.ts
/** The status poller's settings for these dependencies. */
function pollSettings(deps) {
    const { clock, logger, deadline, signal, pollIntervalMs } = deps;
    return { clock, logger, deadline, signal, firstIntervalMs: pollIntervalMs };
}

;// CONCATENATED MODULE: ./src/commands/installer/draft.ts
/**
 * Waits on the draft of an MSI/EXE product: the API takes a write only on a ready draft and none
 * while a submission is in progress; a package commit makes the draft busy until the Store has
 * checked the installers, and `packageuploaderror` means commit again (docs/store-api.md, the
 * MSI/EXE API section). Every wait is the run's one status poller.
 */




/** A submission in progress blocks every change; it cannot be cancelled through the API. */
class OngoingSubmissionError extends Error {
    productId;
    submissionId;
    constructor(productId, submissionId) {
        super(`Product ${productId} has submission ${submissionId} in progress. The MSI/EXE API accepts no changes until it is published or has failed, ` +
            `and it cannot be deleted through the API, so nothing was changed. Follow it with 'command: status' (or in Partner Center) and run again when it has finished.`);
        this.productId = productId;
        this.submissionId = submissionId;
        this.name = 'OngoingSubmissionError';
    }
}
const MAX_PACKAGE_COMMITS = 4;
const READY = 'the draft is ready';
const isUploadError = (m) => m.code.toLowerCase() === 'packageuploaderror';
const errorsOf = (status) => status.messages.filter((m) => !isWarning(m));
/** The draft's state as the status lines show it. */
function draftState(status) {
    if (status.isReady)
        return READY;
    const codes = [...new Set(errorsOf(status).map((e) => e.code))];
    return codes.length ? `the draft reports ${codes.join(', ')}` : 'the draft is being processed';
}
function throwIfOngoing(deps, status) {
    if (status.ongoingSubmissionId)
        throw new OngoingSubmissionError(deps.client.productId, status.ongoingSubmissionId);
}
function timedOut(what, waitedMs) {
    return new Error(`Timed out while waiting for ${what}: the draft was not ready after ${formatDuration(waitedMs / 1000)}. Raise 'timeout-minutes' for longer waits, and follow the product with 'command: status'.`);
}
/**
 * Polls `/status` until the draft is ready and returns that status. `acceptUploadError`: a draft
 * whose last package commit failed with `packageuploaderror` counts as ready (this run replaces and
 * commits the packages). Throws OngoingSubmissionError for a submission in progress, an Error for
 * any other error of a draft that is not ready, a time-out Error at the deadline, or RunStopped.
 */
function waitDraftReady(deps, acceptUploadError) {
    return pollUntilSettled(pollSettings(deps), {
        read: () => deps.client.draftStatus(),
        statusOf: draftState,
        known: READY,
        settled: (status) => {
            throwIfOngoing(deps, status);
            if (status.isReady)
                return true;
            const errors = errorsOf(status);
            if (acceptUploadError && errors.length && errors.every(isUploadError))
                return true;
            const fatal = errors.filter((e) => !isUploadError(e));
            if (fatal.length)
                throw new Error(`The product's draft reports errors: ${fatal.map(describeMessage).join('; ')}`);
            return false;
        },
        timedOut: (_status, waitedMs) => timedOut('the draft to be ready', waitedMs),
    });
}
/**
 * Commits the packages and waits until the draft is ready, committing again after
 * `packageuploaderror` (at most MAX_PACKAGE_COMMITS commits in all). Throws an Error naming the
 * Store's messages when the commit fails, OngoingSubmissionError, a time-out Error, or RunStopped.
 */
async function commitPackages(deps) {
    for (let commit = 1;; commit++) {
        await deps.client.commitPackages();
        const status = await pollUntilSettled(pollSettings(deps), {
            read: () => deps.client.draftStatus(),
            statusOf: draftState,
            known: READY,
            // The commit has just made the draft busy: reading at once would only say so.
            pauseFirst: true,
            settled: (status) => {
                throwIfOngoing(deps, status);
                const errors = errorsOf(status);
                const fatal = errors.filter((e) => !isUploadError(e));
                if (fatal.length)
                    throw new Error(`The package commit failed: ${fatal.map(describeMessage).join('; ')}. The draft keeps the new package list; fix the installers and run again.`);
                return status.isReady || errors.length > 0;
            },
            timedOut: (_status, waitedMs) => timedOut('the package commit', waitedMs),
        });
        const uploadError = errorsOf(status).find(isUploadError);
        if (!uploadError) {
            deps.logger.info('Packages committed');
            return;
        }
        if (commit >= MAX_PACKAGE_COMMITS)
            throw new Error(`The Store could not take the packages after ${commit} commits: ${describeMessage(uploadError)}`);
        deps.logger.warning(`The Store reports ${describeMessage(uploadError)}; committing the packages again (commit ${commit + 1} of at most ${MAX_PACKAGE_COMMITS})`);
    }
}

;// CONCATENATED MODULE: ./src/commands/installer/follow.ts
/**
 * Submits the draft of an MSI/EXE product and follows the submission's publishingStatus until
 * `wait-for` is satisfied, with the run's one status poller; the outcome (submission, status,
 * messages, timeline) is filled in as it goes, so it is there for the report also when this throws.
 */





/** An outcome before anything happened: the draft, no submission. */
function newInstallerOutcome() {
    return { status: 'Draft', statusDetails: { errors: [], warnings: [] }, timeline: [] };
}
/**
 * Follows submission `submissionId` until `waitFor` is satisfied (`none`: one read; `commit`:
 * INPROGRESS; `publish`: PUBLISHED), logging each status change with its time. Throws
 * SubmissionFailedError with the Store's errors, a time-out Error naming the submission, or
 * RunStopped.
 */
async function followSubmission(deps, submissionId, waitFor, outcome) {
    await pollUntilSettled(pollSettings(deps), {
        read: () => deps.client.submissionStatus(submissionId),
        statusOf: (current) => current.publishingStatus,
        onChange: (status, at) => outcome.timeline.push({ status, at }),
        settled: (current) => {
            outcome.status = current.publishingStatus;
            const errors = current.messages.filter((m) => !isWarning(m));
            outcome.statusDetails = { errors, warnings: current.messages.filter(isWarning) };
            if (current.hasFailed || current.publishingStatus === 'FAILED')
                throw new src_errors/* SubmissionFailedError */.u5(submissionId, 'FAILED', errors.map(describeMessage).join('; '));
            return (waitFor === 'none' ||
                current.publishingStatus === 'PUBLISHED' ||
                (waitFor === 'commit' && current.publishingStatus === 'INPROGRESS'));
        },
        timedOut: (current, waitedMs) => new Error(`Timed out: submission ${submissionId} is still ${current.publishingStatus} (waited ${formatDuration(waitedMs / 1000)}). ` +
            `It stays in the Store and can take more than a day; follow it with 'command: status' or in Partner Center, and raise 'timeout-minutes' for longer waits.`),
    });
}
/** Submits the (ready) draft and follows the new submission per `waitFor`; returns `outcome`, filled in. */
async function submitAndFollow(deps, waitFor, outcome) {
    const submissionId = await deps.client.submit();
    outcome.submissionId = submissionId;
    outcome.status = 'INPROGRESS';
    deps.logger.info(`Submitted: submission ${submissionId} of product ${deps.client.productId}`);
    await followSubmission(deps, submissionId, waitFor, outcome);
    return outcome;
}

;// CONCATENATED MODULE: ./src/upload/errors.ts
/** Upload failures: messages that never carry the upload URL's query, with hints for known causes. */



/** Any `scheme://...?query` in a text, with the query replaced by `?…`. */
const URL_WITH_QUERY = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s?#"'<>]+)\?[^\s"'<>]*/gi;
/** Removes URL queries and registered secrets from a text meant for a log line or an error. */
function scrub(text) {
    return secrets.redact(text.replace(URL_WITH_QUERY, '$1?…'));
}
/** One blob request that failed: an error answer of the service, or a connection that failed (no status). */
class BlobRequestError extends Error {
    statusCode;
    code;
    constructor(message, 
    /** HTTP status of the answer; undefined when there was none. */
    statusCode, 
    /** The storage error code (`x-ms-error-code`, e.g. `AuthenticationFailed`, `Md5Mismatch`), or a network error code (`ECONNRESET`). */
    code) {
        super(message);
        this.statusCode = statusCode;
        this.code = code;
        this.name = 'BlobRequestError';
    }
}
/** An upload failure; its message never carries the URL's query. */
class UploadError extends Error {
    httpStatus;
    code;
    constructor(message, 
    /** HTTP status of the failed request, when there was an answer. */
    httpStatus, 
    /** The storage error code (`x-ms-error-code`, e.g. `AuthenticationFailed`), or a network error code. */
    code) {
        super(scrub(message));
        this.httpStatus = httpStatus;
        this.code = code;
        this.name = 'UploadError';
    }
}
/** Wraps an error of a blob request (a network error's message may include the request URL). */
function uploadError(what, url, error) {
    if (error instanceof UploadError)
        return error;
    const status = httpStatusOf(error);
    const code = errorCodeOf(error);
    let detail = (0,src_errors/* errorMessage */.gJ)(error).split('\n')[0] ?? '';
    if (detail.length > 300)
        detail = `${detail.slice(0, 300)}…`;
    const parts = [`${what} ${urlWithoutQuery(url)} failed`];
    if (status !== undefined)
        parts.push(`with HTTP ${status}`);
    if (code)
        parts.push(code);
    let message = parts.join(' ');
    if (detail)
        message += `: ${detail}`;
    const hint = hintFor('package-upload', { status, code });
    if (hint)
        message += `. Hint: ${hint}`;
    return new UploadError(message, status, code);
}
/** The HTTP status of a blob request's failure; undefined for a network failure or another error. */
function httpStatusOf(error) {
    return error instanceof BlobRequestError ? error.statusCode : undefined;
}
/** The storage error code (e.g. `AuthenticationFailed`) or network error code of a blob request's failure. */
function errorCodeOf(error) {
    return error instanceof BlobRequestError ? error.code : undefined;
}

;// CONCATENATED MODULE: ./src/upload/url.ts
/**
 * The upload URL is a SAS URL: its query grants write access. The upload owns it: encodes it the way
 * the Store's signatures need, registers its signature and query as secrets and checks its expiry,
 * once, before the first byte is sent.
 */



/**
 * The Store's SAS signatures are base64 with raw '+': encode them as %2B (and only them) so the
 * signature survives URL parsing (a raw '+' in a query reads as a space). Only the query is
 * touched; an already encoded URL comes back unchanged.
 */
function encodeUploadUrl(url) {
    const q = url.indexOf('?');
    if (q === -1)
        return url;
    const hash = url.indexOf('#', q);
    const end = hash === -1 ? url.length : hash;
    return url.slice(0, q) + url.slice(q, end).replace(/\+/g, '%2B') + url.slice(end);
}
/** One query parameter of the (encoded) URL, decoded; undefined when absent. */
function queryParam(url, name) {
    const q = url.indexOf('?');
    if (q === -1)
        return undefined;
    const params = new URLSearchParams(encodeUploadUrl(url)
        .slice(q + 1)
        .split('#')[0]);
    return params.get(name) ?? undefined;
}
/** Default margin for `sasExpiryProblem`: the upload and the commit after it must fit before expiry. */
const DEFAULT_SAS_MARGIN_MS = 5 * 60 * 1000;
/**
 * A problem text when the SAS `se` expiry is in the past or within `marginMs` of `now`, else
 * undefined (also when the URL has no `se`, or one that does not parse: the service decides). `se`
 * may carry any number of fractional digits (docs/store-api.md#live-dates-and-numbers). The text says how long
 * ago or how soon, not the moment itself: `se` is part of the query, which nothing shows.
 */
function sasExpiryProblem(url, now, marginMs = DEFAULT_SAS_MARGIN_MS) {
    const se = queryParam(url, 'se');
    if (!se)
        return undefined;
    const expiry = new Date(se);
    if (Number.isNaN(expiry.getTime()))
        return undefined;
    const left = expiry.getTime() - now.getTime();
    const where = urlWithoutQuery(url);
    if (left <= 0) {
        return `The upload URL ${where} expired ${formatDuration(-left / 1000)} ago; create a new submission to get a fresh fileUploadUrl`;
    }
    if (left < marginMs) {
        return `The upload URL ${where} expires in ${formatDuration(left / 1000)}, too soon to upload safely; create a new submission to get a fresh fileUploadUrl`;
    }
    return undefined;
}
/**
 * Makes a `fileUploadUrl` ready to upload to: registers its secrets, encodes it, and throws
 * UploadError when its SAS has expired or expires within `DEFAULT_SAS_MARGIN_MS` of `now`.
 */
function openUploadUrl(url, now) {
    registerUrlQuery(url);
    const encoded = encodeUploadUrl(url);
    registerUrlQuery(encoded);
    const expiry = sasExpiryProblem(encoded, now);
    if (expiry)
        throw new UploadError(`${expiry}. Run again to get a fresh one.`);
    return encoded;
}

;// CONCATENATED MODULE: ./src/store/installer-resources.ts
/**
 * The resources of the MSI/EXE submission API as typed objects (docs/store-api.md, the MSI/EXE API
 * section): the draft's packages, status and assets, a write's answer, a submission's status; and
 * how each is read from an answer's `responseData`, keeping only the fields the API documents.
 */


function stringList(value) {
    return Array.isArray(value) ? value.filter((v) => typeof v === 'string') : [];
}
/** The `storeLogos` or `screenshots` of an answer. */
function assetRefs(value) {
    if (!Array.isArray(value))
        return [];
    return value.filter(isJsonObject).map((a) => ({ id: installer_envelope_text(a.id), assetUrl: installer_envelope_text(a.assetUrl) }));
}
/** The upload slots of one type in a POST `/listings/assets/create` answer. */
function createdAssets(value) {
    if (!Array.isArray(value))
        return [];
    return value.filter(isJsonObject).map((a) => {
        const headers = {};
        if (isJsonObject(a.httpHeaders))
            for (const [k, v] of Object.entries(a.httpHeaders))
                headers[k] = installer_envelope_text(v);
        const secondary = nonEmpty(a.secondaryAssetUploadUrl);
        return {
            id: installer_envelope_text(a.id),
            primaryAssetUploadUrl: installer_envelope_text(a.primaryAssetUploadUrl),
            ...(secondary ? { secondaryAssetUploadUrl: secondary } : {}),
            httpMethod: installer_envelope_text(a.httpMethod) || 'PUT',
            httpHeaders: headers,
        };
    });
}
/** What a write answered. */
function writeResult(envelope) {
    const pollingUrl = nonEmpty(envelope.data.pollingUrl);
    const ongoing = nonEmpty(envelope.data.ongoingSubmissionId);
    return {
        ...(pollingUrl ? { pollingUrl } : {}),
        ...(ongoing ? { ongoingSubmissionId: ongoing } : {}),
        warnings: envelope.warnings,
    };
}
/** Reads a package of the API's answer into InstallerPackage, keeping only the fields this API documents. */
function packageFrom(value) {
    const type = installer_envelope_text(value.packageType).toLowerCase() === 'msi' ? 'msi' : 'exe';
    const id = nonEmpty(value.packageId);
    const params = nonEmpty(value.installerParameters);
    const doc = nonEmpty(value.genericDocUrl);
    const errorDetails = Array.isArray(value.errorDetails) && value.errorDetails.length ? value.errorDetails : undefined;
    return {
        ...(id ? { packageId: id } : {}),
        packageUrl: installer_envelope_text(value.packageUrl),
        languages: stringList(value.languages),
        architectures: stringList(value.architectures),
        isSilentInstall: value.isSilentInstall === true,
        ...(params ? { installerParameters: params } : {}),
        ...(doc ? { genericDocUrl: doc } : {}),
        ...(errorDetails ? { errorDetails } : {}),
        packageType: type,
    };
}

;// CONCATENATED MODULE: ./src/store/installer-client.ts
/**
 * The client of the "Microsoft Store submission API for MSI or EXE app" (docs/store-api.md, the
 * MSI/EXE API section): one persistent draft per product under
 * `<api-url>/submission/v1/product/<productId>/`, every call with `X-Seller-Account-Id`. Runs on the
 * same Transport (proxies, retries, 401 -> new token) and token source as the MSIX client; the
 * token source must be made with `resource: INSTALLER_API_RESOURCE`.
 */







/** The sign-in resource of this API; its v2 scope is `https://api.store.microsoft.com/.default`. */
const INSTALLER_API_RESOURCE = 'https://api.store.microsoft.com';
/** The API root when `api-url` is not set. */
const INSTALLER_API_URL = 'https://api.store.microsoft.com';
/** The client. Paths are relative to `<api-url>/submission/v1/product/<productId>/`. */
class InstallerClient {
    options;
    root;
    constructor(options) {
        this.options = options;
        this.root = `${options.apiUrl.replace(/\/+$/, '')}/submission/v1/product/${encodeURIComponent(options.productId)}`;
    }
    get productId() {
        return this.options.productId;
    }
    /**
     * Sends one call and reads its envelope. GET, PUT and PATCH are retried on 5xx and resets; a POST
     * whose answer is lost throws AmbiguousRequestError (see `postOnce`). Warnings are logged.
     */
    async call(method, path, options = {}) {
        const query = options.query && Object.keys(options.query).length ? `?${new URLSearchParams(options.query).toString()}` : '';
        const callName = `${method} product/${this.options.productId}${path}`;
        const result = await this.options.transport.sendJson(this.options.tokens, {
            method,
            url: `${this.root}${path}${query}`,
            name: callName,
            body: options.body,
            idempotent: method !== 'POST',
            correlationHeader: 'x-correlation-id',
            headers: { 'x-seller-account-id': this.options.sellerId },
        });
        const envelope = readEnvelope(result, callName);
        if (!options.quiet)
            for (const w of envelope.warnings)
                this.options.logger.warning(`${callName}: ${describeMessage(w)}`);
        return envelope;
    }
    /** GET `/status`: draft readiness (the in-progress lock) and the submission in progress. */
    async draftStatus() {
        // Errors on a successful status answer are the draft's state (e.g. packageuploaderror): returned, not logged.
        const { data, warnings } = await this.call('GET', '/status', { quiet: true });
        const ongoing = nonEmpty(data.ongoingSubmissionId);
        return { isReady: data.isReady === true, ...(ongoing ? { ongoingSubmissionId: ongoing } : {}), messages: warnings };
    }
    /** GET `/packages`: the draft's package list. */
    async getPackages() {
        const { data } = await this.call('GET', '/packages');
        return Array.isArray(data.packages) ? data.packages.filter(isJsonObject).map(packageFrom) : [];
    }
    /** PUT `/packages`: replaces the whole list (package IDs are regenerated). Idempotent. */
    async replacePackages(packages) {
        // A PUT sends no package IDs: the Store assigns new ones to the whole list.
        const body = packages.map((p) => {
            const rest = { ...p };
            delete rest.packageId;
            return rest;
        });
        return writeResult(await this.call('PUT', '/packages', { body: { packages: body } }));
    }
    /**
     * POST `/packages/commit`. A lost answer is checked against `/status`: a draft that is not ready
     * is processing the commit (it took effect). A ready draft is committed again: committing an
     * unchanged package set starts the same check again and changes nothing else.
     */
    async commitPackages() {
        return postOnce(this.options.transport, async () => writeResult(await this.call('POST', '/packages/commit')), async () => {
            const status = await this.draftStatus();
            return status.isReady ? undefined : { warnings: [] };
        });
    }
    /**
     * GET `/metadata` (all modules) with the listing language list: `{ availability, properties,
     * listings: [{ language, ... }], listingLanguages: [{ language, isComplete }] }`.
     */
    async getMetadata(languages) {
        const query = { includelanguagelist: 'true' };
        if (languages?.length)
            query.languages = languages.join(',');
        return (await this.call('GET', '/metadata', { query })).data;
    }
    /**
     * PUT `/metadata` (whole modules: a module sent replaces the draft's, its omitted fields get
     * defaults) or PATCH (only the fields sent). `listings` is one object for one language;
     * `listingsToAdd` / `listingsToRemove` are language lists. Idempotent.
     */
    async updateMetadata(body, method = 'PUT') {
        return writeResult(await this.call(method, '/metadata', { body }));
    }
    /** GET `/listings/assets`: screenshots and logos per language. */
    async getListingAssets(languages) {
        const query = {};
        if (languages?.length)
            query.languages = languages.join(',');
        const { data } = await this.call('GET', '/listings/assets', { query });
        const list = Array.isArray(data.listingAssets)
            ? data.listingAssets
            : isJsonObject(data.listingAssets)
                ? [data.listingAssets]
                : [];
        return list.filter(isJsonObject).map((l) => ({
            language: installer_envelope_text(l.language),
            storeLogos: assetRefs(l.storeLogos),
            screenshots: assetRefs(l.screenshots),
        }));
    }
    /**
     * POST `/listings/assets/create`: upload slots for one language. The answer's `listingAssets`
     * is one object in Microsoft's sample and an array in its table; both are read. The upload URLs'
     * signatures are registered as secrets at once. A lost answer is sent again: slots that are
     * never committed are discarded by the Store and change nothing.
     */
    async createAssets(language, counts) {
        const request = {};
        if (counts.Screenshot)
            request.Screenshot = counts.Screenshot;
        if (counts.Logo)
            request.Logo = counts.Logo;
        const envelope = await postOnce(this.options.transport, () => this.call('POST', '/listings/assets/create', { body: { language, createAssetRequest: request } }), async () => undefined);
        const raw = envelope.data.listingAssets;
        const list = (Array.isArray(raw) ? raw : [raw]).filter(isJsonObject);
        const mine = list.find((l) => installer_envelope_text(l.language).toLowerCase() === language.toLowerCase()) ?? list[0];
        const screenshots = createdAssets(mine?.screenshots);
        const storeLogos = createdAssets(mine?.storeLogos);
        for (const a of [...screenshots, ...storeLogos]) {
            registerUrlQuery(a.primaryAssetUploadUrl);
            if (a.secondaryAssetUploadUrl)
                registerUrlQuery(a.secondaryAssetUploadUrl);
        }
        return { screenshots, storeLogos };
    }
    /**
     * Uploads one image to its slot (a blob PUT with `x-ms-blob-type: BlockBlob`, `image/png` and
     * the headers the slot names) through the same transport and retries. Returns the URL used, which
     * the commit names as the asset's `assetUrl`. The URL's query never reaches a log or error.
     */
    async uploadAsset(asset, png) {
        const url = asset.primaryAssetUploadUrl;
        registerUrlQuery(url);
        const headers = { 'x-ms-blob-type': 'BlockBlob', 'content-type': 'image/png' };
        for (const [name, value] of Object.entries(asset.httpHeaders)) {
            // An empty value means the client computes it (Content-Length, Content-MD5); undici does the length.
            if (value)
                headers[name.toLowerCase()] = value;
        }
        const call = `${asset.httpMethod.toUpperCase()} ${urlWithoutQuery(url)}`;
        const result = await this.options.transport.send(async () => ({
            method: asset.httpMethod.toUpperCase(),
            url: encodeUploadUrl(url),
            call,
            headers,
            body: png,
            idempotent: true,
        }));
        if (result.status < 200 || result.status >= 300) {
            const code = result.headers.get('x-ms-error-code') ?? undefined;
            const hint = hintFor('asset-upload', { status: result.status, code });
            throw new Error(`Uploading asset ${asset.id} (${call}) failed with HTTP ${result.status}${code ? ` ${code}` : ''}` +
                (hint ? `. Hint: ${hint}` : ''));
        }
        return url;
    }
    /** PUT `/listings/assets/commit`: makes these the language's screenshots and logos (each type sent replaces that type's set). */
    async commitAssets(assets) {
        const body = {
            listingAssets: {
                language: assets.language,
                storeLogos: assets.storeLogos.map((a) => ({ id: a.id, assetUrl: a.assetUrl })),
                screenshots: assets.screenshots.map((a) => ({ id: a.id, assetUrl: a.assetUrl })),
            },
        };
        return writeResult(await this.call('PUT', '/listings/assets/commit', { body }));
    }
    /**
     * POST `/submit`: submits the draft. Answers `{ submissionId, pollingUrl, ongoingSubmissionId }`;
     * a success naming only `ongoingSubmissionId` is read as the submission created. A lost answer is
     * checked against `/status`: a submission now in progress is this one (the caller made sure none
     * was before), else the submit is sent again.
     */
    async submit() {
        return postOnce(this.options.transport, async () => {
            const { data } = await this.call('POST', '/submit');
            const id = nonEmpty(data.submissionId) ?? nonEmpty(data.ongoingSubmissionId);
            if (!id)
                throw new Error(`POST product/${this.options.productId}/submit succeeded but named no submission ID`);
            return id;
        }, async () => (await this.draftStatus()).ongoingSubmissionId);
    }
    /** GET `/submission/{id}/status`. */
    async submissionStatus(submissionId) {
        const { data, warnings } = await this.call('GET', `/submission/${encodeURIComponent(submissionId)}/status`, {
            quiet: true,
        });
        return {
            publishingStatus: installer_envelope_text(data.publishingStatus) || 'UNKNOWN',
            hasFailed: data.hasFailed === true,
            messages: warnings,
        };
    }
}

;// CONCATENATED MODULE: ./src/commands/installer-product.ts
/**
 * What the MSI/EXE commands (installer-submit.ts, installer-commit.ts, installer-status.ts) share:
 * the product they work on (`app-id` as a product ID GUID, `seller-id`, `api-url`), the flow's
 * dependencies from the run context, and how a flow's outcome reaches the run record (and so the
 * outputs and the job summary).
 */





/** A Partner Center seller ID: digits. */
const SELLER_ID = /^\d{1,20}$/;
/**
 * The MSI/EXE product of a run: `app-id` (a product ID GUID; the command router only sends such
 * runs here), `seller-id` (required, digits) and the API root (`api-url` when set, else
 * INSTALLER_API_URL). Throws InputError naming the input.
 */
function readInstallerTarget(read) {
    const app = readAppId(read);
    if (!app || !('productId' in app)) {
        throw new src_errors/* InputError */.dz('app-id', 'must be the product ID GUID of an MSI/EXE product (Partner Center > the product > Product identity).');
    }
    const sellerId = read.text('seller-id');
    if (!sellerId) {
        throw new src_errors/* InputError */.dz('seller-id', "is required for an MSI/EXE product (a product ID GUID in 'app-id'): your Partner Center seller ID, from Account settings > Legal info > Developer > Seller ID, e.g. seller-id: ${{ secrets.STORE_SELLER_ID }}.");
    }
    // The value is not echoed: workflows keep it in a secret.
    if (!SELLER_ID.test(sellerId)) {
        throw new src_errors/* InputError */.dz('seller-id', 'is not a seller ID: it is a number (digits only), from Partner Center > Account settings > Legal info > Developer > Seller ID; not the publisher ID or the tenant ID.');
    }
    return {
        apiUrl: read.isSet('api-url') ? read.url('api-url') : INSTALLER_API_URL,
        productId: app.productId,
        sellerId,
    };
}
/** How the log and summary name the product. */
function describeInstallerProduct(target) {
    return `MSI/EXE product ${target.productId}`;
}
/** The flow's dependencies: the run's client for the product, log, clock and deadline; polls from `poll-interval-seconds`. */
function flowDeps(ctx, client, settings) {
    return {
        client,
        logger: ctx.logger,
        clock: ctx.clock,
        deadline: ctx.deadline,
        signal: ctx.signal,
        pollIntervalMs: settings.pollIntervalSeconds * 1000,
    };
}
/** The installers as the summary lists them (URLs without their query). */
function installerEntries(packages) {
    return packages.map((p) => ({
        url: urlWithoutQuery(p.packageUrl),
        // As `installers` spells it (the API writes X64, Arm64).
        architecture: p.architectures.map((a) => a.toLowerCase()).join(', '),
        type: p.packageType,
        languages: [...p.languages],
    }));
}
/** The `status-details` output of an MSI/EXE product: the API's messages, split as the MSIX API splits them. */
function statusDetailsOf(errors, warnings) {
    const plain = (m) => ({ code: m.code, message: m.message, target: m.target });
    return { errors: errors.map(plain), warnings: warnings.map(plain) };
}
/**
 * Copies what a flow learnt into the run record, also after it threw: the submission, the status
 * timeline (times relative to the first status seen), `status-details`, and the status: the
 * publishingStatus once a submission exists, `Draft` when `staged` (nothing submitted on purpose).
 */
function recordOutcome(ctx, outcome, staged) {
    const { record, clock } = ctx;
    if (outcome.submissionId)
        record.submissionId = outcome.submissionId;
    const since = outcome.timeline[0]?.at;
    for (const change of outcome.timeline)
        record.observeStatus(change.status, change.at, since ?? change.at);
    if (outcome.submissionId) {
        record.status = outcome.status;
        record.statusDetails = statusDetailsOf(outcome.statusDetails.errors, outcome.statusDetails.warnings);
    }
    else if (staged) {
        record.observeStatus('Draft', clock.now(), clock.now());
    }
}
/**
 * Records the submission in progress that blocks the run (OngoingSubmissionError): `submission-id`,
 * its publishingStatus as `status` and its messages, and `blockedBy` for the summary. A failed read
 * of its status is a warning: the run's own error stays the one reported.
 */
async function recordBlockingSubmission(ctx, client, submissionId) {
    const { record, clock, logger } = ctx;
    record.submissionId = submissionId;
    record.blockedBy = submissionId;
    try {
        const current = await client.submissionStatus(submissionId);
        const now = clock.now();
        record.observeStatus(current.publishingStatus, now, now);
        record.statusDetails = statusDetailsOf(current.messages.filter((m) => !isWarning(m)), current.messages.filter(isWarning));
    }
    catch (error) {
        const warning = `The status of submission ${submissionId}, which blocks this run, could not be read: ${(0,src_errors/* errorMessage */.gJ)(error)}`;
        logger.warning(warning);
        record.warnings.push(warning);
    }
}

;// CONCATENATED MODULE: ./src/commands/installer-commit.ts





const installerCommit = {
    name: 'commit',
    inputs: { 'app-id': INSTALLER_PRODUCT, 'seller-id': INSTALLER_PRODUCT },
    parse: (read) => ({ product: readInstallerTarget(read), ...readWaitSettings(read) }),
    async run(ctx, inputs) {
        const what = describeInstallerProduct(inputs.product);
        ctx.record.target = what;
        ctx.record.installerProductId = inputs.product.productId;
        const deps = flowDeps(ctx, ctx.installerClient(inputs.product), inputs);
        const outcome = newInstallerOutcome();
        try {
            await ctx.phase(`Submit the draft of ${what}`, () => commitInstallerDraft(deps, inputs.waitFor, outcome));
        }
        finally {
            recordOutcome(ctx, outcome, false);
        }
    },
};
/**
 * `command: commit` for an MSI/EXE product: submits the staged draft and waits per `waitFor`. A
 * submission already in progress (e.g. this job ran before) is only waited for, so running the
 * commit job again is harmless. `outcome` is filled in as it goes (see submitInstallers in installer/flow.ts).
 */
async function commitInstallerDraft(deps, waitFor, outcome = newInstallerOutcome()) {
    const status = await deps.client.draftStatus();
    if (status.ongoingSubmissionId) {
        deps.logger.info(`Submission ${status.ongoingSubmissionId} of product ${deps.client.productId} is already in progress; following it instead of submitting again`);
        outcome.submissionId = status.ongoingSubmissionId;
        await followSubmission(deps, status.ongoingSubmissionId, waitFor, outcome);
        return outcome;
    }
    await waitDraftReady(deps, false);
    return submitAndFollow(deps, waitFor, outcome);
}

;// CONCATENATED MODULE: ./src/commands/installer-status.ts
/**
 * `command: status` for an MSI/EXE product: the draft (ready or not, its installers, its listing
 * languages, its errors) and the submission in progress, or the one `submission-id` names.
 * Changes nothing. Outputs: `submission-id` and `status` of that submission (its
 * publishingStatus), or `status: Draft` when none is in progress.
 */





const installerStatusCommand = {
    name: 'status',
    inputs: {
        'app-id': INSTALLER_PRODUCT,
        'seller-id': INSTALLER_PRODUCT,
        'submission-id': INSTALLER_PRODUCT,
    },
    parse: (read) => ({ product: readInstallerTarget(read), submissionId: readSubmissionId(read) }),
    async run(ctx, { product, submissionId: named }) {
        const { record, clock, logger } = ctx;
        record.target = describeInstallerProduct(product);
        record.installerProductId = product.productId;
        const client = ctx.installerClient(product);
        // Status reads once; the poll settings do not matter here.
        const report = await ctx.phase(`Read ${describeInstallerProduct(product)}`, () => installerStatus(flowDeps(ctx, client, { waitFor: 'none', pollIntervalSeconds: 30 })));
        record.installers.push(...installerEntries(report.packages));
        const now = clock.now();
        if (named && named !== report.ongoingSubmissionId) {
            const current = await client.submissionStatus(named);
            logger.info(`Submission ${named} is ${current.publishingStatus}${current.hasFailed ? ' (failed)' : ''}`);
            for (const m of current.messages)
                logger.info(`  ${describeMessage(m)}`);
            record.submissionId = named;
            record.observeStatus(current.publishingStatus, now, now);
            record.statusDetails = statusDetailsOf(current.messages.filter((m) => !isWarning(m)), current.messages.filter(isWarning));
        }
        else if (report.ongoingSubmissionId) {
            const messages = report.submissionMessages ?? [];
            record.submissionId = report.ongoingSubmissionId;
            record.observeStatus(report.publishingStatus ?? 'UNKNOWN', now, now);
            record.statusDetails = statusDetailsOf(messages.filter((m) => !isWarning(m)), messages.filter(isWarning));
        }
        else {
            record.observeStatus('Draft', now, now);
            record.statusDetails = statusDetailsOf(report.messages.filter((m) => !isWarning(m)), report.messages.filter(isWarning));
        }
        if (!report.draftReady)
            record.warnings.push(`The draft of ${describeInstallerProduct(product)} is not ready${report.messages.length ? `: ${report.messages.map(describeMessage).join('; ')}` : ''}`);
    },
};
/** `command: status` for an MSI/EXE product: the draft, its packages and languages, and the submission in progress. Changes nothing. */
async function installerStatus(deps) {
    const { client, logger } = deps;
    const status = await client.draftStatus();
    const packages = await client.getPackages();
    const metadata = await client.getMetadata();
    const languages = (Array.isArray(metadata.listingLanguages) ? metadata.listingLanguages : [])
        .filter(isJsonObject)
        .map((l) => ({ language: String(l.language ?? ''), isComplete: l.isComplete === true }));
    const report = { draftReady: status.isReady, packages, languages, messages: status.messages };
    logger.info(`Draft of product ${client.productId}: ${status.isReady ? 'ready' : 'not ready'}; ${packages.length} package(s); listing languages ${languages.map((l) => `${l.language}${l.isComplete ? '' : ' (incomplete)'}`).join(', ') || 'none'}`);
    for (const m of status.messages)
        logger.info(`  ${describeMessage(m)}`);
    if (status.ongoingSubmissionId) {
        const sub = await client.submissionStatus(status.ongoingSubmissionId);
        report.ongoingSubmissionId = status.ongoingSubmissionId;
        report.publishingStatus = sub.publishingStatus;
        report.hasFailed = sub.hasFailed;
        report.submissionMessages = sub.messages;
        logger.info(`Submission ${status.ongoingSubmissionId} is ${sub.publishingStatus}${sub.hasFailed ? ' (failed)' : ''}`);
        for (const m of sub.messages)
            logger.info(`  ${describeMessage(m)}`);
    }
    else {
        logger.info('No submission is in progress');
    }
    return report;
}

;// CONCATENATED MODULE: ./src/installers/installers.ts



const ARCHITECTURES = ['x86', 'x64', 'arm', 'arm64', 'neutral'];
/** The API's spelling of each architecture. */
const API_ARCHITECTURE = {
    x86: 'X86',
    x64: 'X64',
    arm: 'Arm',
    arm64: 'Arm64',
    neutral: 'Neutral',
};
const KEYS = ['url', 'architecture', 'languages', 'type', 'installer-parameters', 'silent', 'doc-url'];
/** A language tag as the Store lists them: `en-us`, `zh-hans-cn`, `sr-latn-rs`. */
const LANGUAGE = /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/;
const INPUT = 'installers';
function fail(problem) {
    throw new src_errors/* InputError */.dz(INPUT, problem);
}
/** The URL's path, decoded; undefined when it is not a URL. */
function pathOf(url) {
    try {
        return decodeURIComponent(new URL(url).pathname);
    }
    catch {
        return undefined;
    }
}
/** The URL's file extension as an installer type, if it has one. */
function typeFromUrl(url) {
    const match = /\.(msi|exe)$/i.exec(pathOf(url) ?? '');
    return match ? match[1].toLowerCase() : undefined;
}
/**
 * What to do with an MSIX package given as an installer: MSIX products are a different API, named
 * by their Store ID. `found` says how the package was recognised (its extension, or its zip bytes).
 */
function msixAdvice(found) {
    return `${found}: an MSIX package is not an installer of an MSI/EXE product. Submit MSIX packages to the app's 12-character Store ID (e.g. 'app-id: 9NBLGGH4R315') with 'packages'; 'installers' takes .msi and .exe files`;
}
/** The MSIX package extension the URL's file name ends with (.msix, .msixbundle, .appx, ...), if any. */
function msixExtensionOf(url) {
    const format = (0,packages_names/* packageFormat */.Ku)(pathOf(url) ?? '');
    return format ? `.${format}` : undefined;
}
/** Why `value` is not an https URL, or undefined when it is one. */
function httpsProblem(value) {
    let url;
    try {
        url = new URL(value);
    }
    catch {
        return `'${urlWithoutQuery(value)}' is not a URL`;
    }
    if (url.protocol !== 'https:')
        return `'${urlWithoutQuery(value)}' is not https (the Store downloads installers over https only)`;
    if (url.username || url.password)
        return 'the URL must not carry a user name or password';
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
async function parseInstallers(text) {
    if (!text.trim())
        fail('is empty; list the installers of the product (see "MSI/EXE products" in the README)');
    // Loaded here, not at start-up: only MSI/EXE submissions read YAML.
    const { LineCounter, isMap, isScalar, isSeq, parseDocument, visit } = await __webpack_require__.e(/* import() */ 815).then(__webpack_require__.t.bind(__webpack_require__, 38815, 19));
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, version: '1.2' });
    const firstError = doc.errors[0];
    if (firstError) {
        const pos = lineCounter.linePos(firstError.pos[0]);
        const where = `line ${pos.line}, column ${pos.col}`;
        fail(`is not valid YAML or JSON at ${where}: ${firstError.message.split('\n')[0]}`);
    }
    const lineOf = (node) => (node?.range ? lineCounter.linePos(node.range[0]).line : 1);
    // An alias would stand for a copy of what its anchor names: read as such it could expand to any
    // size (an alias of aliases), and what is not read as such is misread. Refused before any value is read.
    visit(doc, {
        Alias(_key, alias) {
            fail(`line ${lineOf(alias)} uses the alias *${alias.source}: aliases (*name) and anchors (&name) are not supported; write each item out in full`);
        },
    });
    const root = doc.contents;
    if (!isSeq(root)) {
        fail(`must be a list, one item per installer, e.g.\n  - url: https://example.com/app-1.0-x64.msi\n    architecture: x64\n    languages: [en-us]\n(line ${lineOf(root)} is ${isMap(root) ? 'a single mapping: start each item with "- "' : 'not a list'})`);
    }
    if (root.items.length === 0)
        fail('is an empty list; list at least one installer');
    const installers = [];
    const seen = new Map();
    root.items.forEach((item, i) => {
        const index = i + 1;
        const line = lineOf(item);
        const at = `item ${index} (line ${line})`;
        // Once the url is known, every message names it (without its query).
        let where = at;
        if (!isMap(item))
            fail(`${at} must be a mapping with 'url', 'architecture' and 'languages'`);
        const values = new Map();
        let unknownKey;
        for (const pair of item.items) {
            const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
            const keyLine = lineOf(pair.key);
            if (!KEYS.includes(key)) {
                const near = KEYS.find((k) => k.replace(/-/g, '') === key.toLowerCase().replace(/[-_]/g, ''));
                unknownKey ??= `unknown key '${key}' on line ${keyLine}${near ? ` (did you mean '${near}'?)` : ''}; the keys are ${KEYS.join(', ')}`;
                continue;
            }
            const node = pair.value;
            const value = node && isSeq(node) ? node.toJSON() : isScalar(node) ? node.value : node?.toJSON();
            if ((key === 'url' || key === 'doc-url') && typeof value === 'string')
                registerUrlQuery(value.trim());
            values.set(key, { value, line: node ? lineOf(node) : keyLine });
        }
        const get = (key) => values.get(key);
        const str = (key) => {
            const entry = get(key);
            if (entry === undefined || entry.value === null || entry.value === undefined)
                return undefined;
            if (typeof entry.value !== 'string' || !entry.value.trim())
                fail(`${where}: '${key}' on line ${entry.line} must be a non-empty text`);
            return entry.value.trim();
        };
        const url = str('url');
        if (!url)
            fail(`${at}${unknownKey ? `: ${unknownKey}` : " has no 'url'; give the https URL the Store downloads the installer from"}`);
        const urlProblem = httpsProblem(url);
        if (urlProblem)
            fail(`${at}: 'url' ${urlProblem}`);
        where = `${at} ${urlWithoutQuery(url)}`;
        if (unknownKey)
            fail(`${where}: ${unknownKey}`);
        const msix = msixExtensionOf(url);
        if (msix)
            fail(`${where}: ${msixAdvice(`the url names a ${msix} file`)}`);
        const earlier = seen.get(url);
        if (earlier !== undefined)
            fail(`${where}: the url is already listed as item ${earlier}; list each installer once`);
        seen.set(url, index);
        const arch = str('architecture');
        if (!arch)
            fail(`${where} has no 'architecture'; use one of ${ARCHITECTURES.join(', ')}`);
        const architecture = arch.toLowerCase();
        if (!ARCHITECTURES.includes(architecture))
            fail(`${where}: 'architecture' is '${arch}'; use one of ${ARCHITECTURES.join(', ')}`);
        const languages = parseLanguages(get('languages'), where);
        const given = str('type')?.toLowerCase();
        if (given !== undefined && given !== 'msi' && given !== 'exe')
            fail(`${where}: 'type' is '${given}'; use msi or exe`);
        const fromUrl = typeFromUrl(url);
        if (given && fromUrl && given !== fromUrl) {
            fail(`${where}: 'type' is ${given} but the url names a .${fromUrl} file; an installer declared with the wrong type is run the wrong way by the Store`);
        }
        const type = (given ?? fromUrl);
        if (!type)
            fail(`${where}: the url does not end in .msi or .exe; set 'type: msi' or 'type: exe'`);
        const silentEntry = get('silent');
        if (silentEntry && typeof silentEntry.value !== 'boolean')
            fail(`${where}: 'silent' on line ${silentEntry.line} must be true or false`);
        const installerParameters = str('installer-parameters');
        const silent = silentEntry ? silentEntry.value : type === 'msi';
        if (!silent && !installerParameters) {
            fail(type === 'exe'
                ? `${where}: an exe needs 'installer-parameters' (the switches that make it install silently, e.g. /S or /quiet), or 'silent: true' when it needs none`
                : `${where}: 'silent: false' needs 'installer-parameters'`);
        }
        const docUrl = str('doc-url');
        if (type === 'exe' && !docUrl)
            fail(`${where}: an exe needs 'doc-url', the https page that documents its error codes (the Store requires it)`);
        if (docUrl) {
            const docProblem = httpsProblem(docUrl);
            if (docProblem)
                fail(`${where}: 'doc-url' ${docProblem}`);
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
function parseLanguages(entry, where) {
    if (!entry || entry.value === null || entry.value === undefined)
        fail(`${where} has no 'languages'; list the installer's languages, e.g. languages: [en-us]`);
    const raw = typeof entry.value === 'string' ? entry.value.split(',') : Array.isArray(entry.value) ? entry.value : undefined;
    if (!raw)
        fail(`${where}: 'languages' on line ${entry.line} must be a list of language tags, e.g. [en-us, de-de]`);
    const languages = [];
    for (const value of raw) {
        if (typeof value !== 'string' || !LANGUAGE.test(value.trim().toLowerCase())) {
            fail(`${where}: '${String(value)}' in 'languages' on line ${entry.line} is not a language tag such as en-us`);
        }
        const tag = value.trim().toLowerCase();
        if (!languages.includes(tag))
            languages.push(tag);
    }
    if (languages.length === 0)
        fail(`${where}: 'languages' on line ${entry.line} is empty; list at least one language`);
    return languages;
}
/** The package objects of PUT `/packages` for these installers, in order. Pure. */
function toPackages(installers) {
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

;// CONCATENATED MODULE: ./src/listings/error.ts

/** Problems the error lists; the rest are counted, so a folder of thousands of bad files gives a short error. */
const MAX_LISTED_PROBLEMS = 20;
/** The problems found in the `listings` folder, each naming its file (the first 20 listed, the rest counted); an InputError of the `listings` input. */
class ListingsError extends src_errors/* InputError */.dz {
    problems;
    constructor(problems) {
        const more = problems.length - MAX_LISTED_PROBLEMS;
        super('listings', `${problems.length === 1 ? 'one problem' : `${problems.length.toLocaleString('en-US')} problems`} in the listings folder:\n` +
            problems
                .slice(0, MAX_LISTED_PROBLEMS)
                .map((problem) => `- ${problem.file}: ${problem.message}`)
                .join('\n') +
            (more > 0 ? `\n… and ${more.toLocaleString('en-US')} more` : ''));
        this.problems = problems;
        this.name = 'ListingsError';
    }
}
/** The annotation title of a ListingLimitsError. */
const LISTING_LIMITS_TITLE = "Listing over the Store's limits";
/**
 * The listings as they would be sent (the Store's copy with this run's changes merged in) break
 * the Store's limits, which it would refuse at the update: refused before anything is created,
 * each problem with its language, field and value.
 */
class ListingLimitsError extends src_errors/* TitledError */.De {
    problems;
    constructor(problems) {
        super(LISTING_LIMITS_TITLE, `The Store would refuse ${problems.length === 1 ? 'this listing value' : `these ${problems.length} listing values`}, so nothing was created:\n` +
            problems.map((p) => `- ${p.language ? `listing ${p.language}, ` : ''}${p.field}: ${p.message}`).join('\n') +
            "\nChange them with the listings folder or 'submission-json' (or in Partner Center): a value copied from the Store's current listing must fit too.");
        this.problems = problems;
        this.name = 'ListingLimitsError';
    }
}

;// CONCATENATED MODULE: ./src/listings/folder.ts
/**
 * What a `listings` folder is (docs/contract.md "Listings folder"): its layout, the Store field each
 * file sets, and the typed structure reader.ts reads it into.
 *
 * Layout (app submissions; the Listing, BaseListing and Image resources of docs/store-api.md):
 *   <root>/default/            values for every listing language that lacks the file
 *   <root>/<language>/         one folder per listing language, lower case (en-us, de-de, ...)
 *     title.txt short-title.txt sort-title.txt voice-title.txt dev-studio.txt
 *     short-description.txt description.txt release-notes.txt copyright.txt license-terms.txt
 *     features.txt keywords.txt recommended-hardware.txt minimum-hardware.txt  (one item per line)
 *     images/<ImageType>/<name>.png   and optionally <name>.txt, that image's description
 * Add-on submissions (the add-on listing of docs/store-api.md): title.txt, description.txt and
 * icon.png per language.
 */
/** Text files of an app listing and the BaseListing field each sets. */
const TEXT_FILES = {
    'title.txt': 'title',
    'short-title.txt': 'shortTitle',
    'sort-title.txt': 'sortTitle',
    'voice-title.txt': 'voiceTitle',
    'dev-studio.txt': 'devStudio',
    'short-description.txt': 'shortDescription',
    'description.txt': 'description',
    'release-notes.txt': 'releaseNotes',
    'copyright.txt': 'copyrightAndTrademarkInfo',
    'license-terms.txt': 'licenseTerms',
};
/** List files of an app listing (one item per line) and the BaseListing field each sets. */
const LIST_FILES = {
    'features.txt': 'features',
    'keywords.txt': 'keywords',
    'recommended-hardware.txt': 'recommendedHardware',
    'minimum-hardware.txt': 'minimumHardware',
};
/** Text files of an add-on listing and the listing field each sets. */
const ADD_ON_TEXT_FILES = { 'title.txt': 'title', 'description.txt': 'description' };
/** `imageType` values as the API names them (docs/store-api.md), the names of `images/` subfolders. */
const IMAGE_TYPES = [
    'Screenshot',
    'MobileScreenshot',
    'XboxScreenshot',
    'SurfaceHubScreenshot',
    'HoloLensScreenshot',
    'StoreLogo9x16',
    'StoreLogoSquare',
    'Icon',
    'PromotionalArt16x9',
    'PromotionalArtwork2400X1200',
    'XboxBrandedKeyArt',
    'XboxTitledHeroArt',
    'XboxFeaturedPromotionalArt',
    'SquareIcon358X358',
    'BackgroundImage1000X800',
    'PromotionalArtwork414X180',
];
/** The folder with values for every language. */
const DEFAULT_FOLDER = 'default';
/** Hex characters of the content hash in an image's zip name. */
const CONTENT_HASH_LENGTH = 12;

;// CONCATENATED MODULE: ./src/listings/text.ts
/** The text files of a listings folder: UTF-8 (a BOM dropped), CRLF or LF, trimmed; list files one item per line. */


/** Text files larger than this are refused unread: no Store field holds that much. */
const MAX_TEXT_FILE_BYTES = 256 * 1024;
/**
 * The content of the text file at `file`, `size` bytes long, decoded by decodeText. Returns
 * `{ problem }` instead, a sentence for the user, when it is too large, cannot be read or is not UTF-8.
 */
async function text_readText(file, size) {
    if (size > MAX_TEXT_FILE_BYTES) {
        return { problem: `is ${size} bytes; no Store field holds more than ${MAX_TEXT_FILE_BYTES} bytes` };
    }
    let bytes;
    try {
        bytes = await (0,promises_.readFile)(file);
    }
    catch (error) {
        return { problem: `cannot be read (${(0,src_errors/* errorMessage */.gJ)(error)})` };
    }
    try {
        return { text: decodeText(bytes) };
    }
    catch {
        return { problem: 'is not UTF-8 text; save it as UTF-8' };
    }
}
/** UTF-8 (strict) without BOM, CRLF and CR turned into LF, surrounding white space trimmed. Throws TypeError on invalid UTF-8. */
function decodeText(bytes) {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/\r\n?/g, '\n').trim();
}
/** Items of a list file: each non-blank line, trimmed. */
function listItems(text) {
    return text
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '');
}

;// CONCATENATED MODULE: ./src/listings/reader.ts
/**
 * Reads the `listings` folder (layout in ./folder.ts) into a ListingsFolder, with every problem
 * found. Nothing here talks to the Store.
 *
 * Names starting with '.' (.DS_Store, .gitkeep) are skipped. Other unknown files are reported as
 * warnings (more than five as one that counts them); unreadable files, non-PNG images, unknown
 * image types and anything resolving outside the folder are problems.
 *
 * Files are read only inside the folder: every entry's real path (symlinks followed) must lie
 * inside the folder's real path, and the folder itself inside `within` when given.
 */








const reader_LANGUAGE = /^[a-z]{2,3}(-[a-z0-9]{1,8})*$/;
/**
 * Reads the listings folder at `root` (a path as the user gave it, resolved against the current
 * directory) for an app or add-on submission.
 * - `within`: when given, the folder's real path must lie inside this folder's real path (the
 *   workspace or content root).
 *
 * Returns the parsed folder with every problem and warning found (each naming its file); reading
 * goes on after a problem so all of them are reported at once. Throws only when the folder itself
 * is missing, is not a folder, or lies outside `within` (an Error saying which).
 */
async function readListingsFolder(root, kind, options = {}) {
    let realRoot;
    try {
        realRoot = await (0,promises_.realpath)(root);
    }
    catch (error) {
        throw new Error(`cannot be read (${(0,src_errors/* errorMessage */.gJ)(error)}); give a folder relative to the workspace`, {
            cause: error,
        });
    }
    if (!(await (0,promises_.stat)(realRoot)).isDirectory())
        throw new Error('is a file, not a folder of listing language folders');
    if (options.within !== undefined) {
        const realWithin = await (0,promises_.realpath)(options.within);
        if (!isInside(realRoot, { within: realWithin })) {
            throw new Error(`resolves to ${realRoot}, outside ${realWithin}; keep the listings folder inside the workspace`);
        }
    }
    const reader = new FolderReader(root, realRoot, kind);
    const folder = { kind, root, realRoot, languages: [] };
    for (const entry of await reader.list(realRoot, root)) {
        if (entry.kind !== 'directory')
            continue; // A README beside the language folders is fine.
        if (entry.name === DEFAULT_FOLDER) {
            folder.defaults = await reader.language(entry);
        }
        else if (reader_LANGUAGE.test(entry.name)) {
            folder.languages.push(await reader.language(entry));
        }
        else {
            const lower = entry.name.toLowerCase();
            reader.problem(entry.shown, reader_LANGUAGE.test(lower)
                ? `language folders are lower case: rename it to ${lower}`
                : `is not a language code such as en-us or de-de (or ${DEFAULT_FOLDER})`);
        }
    }
    return { folder, problems: reader.problems, warnings: countedWarnings(reader.warnings, root) };
}
/** Ignored files warned about one by one; more than this are one warning that counts them. */
const MAX_SEPARATE_WARNINGS = 5;
/** Ignored files a counting warning names: the first with its reason, the next by name. */
const NAMED_IN_COUNT = 3;
/**
 * `warnings` as they are when there are a few, else one warning on `root` that counts them and
 * names the first NAMED_IN_COUNT: a folder of thousands of stray files must not flood the log.
 */
function countedWarnings(warnings, root) {
    if (warnings.length <= MAX_SEPARATE_WARNINGS)
        return warnings;
    const [first, ...next] = warnings.slice(0, NAMED_IN_COUNT).map((warning) => external_node_path_default().relative(root, warning.file));
    const more = warnings.length - NAMED_IN_COUNT;
    return [
        {
            file: root,
            message: `${warnings.length.toLocaleString('en-US')} files and folders are ignored: ${first} (${warnings[0]?.message}), ${next.join(', ')} and ${more.toLocaleString('en-US')} more`,
        },
    ];
}
class FolderReader {
    root;
    realRoot;
    kind;
    problems = [];
    warnings = [];
    constructor(root, realRoot, kind) {
        this.root = root;
        this.realRoot = realRoot;
        this.kind = kind;
    }
    problem(file, message) {
        this.problems.push({ file, message });
    }
    warning(file, message) {
        this.warnings.push({ file, message });
    }
    /** Entries of a folder in name order, symlinks resolved; anything outside the root is a problem. */
    async list(realDir, shownDir) {
        let names;
        try {
            names = await (0,promises_.readdir)(realDir);
        }
        catch (error) {
            this.problem(shownDir, `cannot be listed (${(0,src_errors/* errorMessage */.gJ)(error)})`);
            return [];
        }
        const listed = [];
        for (const name of names.sort(compareNames)) {
            if (name.startsWith('.'))
                continue;
            const shown = external_node_path_default().join(shownDir, name);
            let real;
            try {
                real = await (0,promises_.realpath)(external_node_path_default().join(realDir, name));
            }
            catch (error) {
                this.problem(shown, `cannot be resolved (${(0,src_errors/* errorMessage */.gJ)(error)}); is it a broken link?`);
                continue;
            }
            if (!isInside(real, { within: this.realRoot })) {
                this.problem(shown, `resolves to ${real}, outside the listings folder ${this.root}; only files inside it are read`);
                continue;
            }
            if (real === this.realRoot) {
                this.problem(shown, `is a link to the listings folder ${this.root} itself; link a folder inside it instead`);
                continue;
            }
            let info;
            try {
                info = await (0,promises_.stat)(real);
            }
            catch (error) {
                this.problem(shown, `cannot be read (${(0,src_errors/* errorMessage */.gJ)(error)})`);
                continue;
            }
            if (info.isDirectory())
                listed.push({ name, kind: 'directory', real, shown, size: 0 });
            else if (info.isFile())
                listed.push({ name, kind: 'file', real, shown, size: info.size });
            else
                this.problem(shown, 'is neither a file nor a folder');
        }
        return listed;
    }
    async language(folder) {
        const language = {
            language: folder.name,
            folder: folder.shown,
            texts: {},
            lists: {},
            images: new Map(),
        };
        for (const entry of await this.list(folder.real, folder.shown)) {
            if (this.kind === 'add-on')
                await this.addOnEntry(language, entry);
            else
                await this.appEntry(language, entry);
        }
        return language;
    }
    async appEntry(language, entry) {
        if (entry.kind === 'directory' && entry.name === 'images') {
            await this.images(language, entry);
            return;
        }
        if (entry.kind === 'file' && Object.hasOwn(TEXT_FILES, entry.name)) {
            const text = await this.text(entry);
            if (text !== undefined)
                language.texts[TEXT_FILES[entry.name]] = { value: text, file: entry.shown };
            return;
        }
        if (entry.kind === 'file' && Object.hasOwn(LIST_FILES, entry.name)) {
            const text = await this.text(entry);
            if (text !== undefined)
                language.lists[LIST_FILES[entry.name]] = {
                    items: listItems(text),
                    file: entry.shown,
                };
            return;
        }
        this.warning(entry.shown, `ignored: a listing folder holds ${[...Object.keys(TEXT_FILES), ...Object.keys(LIST_FILES)].join(', ')} and images/`);
    }
    async addOnEntry(language, entry) {
        if (entry.kind === 'file' && Object.hasOwn(ADD_ON_TEXT_FILES, entry.name)) {
            const text = await this.text(entry);
            const field = ADD_ON_TEXT_FILES[entry.name];
            if (text !== undefined)
                language.texts[field] = { value: text, file: entry.shown };
            return;
        }
        if (entry.kind === 'file' && entry.name === 'icon.png') {
            const icon = await this.image(entry, `listings/${language.language}/icon`);
            if (!icon)
                return;
            if (icon.width !== 300 || icon.height !== 300) {
                this.problem(entry.shown, `is ${icon.width}x${icon.height} pixels; an add-on icon must be exactly 300x300`);
            }
            language.icon = icon;
            return;
        }
        this.warning(entry.shown, 'ignored: an add-on listing folder holds title.txt, description.txt and icon.png');
    }
    async images(language, folder) {
        for (const typeFolder of await this.list(folder.real, folder.shown)) {
            if (typeFolder.kind !== 'directory') {
                this.warning(typeFolder.shown, 'ignored: images/ holds one folder per image type, e.g. images/Screenshot/');
                continue;
            }
            const imageType = IMAGE_TYPES.find((type) => type === typeFolder.name);
            if (!imageType) {
                const meant = IMAGE_TYPES.find((type) => type.toLowerCase() === typeFolder.name.toLowerCase());
                this.problem(typeFolder.shown, meant
                    ? `image type names are case-sensitive: rename it to ${meant}`
                    : `is not an image type; use one of ${IMAGE_TYPES.join(', ')}`);
                continue;
            }
            const entries = await this.list(typeFolder.real, typeFolder.shown);
            const files = entries.filter((entry) => entry.kind === 'file');
            for (const entry of entries)
                if (entry.kind === 'directory')
                    this.warning(entry.shown, 'ignored: image folders hold files only');
            const descriptions = new Map(files.filter((file) => isTxt(file.name)).map((file) => [baseName(file.name), file]));
            const images = [];
            for (const file of files.filter((entry) => !isTxt(entry.name))) {
                const base = baseName(file.name);
                const image = await this.image(file, `listings/${language.language}/${imageType}/${base}`);
                const describing = descriptions.get(base);
                descriptions.delete(base);
                if (!image)
                    continue;
                if (describing) {
                    const text = await this.text(describing);
                    if (text !== undefined)
                        image.description = { value: text, file: describing.shown };
                }
                images.push(image);
            }
            for (const orphan of descriptions.values()) {
                this.problem(orphan.shown, `describes no image: name it after its image (${baseName(orphan.name)}.png)`);
            }
            language.images.set(imageType, images);
        }
    }
    /** Reads an image: a .png, PNG by its signature, named in the zip by `zipBase` and its content hash. */
    async image(entry, zipBase) {
        if (!/\.png$/i.test(entry.name)) {
            this.problem(entry.shown, 'is not a .png file; the Store takes PNG images (description files end with .txt)');
            return undefined;
        }
        const png = await readPng(entry.real);
        if ('problem' in png) {
            this.problem(entry.shown, png.problem);
            return undefined;
        }
        const zipName = `${zipBase}.${png.sha256.slice(0, CONTENT_HASH_LENGTH)}.png`;
        const zip = toZipName(zipName);
        if ('problem' in zip) {
            this.problem(entry.shown, `its name cannot be used in the upload: ${zip.problem}`);
            return undefined;
        }
        return { name: entry.name, file: entry.shown, path: entry.real, size: entry.size, zipName, ...png };
    }
    /** A text file's content (see readText), or undefined after recording its problem. */
    async text(entry) {
        const read = await text_readText(entry.real, entry.size);
        if ('problem' in read) {
            this.problem(entry.shown, read.problem);
            return undefined;
        }
        return read.text;
    }
}
/** File-name order: by UTF-16 code units, as JavaScript compares strings (`01-a.png` < `02-b.png` < `10-c.png`). */
function compareNames(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}
function isTxt(name) {
    return /\.txt$/i.test(name);
}
function baseName(name) {
    return name.replace(/\.[^.]*$/, '');
}

;// CONCATENATED MODULE: ./src/listings/limits.ts
/**
 * The Store's limits on listing text (docs/contract.md "Listings folder"; docs/store-api.md lists
 * the same numbers). Lengths are counted in UTF-16 code units, as the Store's .NET services count
 * string length: a character outside the Basic Multilingual Plane (most emoji) counts twice.
 */

/** Longest text per field, in characters. */
const TEXT_LIMITS = {
    description: 10_000,
    releaseNotes: 1_500,
    shortDescription: 1_000,
    copyrightAndTrademarkInfo: 200,
    licenseTerms: 10_000,
};
/** Most items per list, and longest item, in characters. */
const LIST_LIMITS = {
    keywords: { items: 7, itemLength: 30 },
    features: { items: 20, itemLength: 200 },
    recommendedHardware: { items: 11, itemLength: 200 },
    minimumHardware: { items: 11, itemLength: 200 },
};
/** Most words over all keywords together. */
const KEYWORD_WORDS = 21;
/** Most `keywords` of an add-on submission (a list at its top level, not per language). */
const ADD_ON_KEYWORDS = 10;
/** Why `value` breaks the limit of `field`, as a sentence that starts with "is"; undefined when it fits or has none. */
function textLimitProblem(field, value) {
    const limit = TEXT_LIMITS[field];
    return limit !== undefined && value.length > limit
        ? `is ${value.length} characters; the Store allows ${limit}`
        : undefined;
}
/**
 * Every limit `items` break as the list `field`: the count (`counted` names the items, e.g.
 * "items (one per non-blank line)"), each item's length (with the item), the keywords' words in all.
 */
function listLimitProblems(field, items, counted = 'items') {
    const limit = LIST_LIMITS[field];
    const problems = [];
    if (items.length > limit.items)
        problems.push(`has ${items.length} ${counted}; the Store allows ${limit.items}`);
    items.forEach((item, index) => {
        if (item.length > limit.itemLength) {
            problems.push(`item ${index + 1} ("${preview(item)}") is ${item.length} characters; the Store allows ${limit.itemLength} per item`);
        }
    });
    if (field === 'keywords') {
        const words = items.reduce((sum, item) => sum + item.split(/\s+/).filter((word) => word !== '').length, 0);
        if (words > KEYWORD_WORDS)
            problems.push(`has ${words} words in all; the Store allows ${KEYWORD_WORDS} over all keywords`);
    }
    return problems;
}
/**
 * Every limit a listing object breaks, its fields named as `names` maps them (the listings folder's
 * fields to this API's names; absent: the BaseListing names). Values that are not text, or lists
 * with an item that is not text, are left to the Store. Pure.
 */
function listingLimitProblems(language, listing, names = {}) {
    const problems = [];
    const at = (name) => `${names.prefix ?? ''}${name}`;
    for (const field of Object.keys(TEXT_LIMITS)) {
        const name = names.text ? names.text[field] : field;
        const value = name === undefined ? undefined : listing[name];
        if (name === undefined || typeof value !== 'string')
            continue;
        const problem = textLimitProblem(field, value);
        if (problem)
            problems.push({ language, field: at(name), message: `("${preview(value)}") ${problem}` });
    }
    for (const field of Object.keys(LIST_LIMITS)) {
        const name = names.lists ? names.lists[field] : field;
        const value = name === undefined ? undefined : listing[name];
        if (name === undefined || !Array.isArray(value) || !value.every((item) => typeof item === 'string'))
            continue;
        for (const message of listLimitProblems(field, value))
            problems.push({ language, field: at(name), message });
    }
    return problems;
}
/**
 * Every limit the listings of a submission as it would be sent break: an app's (each language's
 * `baseListing` and each of its `platformOverrides`) or an add-on's (its `keywords`). Flights have
 * no listings. Pure.
 */
function submissionListingProblems(kind, submission) {
    if (kind === 'add-on') {
        const keywords = submission.keywords;
        return Array.isArray(keywords) && keywords.length > ADD_ON_KEYWORDS
            ? [
                {
                    language: '',
                    field: 'keywords',
                    message: `has ${keywords.length} items; the Store allows ${ADD_ON_KEYWORDS}`,
                },
            ]
            : [];
    }
    if (kind !== 'app' || !isJsonObject(submission.listings))
        return [];
    const problems = [];
    for (const [language, listing] of Object.entries(submission.listings)) {
        if (!isJsonObject(listing))
            continue;
        if (isJsonObject(listing.baseListing))
            problems.push(...listingLimitProblems(language, listing.baseListing, { prefix: 'baseListing.' }));
        if (!isJsonObject(listing.platformOverrides))
            continue;
        for (const [platform, override] of Object.entries(listing.platformOverrides)) {
            if (isJsonObject(override))
                problems.push(...listingLimitProblems(language, override, { prefix: `platformOverrides.${platform}.` }));
        }
    }
    return problems;
}
/**
 * Every limit the folder breaks, one problem per broken limit, naming the file (and the line of a
 * list item). Files of `default/` are checked once, not once per language they fill. App listings
 * only: add-on folders carry no limited text. Pure.
 */
function checkListingLimits(folder) {
    if (folder.kind !== 'app')
        return [];
    const problems = [];
    const languages = folder.defaults ? [folder.defaults, ...folder.languages] : folder.languages;
    for (const language of languages)
        problems.push(...languageProblems(language));
    return problems;
}
function languageProblems(language) {
    const problems = [];
    for (const field of Object.keys(TEXT_LIMITS)) {
        const text = language.texts[field];
        const problem = text && textLimitProblem(field, text.value);
        if (text && problem)
            problems.push({ file: text.file, message: problem });
    }
    for (const field of Object.keys(LIST_LIMITS)) {
        const list = language.lists[field];
        if (!list)
            continue;
        for (const message of listLimitProblems(field, list.items, 'items (one per non-blank line)'))
            problems.push({ file: list.file, message });
    }
    return problems;
}
function preview(text) {
    return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

;// CONCATENATED MODULE: ./src/listings/apply.ts
/**
 * Applies a parsed listings folder onto the submission the Store cloned (docs/contract.md "Listings
 * folder"; docs/store-api.md for the Listing, BaseListing and Image resources of apps and the
 * listings and icon of add-ons).
 * Pure: the input is never changed; files are only named, never read.
 *
 * How unchanged images are recognised (the rule):
 *   The action names every image it uploads `listings/<folder>/<ImageType>/<name>.<hash>.png`
 *   (add-on icons `listings/<folder>/icon.<hash>.png`), where <folder> is the language folder (or
 *   `default`), <name> the file name without `.png`, and <hash> the first 12 lower-case hex
 *   characters of the SHA-256 of the file's bytes. The Store keeps an image's `fileName` in the
 *   submissions it clones, so an entry whose file name (its last path segment) ends with
 *   `.<12 hex>.png` holds the content with that hash: contentHashOfFileName reads it back.
 *   When a folder file's hash matches a live entry (not PendingDelete, not PendingUpload) of the
 *   same language and image type, that entry is kept as it is (id, fileName, status) and the file is
 *   not uploaded again; otherwise the file becomes a new PendingUpload entry and goes into the zip.
 *   Entries without such a name (uploaded in Partner Center or by other tools) are never matched:
 *   the first run replaces them once, later runs recognise their own uploads.
 */



const CONTENT_HASH = new RegExp(`\\.([0-9a-f]{${CONTENT_HASH_LENGTH}})\\.png$`, 'i');
/**
 * The content hash an image entry's `fileName` carries under the rule above (lower case), or
 * undefined when its name has none. Accepts `/` or `\` separators.
 */
function contentHashOfFileName(fileName) {
    if (typeof fileName !== 'string')
        return undefined;
    const last = fileName.split(/[\\/]/).pop() ?? '';
    return CONTENT_HASH.exec(last)?.[1]?.toLowerCase();
}
/** A copy of `current` with its `listings` map, and the empty outcome the appliers fill in. */
function startApplying(current) {
    const submission = cloneJson(current);
    const listings = isJsonObject(submission.listings) ? submission.listings : {};
    submission.listings = listings;
    return {
        listings,
        result: { submission, uploads: new Map(), languagesAdded: [], imagesKept: [], warnings: [] },
        problems: [],
    };
}
/**
 * Applies an app listings folder (kind `app`) to an app submission:
 * - every language of the submission and every language folder is visited; a language with
 *   neither its own folder nor a `default/` folder is left as it is;
 * - a text or list file present (own folder first, then `default/`) sets its BaseListing field;
 *   a file absent keeps the cloned value;
 * - a language folder the submission lacks adds a listing (`baseListing` with every field empty,
 *   `platformOverrides: {}`); it needs `description.txt`, in its folder or in `default/`;
 * - an `images/<ImageType>/` folder makes that language's images of that type exactly its files,
 *   in file-name order, each with its `.txt` description (or an empty one): unchanged images are
 *   kept (see the rule above), new ones added PendingUpload, the replaced ones marked
 *   PendingDelete (entries still PendingUpload from submission-json are dropped, with a warning).
 *   The type's entries take the place of its first entry; other types and platform overrides are
 *   untouched.
 *
 * Throws ListingsError listing every new language without a description; Error when the folder
 * was read for add-ons.
 */
function applyAppListings(current, folder) {
    if (folder.kind !== 'app')
        throw new Error('applyAppListings needs a folder read for an app submission');
    const { listings, result, problems } = startApplying(current);
    for (const { key, own, isNew } of visits(listings, folder)) {
        const defaults = folder.defaults;
        if (isNew) {
            const description = own?.texts.description ?? defaults?.texts.description;
            if (!description || description.value === '') {
                problems.push({
                    file: own?.folder ?? key,
                    message: `adds the listing language ${key}, which needs a description: add ${key}/description.txt (or default/description.txt)`,
                });
                continue;
            }
            listings[key] = newAppListing();
            result.languagesAdded.push(key);
        }
        const listing = listings[key];
        if (!isJsonObject(listing))
            continue;
        const base = isJsonObject(listing.baseListing) ? listing.baseListing : {};
        listing.baseListing = base;
        for (const field of Object.values(TEXT_FILES)) {
            const text = own?.texts[field] ?? defaults?.texts[field];
            if (text)
                base[field] = text.value;
        }
        for (const field of Object.values(LIST_FILES)) {
            const list = own?.lists[field] ?? defaults?.lists[field];
            if (list)
                base[field] = [...list.items];
        }
        const types = new Set([...(own?.images.keys() ?? []), ...(defaults?.images.keys() ?? [])]);
        for (const imageType of types) {
            const files = own?.images.get(imageType) ?? defaults?.images.get(imageType) ?? [];
            applyImageType(base, key, imageType, files, result);
        }
    }
    if (problems.length > 0)
        throw new ListingsError(problems);
    return result;
}
/**
 * Applies an add-on listings folder (kind `add-on`) to an add-on submission: per language,
 * `title.txt` and `description.txt` set `title` and `description`; `icon.png` sets `icon`
 * (kept as it is when its content hash matches the current icon's file name, else
 * `{ fileName, fileStatus: 'PendingUpload' }`). A language folder the submission lacks adds a
 * listing, which needs both a title and a description (own folder or `default/`).
 *
 * Throws ListingsError listing every new language without them; Error when the folder was read
 * for apps.
 */
function applyAddOnListings(current, folder) {
    if (folder.kind !== 'add-on')
        throw new Error('applyAddOnListings needs a folder read for an add-on submission');
    const { listings, result, problems } = startApplying(current);
    for (const { key, own, isNew } of visits(listings, folder)) {
        const defaults = folder.defaults;
        const title = own?.texts.title ?? defaults?.texts.title;
        const description = own?.texts.description ?? defaults?.texts.description;
        if (isNew) {
            const missing = [!title?.value && 'title.txt', !description?.value && 'description.txt'].filter(Boolean);
            if (missing.length > 0) {
                problems.push({
                    file: own?.folder ?? key,
                    message: `adds the add-on listing language ${key}, which needs ${missing.join(' and ')} (in its folder or in default/)`,
                });
                continue;
            }
            listings[key] = { title: '', description: '' };
            result.languagesAdded.push(key);
        }
        const listing = listings[key];
        if (!isJsonObject(listing))
            continue;
        if (title)
            listing.title = title.value;
        if (description)
            listing.description = description.value;
        const icon = own?.icon ?? defaults?.icon;
        if (!icon)
            continue;
        const currentIcon = listing.icon;
        if (isJsonObject(currentIcon) &&
            currentIcon.fileStatus !== 'PendingUpload' &&
            currentIcon.fileStatus !== 'PendingDelete' &&
            contentHashOfFileName(currentIcon.fileName) === contentHash(icon)) {
            result.imagesKept.push(`${key}/icon/${String(currentIcon.fileName)}`);
            continue;
        }
        listing.icon = { fileName: icon.zipName, fileStatus: 'PendingUpload' };
        result.uploads.set(icon.zipName, icon.path);
    }
    if (problems.length > 0)
        throw new ListingsError(problems);
    return result;
}
/** Languages to visit: the submission's (matched to folders ignoring case), then new folders. */
function visits(listings, folder) {
    const byName = new Map(folder.languages.map((language) => [language.language.toLowerCase(), language]));
    const found = [];
    for (const key of Object.keys(listings)) {
        const own = byName.get(key.toLowerCase());
        byName.delete(key.toLowerCase());
        if (own || folder.defaults)
            found.push({ key, own, isNew: false });
    }
    for (const own of byName.values())
        found.push({ key: own.language, own, isNew: true });
    return found;
}
function newAppListing() {
    return {
        baseListing: {
            copyrightAndTrademarkInfo: '',
            keywords: [],
            licenseTerms: '',
            description: '',
            features: [],
            releaseNotes: '',
            images: [],
            recommendedHardware: [],
            minimumHardware: [],
            title: '',
            shortDescription: '',
            shortTitle: '',
            sortTitle: '',
            voiceTitle: '',
            devStudio: '',
        },
        platformOverrides: {},
    };
}
function contentHash(image) {
    return image.sha256.slice(0, CONTENT_HASH_LENGTH);
}
function applyImageType(base, language, imageType, files, result) {
    const images = Array.isArray(base.images) ? base.images : [];
    const ofType = (entry) => isJsonObject(entry) && entry.imageType === imageType;
    const firstOfType = images.findIndex(ofType);
    const others = images.filter((entry) => !ofType(entry));
    const typed = images.filter(ofType);
    const dropped = typed.filter((entry) => entry.fileStatus === 'PendingUpload');
    for (const entry of dropped) {
        result.warnings.push(`listings: ${language}/images/${imageType}/ replaces the ${imageType} image ${String(entry.fileName)} that submission-json added for ${language}`);
    }
    const alreadyDeleted = typed.filter((entry) => entry.fileStatus === 'PendingDelete');
    const live = typed.filter((entry) => entry.fileStatus !== 'PendingUpload' && entry.fileStatus !== 'PendingDelete');
    const claimed = new Set();
    const block = files.map((file) => {
        const hash = contentHash(file);
        const description = file.description?.value ?? '';
        const match = live.find((entry) => !claimed.has(entry) && contentHashOfFileName(entry.fileName) === hash);
        if (match) {
            claimed.add(match);
            match.description = description;
            result.imagesKept.push(`${language}/${imageType}/${String(match.fileName)}`);
            return match;
        }
        result.uploads.set(file.zipName, file.path);
        return { fileName: file.zipName, fileStatus: 'PendingUpload', imageType, description };
    });
    const replaced = live.filter((entry) => !claimed.has(entry));
    for (const entry of replaced)
        entry.fileStatus = 'PendingDelete';
    // The type's block takes the place of its first entry among the other types' entries.
    const insertAt = firstOfType < 0 ? others.length : images.slice(0, firstOfType).filter((entry) => !ofType(entry)).length;
    base.images = [...others.slice(0, insertAt), ...block, ...others.slice(insertAt), ...alreadyDeleted, ...replaced];
}

;// CONCATENATED MODULE: ./src/listings/index.ts
/**
 * The `listings` input: a folder of listing content per language (docs/contract.md "Listings
 * folder"). Read and check it with loadListings before anything is created, then apply it to the
 * cloned submission with applyAppListings / applyAddOnListings; the returned `uploads` go into the
 * zip. How unchanged images are recognised is written in ./apply.ts.
 */








/**
 * Reads the listings folder at `root` and checks it: structure, readable UTF-8 text, PNG images,
 * files inside the folder, and (apps) every Store limit. `within` (the workspace) must contain
 * the folder when given.
 *
 * Returns the folder and the warnings (ignored files). Throws ListingsError (an InputError of the
 * `listings` input) listing every problem with its file, or when the folder itself is missing or
 * outside `within`.
 */
async function loadListings(root, kind, options = {}) {
    let read;
    try {
        read = await readListingsFolder(root, kind, options);
    }
    catch (error) {
        throw new ListingsError([{ file: root, message: error instanceof Error ? error.message : String(error) }]);
    }
    const problems = [...read.problems, ...checkListingLimits(read.folder)];
    if (problems.length > 0)
        throw new ListingsError(problems);
    return { folder: read.folder, warnings: read.warnings };
}

;// CONCATENATED MODULE: ./src/listings/installer.ts
/**
 * The listings folder in the terms of the MSI/EXE submission API (docs/store-api.md, the MSI/EXE
 * API section): each language's text files as that API's listing fields, its screenshots and Store
 * logos as asset uploads. The folder is read and checked by `loadListings` first; this maps it and
 * checks the image counts and sizes the API takes. Pure: images are named, not read (the upload
 * reads each one when its turn comes, so memory holds one image at a time).
 */




/** Most images per language the API takes, per type (docs/store-api.md#installer-api-endpoints). */
const IMAGE_COUNT_LIMITS = { screenshots: 10, storeLogos: 2 };
/** Largest listing image the Store takes, in bytes (docs/store-api.md#installer-api-fields). */
const MAX_IMAGE_BYTES = 50_000_000;
/** Each text file's field in the MSI/EXE API's listing object. */
const TEXT_FIELDS = {
    title: 'title',
    shortTitle: 'shortTitle',
    sortTitle: 'sortTitle',
    voiceTitle: 'voiceTitle',
    devStudio: 'developedBy',
    shortDescription: 'shortDescription',
    description: 'description',
    releaseNotes: 'whatsNew',
    copyrightAndTrademarkInfo: 'copyright',
    licenseTerms: 'additionalLicenseTerms',
};
/** Each list file's field; the API has one hardware list (`requirements`), which takes minimum-hardware.txt. */
const LIST_FIELDS = {
    features: 'productFeatures',
    keywords: 'searchTerms',
    minimumHardware: 'requirements',
};
/**
 * Every limit of the listings folder (limits.ts) that one MSI/EXE listing object, as PUT /metadata
 * would send it, breaks; its fields named as this API names them (`whatsNew`, `searchTerms`, ...). Pure.
 */
function installerListingProblems(language, listing) {
    return listingLimitProblems(language, listing, { text: TEXT_FIELDS, lists: LIST_FIELDS });
}
function textOf(own, defaults) {
    const listing = {};
    for (const [field, apiField] of Object.entries(TEXT_FIELDS)) {
        const text = own?.texts[field] ?? defaults?.texts[field];
        if (text)
            listing[apiField] = text.value;
    }
    for (const [field, apiField] of Object.entries(LIST_FIELDS)) {
        const list = own?.lists[field] ?? defaults?.lists[field];
        if (list)
            listing[apiField] = list.items;
    }
    return listing;
}
/**
 * The upload slots of one language's images of one type, after their count and sizes (from the
 * folder's stat, nothing read) are checked: each problem names the folder or the file.
 */
function slots(type, images, problems) {
    const limit = IMAGE_COUNT_LIMITS[type];
    if (images.length > limit) {
        problems.push({
            file: external_node_path_default().dirname(images[0].file),
            message: `has ${images.length} ${type === 'screenshots' ? 'screenshots' : 'Store logos'}; the Store takes up to ${limit} per language`,
        });
    }
    for (const image of images) {
        if (image.size > MAX_IMAGE_BYTES)
            problems.push({
                file: image.file,
                message: `is ${image.size} bytes; the Store takes images up to ${MAX_IMAGE_BYTES} bytes (${formatSize(MAX_IMAGE_BYTES)})`,
            });
    }
    return images.map((image) => ({ upload: { name: image.name, path: image.path, size: image.size } }));
}
/**
 * The changes a listings folder (read for an app) makes to an MSI/EXE product's listings: per
 * language (a language folder, with `default/` filling the files and image types it lacks), its text fields, and its
 * `Screenshot` images as the screenshots and its `StoreLogo*` images as the Store logos, in file-name
 * order (a type with a folder replaces that language's assets of the type; every image is uploaded,
 * as assets carry no content hash to recognise an unchanged one by). Other image types and
 * recommended-hardware.txt have no place in this API: they are warnings.
 *
 * Throws ListingsError, before any image is read, when a language has more screenshots or Store
 * logos than IMAGE_COUNT_LIMITS or an image is larger than MAX_IMAGE_BYTES.
 */
function installerListingChanges(folder) {
    const changes = { text: {}, images: {} };
    const warnings = [];
    const problems = [];
    for (const own of folder.languages) {
        const language = own.language;
        const text = textOf(own, folder.defaults);
        if (Object.keys(text).length > 0)
            changes.text[language] = text;
        const recommended = own.lists.recommendedHardware ?? folder.defaults?.lists.recommendedHardware;
        if (recommended)
            warnings.push(`${recommended.file}: the MSI/EXE API has no recommended hardware list; it is not sent`);
        // default/ fills each image type a language has no folder for, as it fills text files.
        const images = new Map([...(folder.defaults?.images ?? new Map()), ...own.images]);
        const screenshots = images.get('Screenshot');
        const logoTypes = [...images.keys()].filter((type) => type.startsWith('StoreLogo'));
        for (const type of images.keys()) {
            if (type !== 'Screenshot' && !type.startsWith('StoreLogo'))
                warnings.push(`${own.folder}/images/${type}: the MSI/EXE API takes screenshots and Store logos only; not sent`);
        }
        const entry = {};
        if (screenshots)
            entry.screenshots = slots('screenshots', screenshots, problems);
        if (logoTypes.length > 0)
            entry.storeLogos = slots('storeLogos', logoTypes.flatMap((type) => images.get(type) ?? []), problems);
        if (entry.screenshots || entry.storeLogos)
            changes.images[language] = entry;
    }
    if (problems.length > 0)
        throw new ListingsError(problems);
    return { changes, warnings };
}

;// CONCATENATED MODULE: ./src/installers/probe.ts
/**
 * Checks, before anything changes in the Store, that every installer URL answers with a file of
 * its declared type: the URL is https (also after each redirect), answers 2xx, and its first bytes
 * are the signature of the type (MSI: the OLE compound file signature D0 CF 11 E0 A1 B1 1A E1; EXE:
 * `MZ`). Each URL is asked for its first 8 bytes with a Range request, through the run's transport
 * (proxies, retries, deadline, the run's stop signal); a server that ignores Range is read only
 * that far. At most PROBE_CONCURRENCY URLs are asked at once, so a long list costs the same memory
 * and connections as a short one.
 */





/** The first bytes of each type. */
const SIGNATURES = {
    msi: Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
    exe: Uint8Array.from([0x4d, 0x5a]),
};
/** The first bytes of a zip file, as every MSIX package is. */
const ZIP_SIGNATURE = Uint8Array.from([0x50, 0x4b, 0x03, 0x04]);
const PROBE_BYTES = 8;
/** Most URLs checked at once. */
const PROBE_CONCURRENCY = 8;
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;
/** Default time one attempt on one URL may take, headers and first bytes included. */
const DEFAULT_PROBE_TIMEOUT_MS = 30_000;
/** A refusal of one URL; the reason says what the URL answered and what to do. */
class Refusal extends Error {
}
/** The type whose signature `bytes` start with, if any. */
function detectType(bytes) {
    for (const type of ['msi', 'exe']) {
        const sig = SIGNATURES[type];
        if (bytes.length >= sig.length && sig.every((b, i) => bytes[i] === b))
            return type;
    }
    return undefined;
}
/** Why these first bytes do not fit `type`, or undefined when they do. */
function signatureProblem(bytes, type, contentType) {
    const found = detectType(bytes);
    if (found === type)
        return undefined;
    const hex = Buffer.from(bytes.subarray(0, PROBE_BYTES))
        .toString('hex')
        .replace(/(..)(?!$)/g, '$1 ');
    const expected = type === 'msi' ? 'an MSI (OLE compound file, d0 cf 11 e0 a1 b1 1a e1)' : "an EXE ('MZ', 4d 5a)";
    if (ZIP_SIGNATURE.every((b, i) => bytes[i] === b)) {
        return `${msixAdvice('the file is a zip archive (50 4b 03 04), as MSIX packages are')} (a zipped installer is refused too: link the .msi or .exe itself)`;
    }
    if (found) {
        return `the file is ${found === 'msi' ? 'an MSI' : 'an EXE'}, not ${expected.split(' (')[0]}: set 'type: ${found}' (an installer declared with the wrong type is run the wrong way by the Store)`;
    }
    const looksHtml = /text\/html/i.test(contentType ?? '') || /^\s*</.test(Buffer.from(bytes).toString('latin1'));
    if (looksHtml)
        return `the URL answers a web page (${contentType ?? 'HTML'}), not the installer: link the file itself, e.g. a release asset's download URL`;
    if (bytes.length === 0)
        return `the URL answers an empty file, not ${expected}`;
    return `the file does not start like ${expected}; its first bytes are ${hex}`;
}
/** Total size from `Content-Range: bytes 0-7/12345`, else from Content-Length of a full answer. */
function sizeOf(headers, status) {
    const range = /\/(\d+)\s*$/.exec(headers.get('content-range') ?? '');
    if (range)
        return Number(range[1]);
    const length = Number(headers.get('content-length'));
    return status === 200 && Number.isFinite(length) && length > 0 ? length : undefined;
}
/** Why an answer that is not a redirect refuses the installer, or undefined when it passes. */
function answerProblem(installer, answer) {
    const { status } = answer;
    if (status === 404 || status === 410)
        return `answers HTTP ${status} (not found): check the URL, and that the release is published and its asset uploaded`;
    if (status < 200 || status >= 300) {
        const access = status === 401 || status === 403 ? ': the Store downloads it without credentials, so it must be public' : '';
        return `answers HTTP ${status}${access}`;
    }
    return signatureProblem(answer.bytes ?? new Uint8Array(), installer.type, answer.headers.get('content-type'));
}
/**
 * Probes one installer's URL through the transport (which retries 429, 5xx and dropped
 * connections), following each redirect itself so that every hop must stay https. Resolves when
 * it answers with a file of its type; rejects with a Refusal (the reason) when it does not, or with
 * the transport's error (which names the URL without its query).
 */
async function probeOne(installer, options) {
    const { transport, logger } = options;
    const urlProblem = httpsProblem(installer.url);
    if (urlProblem)
        throw new Refusal(urlProblem);
    const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
    let url = installer.url;
    for (let hop = 0;; hop++) {
        const answer = await transport.send(async () => ({
            method: 'GET',
            url,
            call: `GET ${urlWithoutQuery(url)}`,
            headers: { range: `bytes=0-${PROBE_BYTES - 1}`, accept: '*/*', 'user-agent': 'store-submit' },
            idempotent: true,
            firstBytes: PROBE_BYTES,
            redirect: 'manual',
            timeoutMs,
            urlInputs: "'installers'",
        }));
        const location = answer.headers.get('location');
        if (REDIRECT_STATUS.has(answer.status) && location) {
            if (hop >= MAX_REDIRECTS)
                throw new Refusal(`redirects more than ${MAX_REDIRECTS} times`);
            url = new URL(location, url).href;
            // A redirect target's query (a signed CDN URL) is as much a credential as the URL's own.
            registerUrlQuery(url);
            // Checked before the target is asked anything: a request never reaches a target the rules refuse.
            if (httpsProblem(url)) {
                // The rules refuse a target that is not https or carries a user name and password (never shown).
                const target = new URL(url);
                const downgrade = target.protocol !== 'https:';
                target.username = '';
                target.password = '';
                const shown = urlWithoutQuery(target.href);
                throw new Refusal(downgrade
                    ? `redirects to ${shown}, which is not https: the Store downloads over https only, so link a URL whose redirects stay https`
                    : `redirects to ${shown} with a user name and password in the URL; the Store downloads installers without credentials, so the file must be public`);
            }
            continue;
        }
        const problem = answerProblem(installer, answer);
        if (problem)
            throw new Refusal(problem);
        const size = sizeOf(answer.headers, answer.status);
        logger.info(`Installer ${installer.index} (${installer.type}, ${installer.architecture}) ${urlWithoutQuery(installer.url)}: OK${size !== undefined ? `, ${formatSize(size)}` : ''}`);
        return { installer, ranged: answer.status === 206, ...(size !== undefined ? { size } : {}) };
    }
}
/** Runs `work` on every item, at most `limit` at once; the outcomes in the items' order. */
async function settleEach(items, limit, work) {
    const outcomes = new Array(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const n = next++;
            try {
                outcomes[n] = { status: 'fulfilled', value: await work(items[n]) };
            }
            catch (reason) {
                outcomes[n] = { status: 'rejected', reason };
            }
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return outcomes;
}
/** The title of the error when installer URLs could not be checked (no answer, server errors): not an input error. */
const UNREACHABLE_TITLE = 'Installer URL not reachable';
/**
 * Checks every installer URL, PROBE_CONCURRENCY at a time. Resolves with one result per
 * installer, in order. Throws one InputError('installers', ...) listing every URL refused (what it
 * answered is not an installer of its type), each with its item, line and reason, and with them any
 * URL that could not be checked; when no URL is refused but some could not be checked (no answer
 * in time, server errors that last, an unknown host), a TitledError (UNREACHABLE_TITLE) naming each.
 * Throws the stop reason (a RunStopped) when the run is stopped during the checks. URLs are shown
 * without their query (a signed download URL's query is a credential).
 */
async function checkInstallerUrls(installers, options) {
    const outcomes = await settleEach(installers, PROBE_CONCURRENCY, (i) => probeOne(i, options));
    // A check cut short by a cancel or the deadline says nothing about the URL.
    (0,src_stop/* throwIfStopped */.$J)(options.transport.policy.signal);
    const refused = [];
    const unchecked = [];
    const results = [];
    outcomes.forEach((outcome, n) => {
        const installer = installers[n];
        const item = `item ${installer.index} (line ${installer.line}) ${urlWithoutQuery(installer.url)}`;
        if (outcome.status === 'fulfilled')
            results.push(outcome.value);
        else if (outcome.reason instanceof Refusal)
            refused.push(`${item}: ${outcome.reason.message}`);
        else
            unchecked.push(`${item}: ${secrets.redact((0,src_errors/* errorMessage */.gJ)(outcome.reason))}`);
    });
    const lines = [...refused, ...unchecked];
    const listed = lines.length === 1 ? lines[0] : `\n  ${lines.join('\n  ')}`;
    if (refused.length) {
        throw new src_errors/* InputError */.dz('installers', lines.length === 1
            ? listed
            : `${lines.length} installer URLs were refused${unchecked.length ? ' or could not be checked' : ''}:${listed}`);
    }
    if (unchecked.length) {
        throw new src_errors/* TitledError */.De(UNREACHABLE_TITLE, `${unchecked.length === 1 ? 'An installer URL' : `${unchecked.length} installer URLs`} could not be checked, so nothing was changed in the Store: ${listed}. Run again once the server answers; if it never does, check the URL in 'installers'.`);
    }
    return results;
}

;// CONCATENATED MODULE: ./src/submission/merge.ts

/**
 * Top-level fields the Store assigns (docs/store-api.md, the submission resource): a user's JSON cannot change them (they are
 * skipped with a warning), the PUT does not send them back, and a diff does not count them.
 */
const READ_ONLY_FIELDS = ['id', 'status', 'statusDetails', 'fileUploadUrl', 'friendlyName'];
/** A submission without the fields the Store assigns: the body a PUT sends. */
function withoutServiceFields(submission) {
    const copy = { ...submission };
    for (const field of READ_ONLY_FIELDS)
        delete copy[field];
    return copy;
}
/**
 * The user's JSON applied to the submission as a JSON merge patch (RFC 7396): objects merge key by
 * key, arrays and scalars replace, `null` removes the key (e.g. `{"listings": {"de-de": null}}`
 * drops a listing language). Read-only top-level fields are skipped and reported. Unknown fields
 * are kept, as the live Store sends some (docs/store-api.md#keys-the-pages-do-not-list). Pure.
 */
function mergeSubmission(base, overlay, 
/** Top-level fields skipped and reported; default READ_ONLY_FIELDS (the MSIX submission's). */
readOnlyFields = READ_ONLY_FIELDS) {
    const merged = cloneJson(base);
    const ignoredFields = [];
    for (const [key, value] of Object.entries(overlay)) {
        if (readOnlyFields.includes(key)) {
            ignoredFields.push(key);
            continue;
        }
        mergeField(merged, key, value);
    }
    return { merged, ignoredFields };
}
/** Applies one key of a patch to `target` (part of the clone made in mergeSubmission, so updated in place). */
function mergeField(target, key, patch) {
    if (patch === null) {
        delete target[key];
        return;
    }
    setField(target, key, mergeValue(ownValue(target, key), patch));
}
function mergeValue(base, patch) {
    if (!isJsonObject(patch))
        return cloneJson(patch);
    // RFC 7396: a patch object onto a non-object starts from an empty object, so its nulls vanish too.
    const target = isJsonObject(base) ? base : {};
    for (const [key, value] of Object.entries(patch))
        mergeField(target, key, value);
    return target;
}
/**
 * Sets an own property even for keys like `__proto__` (JSON.parse produces them as ordinary keys;
 * plain assignment would change the object's prototype instead).
 */
function setField(target, key, value) {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
/** A field's own value; `object[key]` would find inherited members such as `__proto__` or `constructor`. */
function ownValue(object, key) {
    return Object.hasOwn(object, key) ? object[key] : undefined;
}
/**
 * Keys of the user's JSON that differ only in case from a field the submission already has, e.g.
 * `ReleaseNotes` for `releaseNotes` (Microsoft's Python sample writes PascalCase). The Store's
 * names are case-sensitive, so such a key adds a field the Store ignores instead of changing one.
 * Returned as dotted paths with the field they probably meant.
 */
function caseMismatches(base, overlay, prefix = '') {
    const found = [];
    for (const [key, value] of Object.entries(overlay)) {
        const path = prefix ? `${prefix}.${key}` : key;
        const existing = ownValue(base, key);
        if (existing === undefined) {
            const meant = Object.keys(base).find((k) => k !== key && k.toLowerCase() === key.toLowerCase());
            if (meant)
                found.push(`${path} (the Store's field is '${meant}')`);
            continue;
        }
        if (isJsonObject(existing) && isJsonObject(value))
            found.push(...caseMismatches(existing, value, path));
    }
    return found;
}

;// CONCATENATED MODULE: ./src/commands/installer/images.ts
/** The screenshots and Store logos of one listing language of an MSI/EXE product: upload slots, uploads, commit. */

/** Makes a language's images what the changes say: create slots, upload, commit with the kept ones. */
async function applyImages(deps, language, wanted, current) {
    const { client, logger } = deps;
    const uploads = {
        screenshots: (wanted.screenshots ?? []).filter((s) => 'upload' in s).length,
        storeLogos: (wanted.storeLogos ?? []).filter((s) => 'upload' in s).length,
    };
    const created = uploads.screenshots + uploads.storeLogos
        ? await client.createAssets(language, { Screenshot: uploads.screenshots, Logo: uploads.storeLogos })
        : { screenshots: [], storeLogos: [] };
    const next = {
        language,
        storeLogos: current?.storeLogos ?? [],
        screenshots: current?.screenshots ?? [],
    };
    for (const type of ['screenshots', 'storeLogos']) {
        const slots = wanted[type];
        if (!slots)
            continue;
        const free = [...created[type]];
        const refs = [];
        for (const slot of slots) {
            if ('keep' in slot) {
                const asset = current?.[type].find((a) => a.id === slot.keep);
                if (!asset)
                    throw new Error(`${language}: ${type} asset '${slot.keep}' is no longer in the draft`);
                refs.push(asset);
                continue;
            }
            const target = free.shift();
            if (!target)
                throw new Error(`The Store created fewer ${type} upload slots for ${language} than asked`);
            deps.signal?.throwIfAborted();
            // Read when its turn comes: memory holds one image at a time, whatever the folder holds.
            const png = await (0,promises_.readFile)(slot.upload.path);
            const assetUrl = await client.uploadAsset(target, png);
            logger.info(`Uploaded ${language} ${type} ${slot.upload.name} (${png.length} bytes)`);
            refs.push({ id: target.id, assetUrl });
        }
        next[type] = refs;
    }
    await client.commitAssets(next);
}

;// CONCATENATED MODULE: ./src/commands/installer/metadata.ts
/**
 * The metadata writes of an MSI/EXE submission, worked out from the draft's metadata and the
 * changes asked (listing text, `submission-json`, `release-notes`). Pure. The API replaces a
 * module sent whole and takes one listing language per write (docs/store-api.md, the MSI/EXE API
 * section).
 */



const MODULES = ['availability', 'properties', 'listings'];
const WHATS_NEW_LIMIT = 1500;
/** Canonical JSON (sorted keys), to tell whether a module changed. */
function canonical(value) {
    if (Array.isArray(value))
        return `[${value.map(canonical).join(',')}]`;
    if (isJsonObject(value)) {
        return `{${Object.keys(value)
            .sort()
            .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
            .join(',')}}`;
    }
    return JSON.stringify(value ?? null);
}
/**
 * The draft's metadata as `submission-json` patches it: `listings` keyed by language instead of
 * the API's array, so a patch can change, add (`"fr-fr": {...}`) or remove (`"de-de": null`) one
 * language.
 */
function metadataView(metadata) {
    const listings = {};
    const list = Array.isArray(metadata.listings) ? metadata.listings : [];
    for (const entry of list) {
        if (!isJsonObject(entry) || typeof entry.language !== 'string')
            continue;
        const { language, ...fields } = entry;
        listings[language.toLowerCase()] = fields;
    }
    const view = { listings };
    if (isJsonObject(metadata.availability))
        view.availability = metadata.availability;
    if (isJsonObject(metadata.properties))
        view.properties = metadata.properties;
    return view;
}
/**
 * Works out the PUT /metadata bodies for the changes asked (pure). Order of sources: listing
 * changes, then `submission-json`, then `release-notes` (which wins). Throws InputError for a
 * `submission-json` that does not fit the metadata or release notes over the limit.
 */
function planMetadata(metadata, changes) {
    const before = metadataView(metadata);
    let view = structuredClone(before);
    const listings = view.listings;
    for (const [language, fields] of Object.entries(changes.listingText ?? {})) {
        const key = language.toLowerCase();
        const current = isJsonObject(listings[key]) ? listings[key] : {};
        listings[key] = { ...current, ...structuredClone(fields) };
    }
    let ignoredFields = [];
    if (changes.submissionJson) {
        const patch = changes.submissionJson;
        const unknown = Object.keys(patch).filter((k) => !MODULES.includes(k) && k !== 'listingLanguages');
        if (unknown.length) {
            throw new src_errors/* InputError */.dz('submission-json', `for an MSI/EXE product it patches the metadata modules ${MODULES.join(', ')}; ${unknown.map((k) => `'${k}'`).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not one of them`);
        }
        if (patch.listings !== undefined && patch.listings !== null && !isJsonObject(patch.listings)) {
            throw new src_errors/* InputError */.dz('submission-json', `'listings' must be an object keyed by language, e.g. {"listings": {"en-us": {"description": "..."}}}; null for a language removes that listing`);
        }
        if (patch.listings === null)
            throw new src_errors/* InputError */.dz('submission-json', '\'listings\': null would remove every listing; remove languages one by one, e.g. {"listings": {"de-de": null}}');
        for (const module of ['availability', 'properties']) {
            if (patch[module] === null)
                throw new src_errors/* InputError */.dz('submission-json', `'${module}' cannot be removed; patch its fields instead`);
        }
        const result = mergeSubmission(view, patch, ['listingLanguages']);
        view = result.merged;
        ignoredFields = result.ignoredFields;
    }
    const merged = view.listings;
    if (changes.releaseNotes !== undefined) {
        if (changes.releaseNotes.length > WHATS_NEW_LIMIT) {
            throw new src_errors/* InputError */.dz('release-notes', `is ${changes.releaseNotes.length} characters; the Store takes up to ${WHATS_NEW_LIMIT}`);
        }
        for (const language of Object.keys(merged)) {
            const listing = merged[language];
            if (isJsonObject(listing))
                listing.whatsNew = changes.releaseNotes;
        }
    }
    const beforeListings = before.listings;
    const added = Object.keys(merged).filter((l) => !(l in beforeListings));
    const removed = Object.keys(beforeListings).filter((l) => !(l in merged));
    if (Object.keys(merged).length === 0)
        throw new src_errors/* InputError */.dz('submission-json', 'it removes every listing; a product needs at least one listing language');
    const first = {};
    if (added.length)
        first.listingsToAdd = added;
    if (removed.length)
        first.listingsToRemove = removed;
    for (const module of ['availability', 'properties']) {
        if (view[module] !== undefined && canonical(view[module]) !== canonical(before[module]))
            first[module] = view[module];
    }
    const writes = Object.keys(first).length ? [first] : [];
    for (const [language, listing] of Object.entries(merged)) {
        if (!isJsonObject(listing))
            throw new src_errors/* InputError */.dz('submission-json', `the listing '${language}' must be an object`);
        if (canonical(listing) !== canonical(beforeListings[language]))
            writes.push({ listings: { ...listing, language } });
    }
    return { writes, added, removed, ignoredFields };
}

;// CONCATENATED MODULE: ./src/commands/installer/plan.ts
/**
 * What an MSI/EXE submission would write, worked out from reads only: nothing is written when the
 * product has a submission in progress or an input does not fit the draft. The dry run shows this
 * plan; a real run follows it.
 */







/**
 * `wanted` with each installer's error details (docs/store-api.md#installer-api-fields) carried over
 * from the draft's installer it replaces: the one of the same URL, else the only one of the same
 * architecture and type (a new release's file). A PUT replaces the whole list and the `installers`
 * input has no field for them, so without this a submission would wipe what the publisher set in
 * Partner Center. Pure.
 */
function withKeptErrorDetails(wanted, current) {
    const sameKind = (a, b) => a.packageType === b.packageType && a.architectures.join() === b.architectures.join();
    return wanted.map((p) => {
        const candidates = current.filter((c) => sameKind(c, p));
        const replaced = current.find((c) => c.packageUrl === p.packageUrl) ?? (candidates.length === 1 ? candidates[0] : undefined);
        return replaced?.errorDetails ? { ...p, errorDetails: replaced.errorDetails } : p;
    });
}
/** Reads and checks everything; writes nothing. Throws OngoingSubmissionError, InputError or ListingLimitsError before any write. */
async function planInstallerSubmission(deps, request) {
    const { client } = deps;
    const status = await client.draftStatus();
    if (status.ongoingSubmissionId)
        throw new OngoingSubmissionError(client.productId, status.ongoingSubmissionId);
    if (request.packages.length === 0)
        throw new src_errors/* InputError */.dz('installers', 'lists no installer; the product needs at least one');
    const currentPackages = await client.getPackages();
    const metadata = await client.getMetadata();
    const { writes, added, removed, ignoredFields } = planMetadata(metadata, {
        ...(request.releaseNotes !== undefined ? { releaseNotes: request.releaseNotes } : {}),
        ...(request.submissionJson ? { submissionJson: request.submissionJson } : {}),
        ...(request.listings?.text ? { listingText: request.listings.text } : {}),
    });
    // Each listing written is checked whole, values kept from the draft included: the Store refuses the write otherwise.
    const limits = writes.flatMap((body) => isJsonObject(body.listings) ? installerListingProblems(String(body.listings.language), body.listings) : []);
    if (limits.length > 0)
        throw new ListingLimitsError(limits);
    const images = [];
    const wanted = request.listings?.images ?? {};
    if (Object.keys(wanted).length) {
        const existing = await client.getListingAssets();
        for (const [language, types] of Object.entries(wanted)) {
            const current = existing.find((a) => a.language.toLowerCase() === language.toLowerCase());
            for (const type of ['screenshots', 'storeLogos']) {
                const slots = types[type];
                if (!slots)
                    continue;
                const kept = slots.filter((s) => 'keep' in s);
                for (const k of kept) {
                    if (!current?.[type].some((a) => a.id === k.keep))
                        throw new src_errors/* InputError */.dz('listings', `${language}: ${type} asset '${k.keep}' to keep is not in the draft`);
                }
                images.push({
                    language,
                    type,
                    kept: kept.length,
                    uploaded: slots.flatMap((s) => ('upload' in s ? [s.upload.name] : [])),
                });
            }
        }
    }
    return {
        currentPackages,
        packages: withKeptErrorDetails(request.packages, currentPackages),
        metadataWrites: writes,
        languagesAdded: added,
        languagesRemoved: removed,
        ignoredFields,
        images,
    };
}
/** Logs the plan as a person reads it (dry run, and the first lines of a real run). */
function describePlan(plan) {
    const lines = [`Packages: ${plan.currentPackages.length} now, replaced by ${plan.packages.length}:`];
    for (const p of plan.packages) {
        lines.push(`  ${p.packageType} ${p.architectures.join(',')} [${p.languages.join(', ')}] ${urlWithoutQuery(p.packageUrl)}${p.isSilentInstall ? ' (silent)' : ` (parameters: ${p.installerParameters ?? ''})`}`);
    }
    if (plan.languagesAdded.length)
        lines.push(`Listing languages added: ${plan.languagesAdded.join(', ')}`);
    if (plan.languagesRemoved.length)
        lines.push(`Listing languages removed: ${plan.languagesRemoved.join(', ')}`);
    lines.push(plan.metadataWrites.length ? `Metadata: ${plan.metadataWrites.length} update(s):` : 'Metadata: unchanged');
    for (const body of plan.metadataWrites)
        lines.push(`  PUT metadata ${JSON.stringify(body)}`);
    for (const i of plan.images)
        lines.push(`Images ${i.language} ${i.type}: ${i.kept} kept, ${i.uploaded.length} uploaded${i.uploaded.length ? ` (${i.uploaded.join(', ')})` : ''}`);
    if (plan.ignoredFields.length)
        lines.push(`Ignored in submission-json: ${plan.ignoredFields.join(', ')}`);
    return lines;
}

;// CONCATENATED MODULE: ./src/commands/installer/flow.ts
/**
 * The MSI/EXE submit flow (docs/contract.md, MSI/EXE products): plan from reads -> wait until the
 * draft is ready -> replace the packages -> commit them and wait until ready -> update the metadata
 * (release notes, listing text, `submission-json`) and the images -> submit (unless staging) ->
 * follow per `wait-for`. Dependencies are parameters (client, logger, clock, deadline, signal, poll
 * interval), so tests drive it with injected time against the emulator.
 */




/**
 * `command: submit` for an MSI/EXE product. Reads and checks first (nothing written when the
 * product has a submission in progress, or an input does not fit), then writes the draft, submits
 * unless `commit` is false, and waits per `waitFor`. Throws OngoingSubmissionError, InputError,
 * InstallerApiError (the Store's codes, messages, targets and X-Correlation-ID),
 * SubmissionFailedError, or a time-out naming the submission. `outcome` is filled in as the run
 * goes, so a caller still has the submission, status and timeline when this throws.
 */
async function submitInstallers(deps, request, outcome = newInstallerOutcome()) {
    const { client, logger } = deps;
    const plan = await planInstallerSubmission(deps, request);
    for (const line of describePlan(plan))
        logger.info(line);
    for (const field of plan.ignoredFields)
        logger.warning(`submission-json: '${field}' is read-only and was ignored`);
    outcome.plan = plan;
    await waitDraftReady(deps, true);
    await client.replacePackages(plan.packages);
    logger.info(`Package list replaced (${request.packages.length} installer(s)); committing`);
    await commitPackages(deps);
    if (plan.metadataWrites.length) {
        for (const body of plan.metadataWrites) {
            await waitDraftReady(deps, false);
            await client.updateMetadata(body);
        }
        logger.info(`Metadata updated (${plan.metadataWrites.length} update(s))`);
    }
    const images = request.listings?.images ?? {};
    if (Object.keys(images).length) {
        const existing = await client.getListingAssets();
        for (const [language, wanted] of Object.entries(images)) {
            await waitDraftReady(deps, false);
            await applyImages(deps, language, wanted, existing.find((a) => a.language.toLowerCase() === language.toLowerCase()));
        }
    }
    if (!request.commit) {
        logger.info(`Staged: the draft of product ${client.productId} holds the changes and was not submitted; submit it with 'command: commit'`);
        return outcome;
    }
    await waitDraftReady(deps, false);
    return submitAndFollow(deps, request.waitFor, outcome);
}

;// CONCATENATED MODULE: ./src/commands/installer-submit.ts
/**
 * `command: submit` for an MSI/EXE product (a product ID GUID in `app-id`; docs/contract.md, MSI/EXE
 * products): check every input and every installer URL -> (dry run: read the draft, show the
 * package list and metadata it would send, stop) -> wait until the draft is ready -> replace the
 * packages -> commit them -> update the metadata -> submit (unless `commit: false`) -> wait per
 * `wait-for`. Nothing is written before the inputs, the URLs and the draft's state have passed.
 */














/** The API's limit of `properties.certificationNotes`, in characters. */
const CERTIFICATION_NOTES_LIMIT = 2000;
async function readInstallerSubmitInputs(read) {
    const product = readInstallerTarget(read);
    if (read.choice('on-pending', ['fail', 'delete'], 'fail') === 'delete') {
        throw new src_errors/* InputError */.dz('on-pending', "'delete' cannot work for an MSI/EXE product: a submission in progress cannot be deleted through the MSI/EXE API. Leave it at 'fail' (the run then stops before changing anything, naming the submission) and run again once that submission is published or has failed.");
    }
    const text = read.raw('installers');
    if (!text.trim()) {
        throw new src_errors/* InputError */.dz('installers', "is required for 'command: submit' of an MSI/EXE product: the complete list of its installers, e.g.\n  - url: https://github.com/contoso/app/releases/download/v2.1.0/Contoso-2.1.0-x64.msi\n    architecture: x64\n    languages: [en-us]");
    }
    // Parsing registers each URL's query as a secret (a signed download URL's query is a credential).
    const installers = await parseInstallers(text);
    const notes = read.prose('notes-for-certification');
    if (notes !== undefined && notes.length > CERTIFICATION_NOTES_LIMIT) {
        throw new src_errors/* InputError */.dz('notes-for-certification', `is ${notes.length} characters; the Store takes up to ${CERTIFICATION_NOTES_LIMIT} for an MSI/EXE product.`);
    }
    const json = read.json('submission-json')?.value;
    const metadataPatch = notes === undefined ? json : mergeSubmission(json ?? {}, { properties: { certificationNotes: notes } }, []).merged;
    return {
        product,
        installers,
        releaseNotes: read.prose('release-notes'),
        metadataPatch,
        commit: read.bool('commit') ?? true,
        dryRun: read.bool('dry-run') ?? false,
        listings: read.existing('listings', 'folder'),
        workspace: read.workspace,
        ...readWaitSettings(read),
    };
}
const installerSubmit = {
    name: 'submit',
    inputs: {
        'app-id': INSTALLER_PRODUCT,
        'seller-id': INSTALLER_PRODUCT,
        installers: INSTALLER_PRODUCT,
        'release-notes': INSTALLER_PRODUCT,
        'notes-for-certification': INSTALLER_PRODUCT,
        'submission-json': INSTALLER_PRODUCT,
        'on-pending': INSTALLER_PRODUCT,
        commit: INSTALLER_PRODUCT,
        'dry-run': INSTALLER_PRODUCT,
        listings: INSTALLER_PRODUCT,
    },
    parse: readInstallerSubmitInputs,
    run: runInstallerSubmit,
};
async function runInstallerSubmit(ctx, inputs) {
    const { logger, record } = ctx;
    const what = describeInstallerProduct(inputs.product);
    record.target = what;
    record.installerProductId = inputs.product.productId;
    const packages = toPackages(inputs.installers);
    record.installers.push(...installerEntries(packages));
    if (inputs.dryRun)
        logger.info('Dry run: the action checks the installers, signs in and reads, and changes nothing in the Store.');
    const listings = inputs.listings === undefined ? undefined : await readListings(ctx, inputs.listings, inputs.workspace);
    // Every URL answers with a file of its type before anything is read or written in the Store. The checks run on
    // the run's transport, which carries the run's stop signal: a cancel or time-out ends them and is reported as such.
    const probes = await ctx.phase(`Check ${inputs.installers.length} installer URL(s)`, () => checkInstallerUrls(inputs.installers, { transport: ctx.transport, logger }));
    probes.forEach((probe, n) => {
        const entry = record.installers[n];
        if (entry && probe.size !== undefined)
            entry.size = probe.size;
    });
    const client = ctx.installerClient(inputs.product);
    const deps = flowDeps(ctx, client, inputs);
    const request = {
        packages,
        ...(inputs.releaseNotes !== undefined ? { releaseNotes: inputs.releaseNotes } : {}),
        ...(inputs.metadataPatch ? { submissionJson: inputs.metadataPatch } : {}),
        ...(listings ? { listings } : {}),
        commit: inputs.commit,
        waitFor: inputs.waitFor,
    };
    if (inputs.dryRun) {
        await ctx.phase(`Plan the submission of ${what}`, () => planDryRun(ctx, inputs, deps, request));
        return;
    }
    const outcome = newInstallerOutcome();
    let finished = false;
    try {
        await ctx.phase(inputs.commit ? `Update and submit ${what}` : `Update the draft of ${what} (staged: not submitted)`, () => submitInstallers(deps, request, outcome));
        finished = true;
    }
    catch (error) {
        if (error instanceof OngoingSubmissionError)
            await recordBlockingSubmission(ctx, client, error.submissionId);
        throw error;
    }
    finally {
        recordOutcome(ctx, outcome, finished && !inputs.commit);
    }
}
/** The listings folder, checked (every problem with its file) and mapped onto this API's listings; its warnings logged. */
async function readListings(ctx, folder, workspace) {
    const loaded = await loadListings(folder, 'app', { within: workspace });
    const { changes, warnings } = installerListingChanges(loaded.folder);
    for (const warning of [...loaded.warnings.map((w) => `${w.file}: ${w.message}`), ...warnings]) {
        ctx.logger.warning(`listings: ${warning}`);
        ctx.record.warnings.push(`listings: ${warning}`);
    }
    return changes;
}
/** The plan as numbered steps for the summary; the installers and the bodies are shown beside them. */
function planSteps(what, inputs, plan) {
    const steps = [
        `wait until the draft of ${what} is ready`,
        `replace its ${plan.currentPackages.length} package(s) with the ${plan.packages.length} installer(s) listed, commit them and wait until the draft is ready`,
    ];
    if (plan.languagesAdded.length)
        steps.push(`add listing languages ${plan.languagesAdded.join(', ')}`);
    if (plan.languagesRemoved.length)
        steps.push(`remove listing languages ${plan.languagesRemoved.join(', ')}`);
    steps.push(plan.metadataWrites.length
        ? `update the metadata (${plan.metadataWrites.length} update(s), in the JSON below)`
        : 'leave the metadata as it is');
    steps.push(inputs.commit
        ? `submit, then wait for: ${inputs.waitFor}`
        : "stop before submitting ('commit: false'): the draft keeps the changes for 'command: commit'");
    return steps;
}
async function planDryRun(ctx, inputs, deps, request) {
    const { logger, record } = ctx;
    const what = describeInstallerProduct(inputs.product);
    let plan;
    try {
        plan = await planInstallerSubmission(deps, request);
    }
    catch (error) {
        if (!(error instanceof OngoingSubmissionError))
            throw error;
        // A dry run reports what a real run would do; with a submission in progress, it would stop.
        const stop = `stop: submission ${error.submissionId} of ${what} is in progress, and the MSI/EXE API takes no changes until it is published or has failed`;
        record.plan = {
            steps: [stop],
            diff: emptyDiff([]),
            submission: { packages: shownPackages(request.packages) },
            zipBytes: 0,
        };
        const warning = `A real run would ${stop}`;
        logger.warning(warning);
        record.warnings.push(warning);
        await recordBlockingSubmission(ctx, deps.client, error.submissionId);
        return;
    }
    const touched = [
        ...new Set([
            ...plan.languagesAdded,
            ...plan.languagesRemoved,
            ...plan.metadataWrites.flatMap((w) => languageOf(w)),
        ]),
    ];
    const steps = planSteps(what, inputs, plan);
    record.plan = {
        steps,
        diff: emptyDiff(touched),
        submission: { packages: shownPackages(plan.packages), metadata: plan.metadataWrites },
        zipBytes: 0,
    };
    logger.info('Dry run: nothing was changed in the Store. The plan:');
    steps.forEach((step, i) => logger.info(`  ${i + 1}. ${step}`));
    for (const line of describePlan(plan))
        logger.info(line);
    for (const field of plan.ignoredFields) {
        const warning = `submission-json: '${field}' is read-only and would be ignored`;
        logger.warning(warning);
        record.warnings.push(warning);
    }
}
/** The package list as the plan shows it: each URL without its query (a credential), else as it would be sent. */
function shownPackages(packages) {
    return packages.map((p) => ({ ...p, packageUrl: urlWithoutQuery(p.packageUrl) }));
}
function languageOf(write) {
    const listing = write.listings;
    return listing && typeof listing === 'object' && !Array.isArray(listing) && typeof listing.language === 'string'
        ? [listing.language]
        : [];
}
/** The summary's diff of an MSI/EXE plan: no MSIX package entries or field paths, the listing languages touched. */
function emptyDiff(listingsTouched) {
    return { packagesAdded: [], packagesMarkedForDeletion: [], listingsTouched, changes: [] };
}

;// CONCATENATED MODULE: ./src/commands/choose-submission.ts
/** Which submission `status` and `rollout` act on when `submission-id` names none. */


/**
 * The ID of the product's pending submission (if `preferPending`), else of its last published one.
 * Throws when the product has neither, asking for `submission-id`.
 */
async function chooseSubmission(ctx, target, preferPending) {
    const kind = KINDS[target.kind];
    const product = await ctx.store.getProduct(target);
    const id = (preferPending ? submissionRef(product, kind.pendingField) : undefined) ??
        submissionRef(product, kind.lastPublishedField);
    if (!id) {
        throw new Error(`The ${describeTarget(target)} has no ${preferPending ? 'pending or ' : ''}published submission; set 'submission-id'.`);
    }
    return id;
}

;// CONCATENATED MODULE: ./src/commands/rollout.ts
/** `command: rollout`: update, halt or finalize the gradual rollout of a published submission. */






const rollout = {
    name: 'rollout',
    inputs: {
        'app-id': PACKAGED_PRODUCTS,
        'flight-id': PACKAGED_PRODUCTS,
        'submission-id': PACKAGED_PRODUCTS,
        'rollout-action': PACKAGED_PRODUCTS,
        'rollout-percentage': PACKAGED_PRODUCTS,
    },
    parse(read) {
        const action = read.optionalChoice('rollout-action', ROLLOUT_ACTIONS);
        if (!action)
            throw new src_errors/* InputError */.dz('rollout-action', "is required with 'command: rollout': 'update', 'halt' or 'finalize'.");
        const percentage = readRolloutPercentage(read);
        if (action === 'update' && percentage === undefined)
            throw new src_errors/* InputError */.dz('rollout-percentage', "is required with 'rollout-action: update'.");
        if (action !== 'update' && percentage !== undefined)
            throw new src_errors/* InputError */.dz('rollout-percentage', `does not apply to 'rollout-action: ${action}'.`);
        return { target: readTarget(read, 'rollout'), submissionId: readSubmissionId(read), action, percentage };
    },
    async run(ctx, { target, submissionId: named, action, percentage }) {
        const { store, logger, record } = ctx;
        record.setTarget(target);
        const submissionId = named ??
            (await ctx.phase(`Find the submission of the ${describeTarget(target)}`, () => chooseSubmission(ctx, target, false)));
        record.submissionId = submissionId;
        record.rolloutBefore = await store.getRolloutState(target, submissionId);
        logger.info(`Rollout of submission ${submissionId} before: ${record.rolloutBefore.status} at ${record.rolloutBefore.percentage}%`);
        record.rolloutAfter = await ctx.phase(`${action} the rollout`, () => store.changeRollout(target, submissionId, action, percentage));
        logger.info(`Rollout of submission ${submissionId} after: ${record.rolloutAfter.status} at ${record.rolloutAfter.percentage}%`);
        const status = await store.getStatus(target, submissionId);
        record.status = status.status;
        record.statusDetails = status.statusDetails;
    },
};

;// CONCATENATED MODULE: ./src/commands/status.ts
/** `command: status`: report a submission's status, details and rollout, changing nothing. */






const status_status = {
    name: 'status',
    inputs: {
        'app-id': ANY_PRODUCT,
        'flight-id': ANY_PRODUCT,
        'add-on-id': ANY_PRODUCT,
        'submission-id': ANY_PRODUCT,
    },
    parse: (read) => ({ target: readTarget(read, 'status'), submissionId: readSubmissionId(read) }),
    async run(ctx, { target, submissionId: named }) {
        const { store, logger, record, clock } = ctx;
        record.setTarget(target);
        const submissionId = named ??
            (await ctx.phase(`Find the submission of the ${describeTarget(target)}`, () => chooseSubmission(ctx, target, true)));
        record.submissionId = submissionId;
        const current = await store.getStatus(target, submissionId);
        record.statusDetails = current.statusDetails;
        record.observeStatus(current.status, clock.now(), clock.now());
        logger.info(`Submission ${submissionId} of the ${describeTarget(target)} is ${current.status}`);
        for (const line of describeStatusDetails(current.statusDetails))
            logger.info(`  ${line}`);
        if (KINDS[target.kind].hasPackageDelivery) {
            const rollout = rolloutOfSubmission(await store.getSubmission(target, submissionId));
            if (rollout.status) {
                record.rolloutAfter = rollout;
                logger.info(`Gradual rollout: ${rollout.status} at ${rollout.percentage}%`);
            }
        }
    },
};

;// CONCATENATED MODULE: ./src/packages/checks.ts
/**
 * Package checks before anything is created (docs/contract.md "Package checks"): every new package
 * file against the app's identity and against the packages the Store already has. Pure; the
 * package files are read beforehand by readPackages (src/packages/read.ts).
 */


/**
 * What makes two package files one build: the identity name (any case), publisher, version and the
 * set of architectures. Two files with the same key are copies, or a bundle and the upload file
 * that wraps it, not two builds that forgot to raise the version.
 */
function buildKey(info, architectures) {
    return JSON.stringify([info.name.toLowerCase(), info.publisher, info.version, [...new Set(architectures)].sort()]);
}
/**
 * Checks the new package files. For each file (in `readings` order):
 * - not readable (a reading with `error`) -> problem;
 * - manifest `Identity Name` differs (ignoring case) from `app.packageIdentityName` -> problem;
 * - publisherHash(manifest `Publisher`) differs from the text after the last `_` of
 *   `app.packageFamilyName` -> problem;
 * - same version and a shared architecture as a live entry of `existing` (any `fileStatus` but
 *   PendingDelete), or as an earlier file of `readings` -> problem; an earlier file with the same
 *   identity, version and architectures is the same build given twice, and the problem says so;
 * - a package version (a plain package's, or each payload's of a bundle) whose fourth part is not 0,
 *   or an application package whose device families are all non-Windows -> problem (storeRuleProblems);
 * - a version lower than the newest live entry of `existing` with a shared architecture -> warning.
 *
 * `existing` is the package array of the submission to judge against: the last published one, or
 * the continued submission without its own new entries (the caller leaves those out). Entries
 * without a version or architecture (not yet processed by the Store) are not compared.
 * When the app resource lacks `packageIdentityName` or `packageFamilyName`, that check is skipped
 * and a warning says so. Never throws.
 */
function checkPackages(readings, app, existing) {
    const problems = [];
    const warnings = [];
    const known = knownEntries(existing);
    const expectedHash = app.packageFamilyName ? (0,identity/* familyPublisherHash */.z4)(app.packageFamilyName) : undefined;
    const appName = app.id ? `app ${app.id}` : 'the app';
    const earlier = [];
    for (const reading of readings) {
        const file = reading.file;
        if ('error' in reading) {
            problems.push({
                file,
                message: `${reading.error}. Give a package the Store accepts: .msix, .appx, .msixbundle, .appxbundle, or the .msixupload/.appxupload that wraps one`,
            });
            continue;
        }
        const info = reading.info;
        if (app.packageIdentityName === undefined) {
            warnings.push({ file, message: `identity name not checked: ${appName} has no packageIdentityName` });
        }
        else if (info.name.toLowerCase() !== app.packageIdentityName.toLowerCase()) {
            problems.push({
                file,
                message: `its identity name is '${info.name}' but ${appName}'s packageIdentityName is '${app.packageIdentityName}'. ` +
                    `Build the package with Identity Name="${app.packageIdentityName}" (Partner Center: Product management > Product identity)`,
            });
        }
        if (app.packageFamilyName === undefined && app.publisherName !== undefined) {
            // No family name to take the hash from: the publisher itself, which the live resource carries too.
            if (info.publisherHash !== (0,identity/* publisherHash */.hj)(app.publisherName)) {
                problems.push({
                    file,
                    message: `its publisher '${info.publisher}' differs from ${appName}'s publisher '${app.publisherName}'. Build and sign ` +
                        'the package with that Publisher (Partner Center: Product management > Product identity > Package/Identity/Publisher)',
                });
            }
        }
        else if (app.packageFamilyName === undefined) {
            warnings.push({ file, message: `publisher not checked: ${appName} has no packageFamilyName or publisherName` });
        }
        else if (expectedHash === undefined) {
            warnings.push({
                file,
                message: `publisher not checked: ${appName}'s packageFamilyName '${app.packageFamilyName}' has no publisher hash after '_'`,
            });
        }
        else if (info.publisherHash !== expectedHash) {
            problems.push({
                file,
                message: `its publisher '${info.publisher}' has the publisher hash '${info.publisherHash}', but ${appName}'s packageFamilyName ` +
                    `'${app.packageFamilyName}' ends with '${expectedHash}'. Build and sign the package with the app's Publisher ` +
                    '(Partner Center: Product management > Product identity > Package/Identity/Publisher)',
            });
        }
        const version = (0,identity/* parseVersion */.ot)(info.version);
        if (!version) {
            problems.push({
                file,
                message: `its version '${info.version}' is not four numbers from 0 to 65535 such as 1.2.0.0`,
            });
            continue;
        }
        problems.push(...storeRuleProblems(info).map((message) => ({ file, message })));
        const architectures = info.architectures.map(identity/* normaliseArchitecture */.C1);
        const build = buildKey(info, architectures);
        for (const entry of [...known, ...earlier]) {
            const shared = architectures.filter((architecture) => entry.architectures.includes(architecture));
            if (entry.build === build) {
                problems.push({
                    file,
                    message: `it is the same build as ${entry.fileName} (${info.name} ${info.version}, ${architectures.join(', ')}), given twice: ` +
                        'two copies of one artifact (e.g. downloaded into two folders), or a bundle and the upload file that wraps it. ' +
                        "Make the 'packages' patterns match one copy only (e.g. name the folder and the extension instead of '**/*.msix*'), or remove the copy",
                });
            }
            else if (shared.length > 0 && (0,identity/* compareVersions */.Zy)(entry.version, version) === 0) {
                const where = earlier.includes(entry) ? 'is also given in this run' : 'is already in the submission';
                problems.push({
                    file,
                    message: `version ${info.version} for ${shared.join(', ')} ${where} as ${entry.fileName} (version ${entry.versionText}, ` +
                        `${entry.architectures.join(', ')}). Raise the package version; the Store refuses a version it already has`,
                });
            }
        }
        for (const architecture of architectures) {
            const newest = known
                .filter((entry) => entry.architectures.includes(architecture))
                .reduce((best, entry) => (!best || (0,identity/* compareVersions */.Zy)(entry.version, best.version) > 0 ? entry : best), undefined);
            if (newest && (0,identity/* compareVersions */.Zy)(version, newest.version) < 0) {
                warnings.push({
                    file,
                    message: `version ${info.version} for ${architecture} is lower than ${newest.versionText}, the newest the Store has for ` +
                        `${architecture} (${newest.fileName}); customers with ${newest.versionText} will not be offered it`,
                });
            }
        }
        earlier.push({ fileName: file, version, versionText: info.version, architectures, build });
    }
    return { problems, warnings };
}
/**
 * A device family of the Windows 10 and later devices the Store serves: `Windows.Desktop`,
 * `Windows.Universal`, ... (docs/store-api.md#package-rules-windows-and-the-store-apply).
 */
const WINDOWS_FAMILY = /^Windows\./i;
/**
 * What the Store refuses in a readable package, each as a message: a package version whose fourth
 * part is not 0 (a plain package's, or each payload's of a bundle, resource packages included: the
 * rule is on every package; a bundle's own version is not a package's, and MakeAppx stamps it with
 * the time), which the Store refuses only at commit; and an application package none of whose
 * device families is a `Windows.*` one (`Google.Android.All`, `Apple.*`, `Linux.All`,
 * `Platform.All`, the MSIX SDK's `Windows7.Desktop`), which the Store does not take. A package
 * naming no device family (a Windows 8 manifest) is not judged by them. See
 * docs/store-api.md#package-rules-windows-and-the-store-apply.
 */
function storeRuleProblems(info) {
    const messages = [];
    const versions = info.kind === 'bundle'
        ? info.parts.map((part) => ({ who: `its package ${part.fileName ?? part.architecture}:`, version: part.version }))
        : [{ who: 'its', version: info.version }];
    for (const { who, version } of versions) {
        const parts = (0,identity/* parseVersion */.ot)(version);
        if (!parts || parts[3] === 0)
            continue;
        const suggested = nextStoreVersion(parts);
        messages.push(`${who} version '${version}' has a fourth part other than 0; the Store refuses it at commit, after the ` +
            'submission is created, and the failed submission then blocks the next run. Build the package with a ' +
            (suggested
                ? `version X.Y.Z.0, such as ${suggested}`
                : `lower version X.Y.Z.0 (no version X.Y.Z.0 is above '${version}')`));
    }
    const payloads = info.parts.filter((part) => part.type === 'application');
    for (const payload of payloads) {
        const families = payload.targetDeviceFamilies.map((family) => family.name);
        if (families.length === 0 || families.some((family) => WINDOWS_FAMILY.test(family)))
            continue;
        messages.push(`${payload.fileName === undefined ? 'it' : `its package ${payload.fileName}`} targets only ${families.join(', ')}: ` +
            'no Windows device family; the Store takes only Windows device families (Windows.Desktop, Windows.Universal, ...). ' +
            'Build the package with a Windows device family, e.g. <TargetDeviceFamily Name="Windows.Desktop" ...> in AppxManifest.xml');
    }
    return messages;
}
/**
 * The lowest version `X.Y.Z.0` above `version` (whose fourth part is not 0), so the suggestion still
 * updates customers: the third part raised, or when it is 65535 the second (then the first), the
 * parts after it 0. Undefined for 65535.65535.65535.N, above which there is none.
 */
function nextStoreVersion([major, minor, build]) {
    if (build < 65535)
        return `${major}.${minor}.${build + 1}.0`;
    if (minor < 65535)
        return `${major}.${minor + 1}.0.0`;
    if (major < 65535)
        return `${major + 1}.0.0.0`;
    return undefined;
}
/** Live package entries with a usable version and architecture. */
function knownEntries(entries) {
    const known = [];
    for (const entry of entries) {
        if (!isJsonObject(entry) || entry.fileStatus === 'PendingDelete')
            continue;
        if (typeof entry.version !== 'string' || typeof entry.architecture !== 'string')
            continue;
        const version = (0,identity/* parseVersion */.ot)(entry.version);
        const architectures = entryArchitectures(entry.architecture);
        if (!version || architectures.length === 0)
            continue;
        known.push({
            fileName: String(entry.fileName ?? entry.id ?? '?'),
            version,
            versionText: entry.version,
            architectures,
        });
    }
    return known;
}
/** A package entry's `architecture`: one name, or several separated by commas or spaces. */
function entryArchitectures(architecture) {
    return architecture
        .split(/[\s,]+/)
        .filter((part) => part !== '')
        .map(identity/* normaliseArchitecture */.C1);
}

;// CONCATENATED MODULE: ./src/packages/retention.ts
/**
 * `keep-package-versions: N` (docs/contract.md): after the new packages are added, keep the N newest
 * versions in each group of architecture and device family, the new packages counted, and mark
 * older entries PendingDelete. Pure.
 *
 * The rule, precisely:
 * - Live entries are those not PendingDelete. Each has a version, architectures (its
 *   `architecture`; a bundle's new entry has several) and device families (`targetDeviceFamilies`
 *   without the `min version ...` part; flights have none, so they group by architecture only).
 *   New entries (PendingUpload) take these facts from their manifests (`described`).
 * - An entry belongs to every group (architecture x family) it covers. In each group the distinct
 *   versions are ranked, newest first; the first N are the group's kept versions.
 * - An entry is kept when its version is kept in at least one of its groups; otherwise it is marked
 *   PendingDelete. So the newest version of every group always stays (N >= 1): no architecture or
 *   family is left without a package.
 * - New entries are never marked (the run was asked to upload them), but they take their place in
 *   the ranking. Entries whose version or architecture is unknown are kept and listed as unjudged.
 */




/**
 * Applies retention to a submission's package array (`applicationPackages` or `flightPackages`)
 * that already holds the new entries.
 * - `keep`: N, an integer >= 1.
 * - `described`: manifest facts of the new entries, keyed by packageKey of their file names,
 *   e.g. `contosonotes_2.0.0.0_x64.msixupload`.
 * - `byDeviceFamily`: group by device family too (apps); false groups by architecture only (flights,
 *   whose entries carry no device families).
 *
 * Throws RangeError when `keep` is not an integer >= 1 (inputs.ts validates it first).
 */
function applyRetention(entries, keep, described, byDeviceFamily) {
    if (!Number.isInteger(keep) || keep < 1)
        throw new RangeError(`keep-package-versions must be an integer of at least 1, not ${keep}`);
    const copy = entries.map((entry) => cloneJson(entry));
    const candidates = [];
    const unjudged = [];
    copy.forEach((entry, index) => {
        if (!isJsonObject(entry) || entry.fileStatus === 'PendingDelete')
            return;
        const candidate = candidateOf(entry, index, described, byDeviceFamily);
        if (candidate)
            candidates.push(candidate);
        else
            unjudged.push(String(entry.fileName ?? entry.id ?? `entry ${index + 1}`));
    });
    // Kept versions of each group, as text keys of the group's N newest distinct versions.
    const groups = new Map();
    for (const candidate of candidates) {
        for (const group of groupsOf(candidate)) {
            const versions = groups.get(group) ?? [];
            if (!versions.some((version) => (0,identity/* compareVersions */.Zy)(version, candidate.version) === 0))
                versions.push(candidate.version);
            groups.set(group, versions);
        }
    }
    const kept = new Map();
    for (const [group, versions] of groups) {
        kept.set(group, [...versions].sort((a, b) => (0,identity/* compareVersions */.Zy)(b, a)).slice(0, keep));
    }
    const removed = [];
    for (const candidate of candidates) {
        if (candidate.isNew)
            continue;
        const stays = groupsOf(candidate).some((group) => (kept.get(group) ?? []).some((version) => (0,identity/* compareVersions */.Zy)(version, candidate.version) === 0));
        if (stays)
            continue;
        copy[candidate.index].fileStatus = 'PendingDelete';
        removed.push({
            fileName: candidate.fileName,
            version: candidate.versionText,
            architectures: candidate.architectures,
            deviceFamilies: candidate.families.filter((family) => family !== ''),
        });
    }
    return { entries: copy, removed, unjudged };
}
function candidateOf(entry, index, described, byDeviceFamily) {
    const fileName = typeof entry.fileName === 'string' ? entry.fileName : '';
    const isNew = entry.fileStatus === 'PendingUpload';
    let versionText;
    let architectures = [];
    let families = [];
    if (isNew) {
        const facts = described.get((0,packages_names/* packageKey */.MO)(fileName));
        if (!facts)
            return undefined;
        versionText = facts.version;
        architectures = facts.architectures.flatMap(entryArchitectures);
        families = [...facts.deviceFamilies];
    }
    else {
        if (typeof entry.version === 'string')
            versionText = entry.version;
        if (typeof entry.architecture === 'string')
            architectures = entryArchitectures(entry.architecture);
        if (Array.isArray(entry.targetDeviceFamilies)) {
            families = entry.targetDeviceFamilies.filter((family) => typeof family === 'string').map(identity/* deviceFamilyName */.wJ);
        }
    }
    const version = versionText === undefined ? undefined : (0,identity/* parseVersion */.ot)(versionText);
    if (!version || versionText === undefined || architectures.length === 0)
        return undefined;
    const familyKeys = byDeviceFamily && families.length > 0 ? [...new Set(families.map((family) => family.toLowerCase()))] : [''];
    return {
        index,
        fileName: fileName || String(entry.id ?? `entry ${index + 1}`),
        isNew,
        version,
        versionText,
        architectures: [...new Set(architectures)],
        families: byDeviceFamily ? families : [],
        familyKeys,
    };
}
function groupsOf(candidate) {
    return candidate.architectures.flatMap((architecture) => candidate.familyKeys.map((family) => `${architecture}|${family}`));
}

;// CONCATENATED MODULE: ./src/submission/content.ts


/**
 * Applies the listings folder onto `submission` (apps: applyAppListings, add-ons:
 * applyAddOnListings; the folder's kind decides). Returns the new submission, the files the zip
 * must take from the folder (zip entry name -> absolute path inside the folder), the outcome and
 * warnings. Throws ListingsError (InputError of `listings`) when a new language lacks what it needs,
 * and InputError('listings') when the kind has no listings (flights).
 */
function applyListingsFolder(kind, submission, folder) {
    if (kind.kind === 'flight')
        throw new Error('package flights have no listings');
    const applied = folder.kind === 'app' ? applyAppListings(submission, folder) : applyAddOnListings(submission, folder);
    return {
        submission: applied.submission,
        uploads: applied.uploads,
        outcome: {
            languagesAdded: applied.languagesAdded,
            imagesKept: applied.imagesKept,
            imagesUploaded: [...applied.uploads.keys()],
        },
        warnings: applied.warnings,
    };
}
/**
 * Applies `keep-package-versions` to the package array of `submission` in place (it is the
 * builder's own copy): entries beyond the `keep` newest versions of each architecture and device
 * family group are marked PendingDelete (rule in src/packages/retention.ts). Apps group by
 * architecture and device family, flights by architecture only. `described` holds the new
 * packages' manifest facts keyed by packageKey of their zip names. No-op for add-ons.
 * Throws RangeError when `keep` is not an integer >= 1.
 */
function applyKeepPackageVersions(kind, submission, keep, described) {
    const field = kind.packagesField;
    if (!field)
        return undefined;
    const entries = Array.isArray(submission[field]) ? submission[field] : [];
    const result = applyRetention(entries, keep, described, kind.kind === 'app');
    submission[field] = result.entries;
    return { keep, removed: result.removed, unjudged: result.unjudged };
}

;// CONCATENATED MODULE: ./src/submission/build.ts







const PUBLISH_MODES = ['Immediate', 'Manual', 'SpecificDate'];
/**
 * Builds the submission to PUT from the one the Store cloned. Applies, in this order: the overlay
 * (`submission-json`), the listings folder, packages, retention (`keepPackageVersions`), release
 * notes (so `release-notes` wins over the folder's), notes for certification, publish mode and
 * date, gradual rollout, mandatory update. Never mutates its input.
 *
 * Decisions where the Store's documentation is silent:
 * - PUT is a full replace and the Store rejects a body that drops an existing package, so existing
 *   entries are always kept: `replacePackages` marks them PendingDelete, and an overlay whose
 *   package array leaves some out gets them appended back unchanged, with a warning.
 * - A new package whose name matches an existing entry (case-insensitively, as Windows compares)
 *   replaces it: the old entry is marked PendingDelete and the new one appended, with a warning.
 *   Two entries of one name both live would leave it unclear which file the Store should keep.
 * - A new package the overlay already lists as PendingUpload is not added a second time.
 * - `rolloutPercentage: 0` is a valid start (isPackageRollout true, nobody gets the packages until
 *   the percentage is raised with the `rollout` command). Without `rolloutPercentage` the cloned
 *   rollout settings are left as they are.
 * - `packageDeliveryOptions` is created when absent, holding only what was asked for.
 * - `targetPublishDate` needs the resulting mode to be SpecificDate; choosing SpecificDate needs a
 *   date from `targetPublishDate` or the overlay (the clone's date is the last publication's).
 * - `mandatoryUpdateDate` needs the resulting `isMandatoryUpdate` to be true.
 *
 * Call checkChanges first (before anything is read). Throws InputError naming the input when a
 * change does not fit the copied submission, and ListingLimitsError when the listings as built
 * (copied values included) break the Store's limits (src/listings/limits.ts).
 */
function buildSubmission(kind, current, changes) {
    const warnings = [];
    const extras = {};
    let submission = cloneJson(current);
    if (changes.overlay) {
        for (const mismatch of caseMismatches(submission, changes.overlay)) {
            warnings.push(`submission-json: ${mismatch}; field names are case-sensitive, so this adds a field the Store ignores`);
        }
        const { merged, ignoredFields } = mergeSubmission(submission, changes.overlay);
        submission = merged;
        if (ignoredFields.length > 0) {
            warnings.push(`submission-json: ignored the read-only field(s) ${ignoredFields.join(', ')}; the Store sets them itself`);
        }
        if (kind.packagesField && Object.hasOwn(changes.overlay, kind.packagesField)) {
            refuseResentPackages(kind.packagesField, current, submission);
            warnings.push(...restoreDroppedPackages(kind.packagesField, current, submission));
        }
    }
    if (changes.listings) {
        const applied = applyListingsFolder(kind, submission, changes.listings);
        submission = applied.submission;
        extras.uploads = applied.uploads;
        extras.listings = applied.outcome;
        warnings.push(...applied.warnings);
    }
    if (kind.packagesField)
        warnings.push(...applyPackages(kind.packagesField, submission, changes));
    if (changes.keepPackageVersions !== undefined) {
        const retention = applyKeepPackageVersions(kind, submission, changes.keepPackageVersions, changes.describedPackages ?? new Map());
        if (retention)
            extras.retention = retention;
        if (retention?.unjudged.length) {
            warnings.push(`keep-package-versions: kept ${retention.unjudged.join(', ')}: their version or architecture is not known yet (the Store has not processed them, or no manifest was read)`);
        }
    }
    if (changes.releaseNotes !== undefined)
        applyReleaseNotes(submission, changes.releaseNotes);
    if (changes.notesForCertification !== undefined)
        submission.notesForCertification = changes.notesForCertification;
    applyPublishMode(submission, changes);
    applyPackageDelivery(submission, changes);
    warnings.push(...settleCarriedOver(submission, changes));
    // The Store checks the whole listing it is sent, values copied from its own listing included.
    const limits = submissionListingProblems(kind.kind, submission);
    if (limits.length > 0)
        throw new ListingLimitsError(limits);
    return { submission, warnings, ...extras };
}
/**
 * The rules that the changes alone decide, checked before anything is read or created; the rules
 * that also depend on the copied submission are checked as it is built. Throws InputError.
 */
function checkChanges(kind, changes) {
    const packageProblems = zipNameProblems(changes.newPackages);
    if (packageProblems.length > 0)
        throw new src_errors/* InputError */.dz('packages', packageProblems.join('; '));
    const overlayPackages = kind.packagesField && changes.overlay ? changes.overlay[kind.packagesField] : undefined;
    if (changes.replacePackages && changes.newPackages.length === 0 && overlayPackages === undefined) {
        throw new src_errors/* InputError */.dz('replace-packages', "needs new packages: set 'packages' too.");
    }
    const mode = changes.targetPublishMode ?? overlayValue(changes.overlay, 'targetPublishMode');
    const date = changes.targetPublishDate ?? overlayValue(changes.overlay, 'targetPublishDate');
    if (mode === 'SpecificDate' && date === undefined) {
        throw new src_errors/* InputError */.dz('target-publish-date', "is required with target-publish-mode SpecificDate (or set targetPublishDate in 'submission-json').");
    }
    if (changes.targetPublishDate !== undefined && mode !== undefined && mode !== 'SpecificDate') {
        throw new src_errors/* InputError */.dz('target-publish-date', `only applies with target-publish-mode SpecificDate, not ${String(mode)}.`);
    }
    const delivery = changes.overlay?.packageDeliveryOptions;
    const mandatory = changes.mandatoryUpdate ?? (isJsonObject(delivery) ? delivery.isMandatoryUpdate : undefined);
    if (changes.mandatoryUpdateDate !== undefined && mandatory === false) {
        throw new src_errors/* InputError */.dz('mandatory-update-date', MANDATORY_DATE_NEEDS_UPDATE);
    }
}
const MANDATORY_DATE_NEEDS_UPDATE = 'only applies with mandatory-update: true';
function overlayValue(overlay, field) {
    return overlay && Object.hasOwn(overlay, field) ? overlay[field] : undefined;
}
/** The packageKey of an entry's `fileName`; undefined when it has none. */
function entryKey(fileName) {
    return typeof fileName === 'string' ? (0,packages_names/* packageKey */.MO)(fileName) : undefined;
}
function packageEntries(field, submission) {
    const entries = submission[field];
    if (entries === undefined || entries === null)
        return undefined;
    if (!Array.isArray(entries))
        throw new src_errors/* InputError */.dz('submission-json', `${field} must be an array of package entries`);
    return entries;
}
/**
 * Refuses an overlay that sends an existing package entry (its `id`) back as PendingUpload: the
 * Store counts such an entry as left out and refuses the whole PUT with "Please keep all file
 * entries for existing packages" (docs/store-api.md#live-package-entries). Throws InputError.
 */
function refuseResentPackages(field, current, merged) {
    const existing = new Map((packageEntries(field, current) ?? [])
        .filter(isJsonObject)
        // An entry still PendingUpload in the submission itself (an earlier attempt's new file) may stay so.
        .filter((entry) => typeof entry.id === 'string' && entry.fileStatus !== 'PendingUpload')
        .map((entry) => [entry.id, entry]));
    const resent = (packageEntries(field, merged) ?? []).filter((entry) => isJsonObject(entry) &&
        entry.fileStatus === 'PendingUpload' &&
        typeof entry.id === 'string' &&
        existing.has(entry.id));
    if (resent.length === 0)
        return;
    const named = resent.map((entry) => `${String(entry.id)} (${String(entry.fileName)})`).join(', ');
    throw new src_errors/* InputError */.dz('submission-json', `${field} sends the existing package entries ${named} back as PendingUpload, which the Store reads as leaving them out: it refuses the update ("Please keep all file entries for existing packages"). ` +
        'Keep an existing entry as the Store gave it (fileStatus Uploaded), mark it PendingDelete to remove it, and list a new file without an id (or give it in packages).');
}
/** Puts back existing package entries that the overlay's package array left out. */
function restoreDroppedPackages(field, current, merged) {
    const existing = packageEntries(field, current) ?? [];
    const entries = packageEntries(field, merged) ?? [];
    const ids = new Set(entries
        .filter(isJsonObject)
        .map((entry) => entry.id)
        .filter((id) => typeof id === 'string'));
    const names = new Set(entries.filter(isJsonObject).map((entry) => entryKey(entry.fileName)));
    const dropped = existing.filter((entry) => isJsonObject(entry) && !(typeof entry.id === 'string' ? ids.has(entry.id) : names.has(entryKey(entry.fileName))));
    if (dropped.length === 0)
        return [];
    merged[field] = [...entries, ...cloneJson(dropped)];
    const droppedNames = dropped.map((entry) => (isJsonObject(entry) ? String(entry.fileName) : '?')).join(', ');
    return [
        `submission-json: ${field} left out ${dropped.length} package(s) already in the submission (${droppedNames}); ` +
            'they are kept because the Store rejects a submission that drops existing packages. ' +
            'To remove them, mark them PendingDelete or use replace-packages.',
    ];
}
function applyPackages(field, submission, changes) {
    const existing = packageEntries(field, submission);
    if (!existing && changes.newPackages.length === 0)
        return [];
    const entries = existing ?? [];
    const warnings = [];
    const newKeys = new Set(changes.newPackages.map((name) => (0,packages_names/* packageKey */.MO)(name)));
    const alreadyPending = new Set();
    for (const entry of entries) {
        if (!isJsonObject(entry) || entry.fileStatus === 'PendingDelete')
            continue;
        // Entries still PendingUpload come from the overlay: they are part of this run's new files.
        if (entry.fileStatus === 'PendingUpload') {
            alreadyPending.add(entryKey(entry.fileName));
            continue;
        }
        const replacedByNew = newKeys.has(entryKey(entry.fileName));
        if (changes.replacePackages || replacedByNew)
            entry.fileStatus = 'PendingDelete';
        if (replacedByNew && !changes.replacePackages) {
            warnings.push(`packages: ${String(entry.fileName)} is already in the submission; the existing entry is marked PendingDelete and the new file replaces it`);
        }
    }
    for (const fileName of changes.newPackages) {
        if (alreadyPending.has((0,packages_names/* packageKey */.MO)(fileName)))
            continue;
        entries.push({ fileName, fileStatus: 'PendingUpload', minimumDirectXVersion: 'None', minimumSystemRam: 'None' });
    }
    // The PUT must carry both fields on every entry, old ones included (the docs require them even
    // though only Windows 8.x packages use them).
    for (const entry of entries) {
        if (!isJsonObject(entry))
            continue;
        entry.minimumDirectXVersion ??= 'None';
        entry.minimumSystemRam ??= 'None';
    }
    submission[field] = entries;
    if (changes.replacePackages &&
        !entries.some((entry) => isJsonObject(entry) && entry.fileStatus !== 'PendingDelete')) {
        throw new src_errors/* InputError */.dz('replace-packages', 'would mark every package PendingDelete and add none; give the new package files in packages');
    }
    return warnings;
}
/** Sets the release notes of every listing, including listings that had none. */
function applyReleaseNotes(submission, releaseNotes) {
    const listings = submission.listings;
    const languages = isJsonObject(listings) ? Object.keys(listings) : [];
    if (!isJsonObject(listings) || languages.length === 0) {
        throw new src_errors/* InputError */.dz('release-notes', 'the app submission has no listings to put them in');
    }
    for (const language of languages) {
        const listing = listings[language];
        if (!isJsonObject(listing))
            continue;
        if (!isJsonObject(listing.baseListing))
            listing.baseListing = {};
        listing.baseListing.releaseNotes = releaseNotes;
    }
}
function applyPublishMode(submission, changes) {
    if (changes.targetPublishMode !== undefined)
        submission.targetPublishMode = changes.targetPublishMode;
    if (changes.targetPublishDate !== undefined) {
        if (submission.targetPublishMode !== 'SpecificDate') {
            throw new src_errors/* InputError */.dz('target-publish-date', `only applies with target-publish-mode SpecificDate (the submission's mode is ${String(submission.targetPublishMode ?? 'not set')})`);
        }
        submission.targetPublishDate = changes.targetPublishDate;
    }
}
/**
 * What the Store's copy of the last submission carries that this run did not ask for: a gradual
 * rollout is switched off (`isPackageRollout: false`), a mandatory update or a publish mode other
 * than Immediate is kept; each is reported. Returns the reports.
 */
function settleCarriedOver(submission, changes) {
    const reports = [];
    const overlayDelivery = isJsonObject(changes.overlay?.packageDeliveryOptions)
        ? changes.overlay.packageDeliveryOptions
        : {};
    const delivery = isJsonObject(submission.packageDeliveryOptions) ? submission.packageDeliveryOptions : undefined;
    const rollout = delivery && isJsonObject(delivery.packageRollout) ? delivery.packageRollout : undefined;
    if (changes.rolloutPercentage === undefined &&
        !Object.hasOwn(overlayDelivery, 'packageRollout') &&
        rollout?.isPackageRollout === true) {
        rollout.isPackageRollout = false;
        reports.push(`The copy of the last submission carried a gradual rollout (${String(rollout.packageRolloutPercentage ?? '?')}%); it is switched off (isPackageRollout: false) because 'rollout-percentage' does not ask for one`);
    }
    if (changes.mandatoryUpdate === undefined &&
        changes.mandatoryUpdateDate === undefined &&
        !Object.hasOwn(overlayDelivery, 'isMandatoryUpdate') &&
        delivery?.isMandatoryUpdate === true) {
        reports.push("The copy of the last submission makes this a mandatory update; it is kept (set 'mandatory-update: false' to change that)");
    }
    const mode = submission.targetPublishMode;
    if (changes.targetPublishMode === undefined &&
        !(changes.overlay && Object.hasOwn(changes.overlay, 'targetPublishMode')) &&
        (mode === 'Manual' || mode === 'SpecificDate')) {
        reports.push(`The copy of the last submission has publish mode ${mode}; it is kept (set 'target-publish-mode' to change it)`);
    }
    return reports;
}
function applyPackageDelivery(submission, changes) {
    const { rolloutPercentage, mandatoryUpdate, mandatoryUpdateDate } = changes;
    if (rolloutPercentage === undefined && mandatoryUpdate === undefined && mandatoryUpdateDate === undefined)
        return;
    const delivery = isJsonObject(submission.packageDeliveryOptions) ? submission.packageDeliveryOptions : {};
    submission.packageDeliveryOptions = delivery;
    if (rolloutPercentage !== undefined) {
        const rollout = isJsonObject(delivery.packageRollout) ? delivery.packageRollout : {};
        rollout.isPackageRollout = true;
        rollout.packageRolloutPercentage = rolloutPercentage;
        delivery.packageRollout = rollout;
    }
    if (mandatoryUpdate !== undefined)
        delivery.isMandatoryUpdate = mandatoryUpdate;
    if (mandatoryUpdateDate !== undefined) {
        if (delivery.isMandatoryUpdate !== true) {
            throw new src_errors/* InputError */.dz('mandatory-update-date', MANDATORY_DATE_NEEDS_UPDATE);
        }
        delivery.mandatoryUpdateEffectiveDate = mandatoryUpdateDate;
    }
}

// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(57975);
;// CONCATENATED MODULE: ./src/submission/diff.ts




/**
 * A field-level diff between the last published submission and the one that would be sent, with
 * paths like `listings.en-us.baseListing.releaseNotes` or `targetPublishMode`. The package array is
 * summarised in packagesAdded / packagesMarkedForDeletion instead of element by element.
 */
function diffSubmissions(kind, before, after) {
    const changes = [];
    for (const key of unionKeys(before, after)) {
        if (READ_ONLY_FIELDS.includes(key) || key === kind.packagesField)
            continue;
        diffValue(ownValue(before, key), ownValue(after, key), childPath('', key), changes);
    }
    const packages = kind.packagesField
        ? summarisePackages(before[kind.packagesField], after[kind.packagesField])
        : { packagesAdded: [], packagesMarkedForDeletion: [] };
    return { ...packages, listingsTouched: touchedKeys(before.listings, after.listings), changes };
}
/**
 * Whether a diff shows nothing sent that the last published submission lacks: no field changed, no
 * package added or marked PendingDelete. A carried-over gradual rollout that the run switches off
 * does not count unless `rolloutAsked` (the run set a rollout itself).
 */
function isUnchanged(diff, rolloutAsked) {
    const changed = diff.changes.filter((change) => rolloutAsked || !change.path.startsWith('packageDeliveryOptions.packageRollout'));
    return changed.length === 0 && diff.packagesAdded.length === 0 && diff.packagesMarkedForDeletion.length === 0;
}
function diffValue(before, after, path, changes) {
    if ((0,external_node_util_.isDeepStrictEqual)(before, after))
        return;
    const beforeIsObjectOrAbsent = before === undefined || isJsonObject(before);
    const afterIsObjectOrAbsent = after === undefined || isJsonObject(after);
    if (beforeIsObjectOrAbsent && afterIsObjectOrAbsent) {
        // Recursing into an added or removed object reports its leaves, so a created
        // packageDeliveryOptions shows up as packageDeliveryOptions.packageRollout.packageRolloutPercentage.
        const beforeObject = before ?? {};
        const afterObject = after ?? {};
        const changesBefore = changes.length;
        for (const key of unionKeys(beforeObject, afterObject)) {
            diffValue(ownValue(beforeObject, key), ownValue(afterObject, key), childPath(path, key), changes);
        }
        // An empty object added or removed has no leaves to report, so it is reported itself.
        if (changes.length > changesBefore)
            return;
    }
    changes.push({ path, before: copy(before), after: copy(after) });
}
function summarisePackages(before, after) {
    const beforeEntries = objectsOf(before);
    const statusBefore = (entry) => beforeEntries.find((old) => typeof entry.id === 'string' ? old.id === entry.id : old.id === undefined && old.fileName === entry.fileName)?.fileStatus;
    const packagesAdded = [];
    const packagesMarkedForDeletion = [];
    for (const entry of objectsOf(after)) {
        const name = String(entry.fileName);
        if (entry.fileStatus === 'PendingUpload')
            packagesAdded.push(name);
        if (entry.fileStatus === 'PendingDelete' && statusBefore(entry) !== 'PendingDelete')
            packagesMarkedForDeletion.push(name);
    }
    return { packagesAdded, packagesMarkedForDeletion };
}
function touchedKeys(before, after) {
    const beforeMap = isJsonObject(before) ? before : {};
    const afterMap = isJsonObject(after) ? after : {};
    return unionKeys(beforeMap, afterMap).filter((key) => !(0,external_node_util_.isDeepStrictEqual)(ownValue(beforeMap, key), ownValue(afterMap, key)));
}
function objectsOf(value) {
    return Array.isArray(value) ? value.filter(isJsonObject) : [];
}
/** Keys of `first` in order, then the keys only `second` has. */
function unionKeys(first, second) {
    return [...new Set([...Object.keys(first), ...Object.keys(second)])];
}
function copy(value) {
    return value === undefined ? undefined : cloneJson(value);
}

;// CONCATENATED MODULE: ./src/packages/index.ts




/** readPackages of ./read.js, loading the zip and XML readers on first use. See there. */
async function readPackages(files, options = {}) {
    const { readPackages: read } = await Promise.all(/* import() */[__webpack_require__.e(143), __webpack_require__.e(663), __webpack_require__.e(47)]).then(__webpack_require__.bind(__webpack_require__, 65047));
    return read(files, options);
}
/** readPackage of ./read.js, loading the zip and XML readers on first use. Throws PackageReadError, or the stop reason. */
async function readPackage(file, options = {}) {
    const { readPackage: read } = await Promise.all(/* import() */[__webpack_require__.e(143), __webpack_require__.e(663), __webpack_require__.e(47)]).then(__webpack_require__.bind(__webpack_require__, 65047));
    return read(file, options);
}

;// CONCATENATED MODULE: ./src/commands/content.ts
/**
 * The submit command's Store content as code: the `listings` folder and
 * `keep-package-versions` inputs, reading the folder and the new packages' manifests before
 * anything is sent, checking the packages against the app before anything is created, and
 * recording what building the submission did. The pure application lives in
 * src/submission/content.ts (called by buildSubmission).
 *
 * Order in a run: readContentInputs (parse) -> prepareContent (local files only, before signing in)
 * -> checkNewPackages (after the product and its last published submission are read, before the
 * first mutating request) -> buildSubmission -> recordBuilt.
 */




/**
 * Parses `listings` and `keep-package-versions`. Throws InputError when `listings` is not an
 * existing folder or is combined with `zip-path` (a ready-made zip is uploaded as it is, so it
 * cannot take the folder's images), or when `keep-package-versions` is not a whole number >= 1.
 */
function readContentInputs(read) {
    const listings = read.existing('listings', 'folder');
    if (listings !== undefined && read.text('zip-path') !== '') {
        throw new src_errors/* InputError */.dz('listings', "cannot be combined with 'zip-path': a ready-made zip is uploaded as it is, so it cannot take the folder's images; name them in 'submission-json' instead.");
    }
    const keepText = read.text('keep-package-versions');
    let keepPackageVersions;
    if (keepText !== '') {
        keepPackageVersions = Number(keepText);
        if (!/^\d{1,6}$/.test(keepText) || keepPackageVersions < 1) {
            throw new src_errors/* InputError */.dz('keep-package-versions', `'${keepText}' is not a whole number of at least 1 (the package versions to keep per architecture and device family).`);
        }
    }
    return { listings, keepPackageVersions };
}
/**
 * Reads what the run will publish from disk, before any request: the listings folder (every
 * problem with its file: structure, UTF-8, PNG signatures, Store limits, files only inside the
 * folder and the folder inside the workspace, symlinks resolved) and the manifest of every new
 * package (streamed; the zip and XML readers load only now, and only when there are packages).
 *
 * Throws ListingsError (InputError of `listings`) listing every problem of the folder. A package
 * that cannot be read is not an error here: checkNewPackages reports it with the other checks.
 * Ignored files of the folder become warnings.
 */
async function prepareContent(ctx, inputs, target, packages) {
    let listings;
    if (inputs.listings !== undefined) {
        const loaded = await loadListings(inputs.listings, target.kind === 'add-on' ? 'add-on' : 'app', {
            within: inputs.workspace,
        });
        listings = loaded.folder;
        for (const warning of loaded.warnings)
            warn(ctx, `listings: ${warning.file}: ${warning.message}`);
        const languages = listings.languages.map((language) => language.language);
        ctx.logger.info(`Listings folder ${inputs.listings}: ${languages.length ? languages.join(', ') : 'no language folder'}${listings.defaults ? ' and default/' : ''}`);
    }
    const readable = packages.filter((p) => (0,packages_names/* isReadablePackageName */.O8)(p.name));
    const unread = packages.filter((p) => !(0,packages_names/* isReadablePackageName */.O8)(p.name)).map((p) => p.name);
    for (const name of unread)
        warn(ctx, `packages: ${name} is not checked: the action reads the identity of .msix, .appx, bundles and upload files, not this kind`);
    // A run stopped while reading says which package it was reading (the time-out message names the phase).
    const names = new Map(readable.map((p) => [p.path, p.name]));
    const readings = readable.length > 0
        ? await readPackages(readable.map((p) => p.path), {
            signal: ctx.signal,
            onRead: (file) => (ctx.record.phase = `Read package ${names.get(file) ?? file}`),
        })
        : [];
    return { listings, readings, unread, zipNames: names };
}
/** The changes prepareContent contributes to buildSubmission. */
function contentChanges(inputs, content) {
    const describedPackages = new Map();
    for (const reading of content.readings) {
        if (!('info' in reading))
            continue;
        const { version, architectures, deviceFamilies } = reading.info;
        describedPackages.set((0,packages_names/* packageKey */.MO)(content.zipNames.get(reading.file) ?? reading.file), {
            version,
            architectures,
            deviceFamilies,
        });
    }
    return { listings: content.listings, keepPackageVersions: inputs.keepPackageVersions, describedPackages };
}
/**
 * Checks every new package before anything is created (docs/contract.md "Package checks"): readable,
 * identity name equal to the app's `packageIdentityName`, publisher hash equal to the end of its
 * `packageFamilyName`, and no version and architecture already live in `against` (the last
 * published submission, or the submission being continued, less `ignoreFileNames`). A version
 * lower than the newest there is a warning. For a package flight the app resource is read (a GET)
 * for its identity; `product` is the target's product resource as read.
 *
 * Records every read package (identity, version, architectures) in the run record and logs it.
 * Throws InputError('packages') naming every refused file with both values compared.
 */
async function checkNewPackages(ctx, target, kind, content, product, against, options = {}) {
    if (content.readings.length === 0)
        return;
    const app = target.kind === 'flight' ? await ctx.store.getProduct({ kind: 'app', appId: target.appId }) : product;
    const ignored = new Set((options.ignoreFileNames ?? []).map(packages_names/* packageKey */.MO));
    const entries = kind.packagesField && against && Array.isArray(against[kind.packagesField])
        ? against[kind.packagesField]
        : [];
    const existing = entries.filter((entry) => !(isJsonObject(entry) && typeof entry.fileName === 'string' && ignored.has((0,packages_names/* packageKey */.MO)(entry.fileName))));
    const { problems, warnings } = checkPackages(content.readings, identityOf(app), existing);
    const shown = (file) => content.zipNames.get(file) ?? file;
    ctx.record.packages.splice(0, ctx.record.packages.length, ...packageRecords(content, shown));
    for (const found of ctx.record.packages) {
        ctx.logger.info(`Package ${found.file}: ${found.identity} ${found.version} (${found.architectures.join(', ') || 'no architecture'}${found.deviceFamilies.length ? `; ${found.deviceFamilies.join(', ')}` : ''})`);
    }
    for (const warning of warnings)
        warn(ctx, `packages: ${shown(warning.file)}: ${warning.message}`);
    if (problems.length > 0) {
        throw new src_errors/* InputError */.dz('packages', `${problems.length === 1 ? 'a package is' : `${problems.length} problems with packages are`} refused before anything is created:\n` +
            problems.map((problem) => `- ${shown(problem.file)}: ${problem.message}`).join('\n'));
    }
}
/**
 * Records and logs what building the submission did with the listings folder and retention. A
 * later build of the same run (the real copy after the preview) overwrites the record and is
 * logged again only when its outcome differs.
 */
function recordBuilt(ctx, built) {
    const { record, logger } = ctx;
    if (built.listings && !sameOutcome(built.listings, record.listings)) {
        record.listings = built.listings;
        const { languagesAdded, imagesKept, imagesUploaded } = built.listings;
        logger.info(`Listings: ${languagesAdded.length ? `languages added ${languagesAdded.join(', ')}; ` : ''}` +
            `${imagesKept.length} image(s) unchanged and kept, ${imagesUploaded.length} new image(s) to upload`);
    }
    if (built.retention && !sameOutcome(built.retention, record.retention)) {
        record.retention = built.retention;
        const { keep, removed } = built.retention;
        logger.info(removed.length
            ? `keep-package-versions ${keep}: marked PendingDelete ${removed.map((r) => `${r.fileName} (${r.version}, ${r.architectures.join(', ')})`).join(', ')}`
            : `keep-package-versions ${keep}: no package is older than the ${keep} newest version(s) of its architecture and device family`);
    }
}
/** Whether two outcomes (plain JSON data, built by the same code, so keys come in one order) say the same. */
function sameOutcome(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
}
function packageRecords(content, shown) {
    return content.readings.flatMap((reading) => 'info' in reading
        ? [
            {
                file: shown(reading.file),
                identity: reading.info.name,
                publisher: reading.info.publisher,
                version: reading.info.version,
                ...otherVersionsOf(reading.info),
                architectures: reading.info.architectures,
                deviceFamilies: reading.info.deviceFamilies,
            },
        ]
        : []);
}
/** A bundle's application package versions that differ from its own, for the check of what the Store took; nothing when there are none. */
function otherVersionsOf(info) {
    const others = new Set(info.parts.filter((part) => part.type === 'application' && part.version !== info.version).map((p) => p.version));
    return others.size ? { otherVersions: [...others] } : {};
}
function identityOf(app) {
    const identity = {};
    if (typeof app.id === 'string')
        identity.id = app.id;
    if (typeof app.packageIdentityName === 'string' && app.packageIdentityName !== '')
        identity.packageIdentityName = app.packageIdentityName;
    // The live API spells it `PackageFamilyName` (docs/store-api.md#what-the-live-services-send).
    const familyName = app.packageFamilyName ?? app.PackageFamilyName;
    if (typeof familyName === 'string' && familyName !== '')
        identity.packageFamilyName = familyName;
    if (typeof app.publisherName === 'string' && app.publisherName !== '')
        identity.publisherName = app.publisherName;
    return identity;
}
function warn(ctx, message) {
    ctx.logger.warning(message);
    ctx.record.warnings.push(message);
}

// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(38522);
var external_node_zlib_default = /*#__PURE__*/__webpack_require__.n(external_node_zlib_);
;// CONCATENATED MODULE: ./src/upload/zip.ts
/**
 * A thin streaming zip writer for stored (uncompressed) entries, with Zip64.
 *
 * Store uploads hold packages (already zip containers), PNG/JPEG images and videos: deflating
 * them again costs CPU for nothing, so every entry is stored. That makes every size known before
 * the first byte is written: the whole layout (offsets, header sizes, total size) is computed up
 * front, and only the CRC-32 of each entry is learnt while streaming it (`zlib.crc32`, native).
 *
 * Local headers are complete (CRC and sizes, no data descriptor): the writer hands the sink a
 * placeholder header when an entry starts and the final header when its data is done; the sink
 * puts the final bytes in place (patches a buffer, or stages the header's block after the data).
 *
 * Why not a library writer (yazl): its CRC-32 is JavaScript, about ten times slower than the native
 * `zlib.crc32` on the cores the upload shares (figures in docs/performance.md), and a streamed
 * entry gets a data descriptor, so its local header cannot be complete.
 */



const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const ZIP64_END = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const END = 0x06054b50;
const MAX16 = 0xffff;
const MAX32 = 0xffffffff;
/** General purpose flag bit 11: names are UTF-8. */
const FLAG_UTF8 = 0x0800;
const VERSION_STORED = 10;
const VERSION_ZIP64 = 45;
/** Made by: Unix (3), spec 4.5; external attributes carry a regular file, mode 0644. */
const MADE_BY = (3 << 8) | VERSION_ZIP64;
const EXTERNAL_ATTRS = (0o100644 << 16) >>> 0;
const LOCAL_FIXED = 30;
const CENTRAL_FIXED = 46;
const ZIP64_END_SIZE = 56;
const ZIP64_LOCATOR_SIZE = 20;
const END_SIZE = 22;
/** Computes where every byte of the zip goes. Throws on a bad or duplicate name, or a bad size. */
function zipLayout(entries) {
    const seen = new Map();
    const laid = [];
    let offset = 0;
    for (const entry of entries) {
        const problem = zipEntryNameProblem(entry.name);
        if (problem)
            throw new Error(`Zip entry name ${problem}`);
        // The Store matches file names without regard to case, as Windows does.
        const key = entry.name.toLowerCase();
        const previous = seen.get(key);
        if (previous !== undefined)
            throw new Error(`Zip entry name '${entry.name}' appears twice (also as '${previous}')`);
        seen.set(key, entry.name);
        if (!Number.isSafeInteger(entry.size) || entry.size < 0) {
            throw new Error(`Zip entry '${entry.name}' has an invalid size ${entry.size}`);
        }
        const nameBytes = Buffer.from(entry.name, 'utf8');
        const zip64Size = entry.size >= MAX32;
        const headerSize = LOCAL_FIXED + nameBytes.length + (zip64Size ? 20 : 0);
        laid.push({
            name: entry.name,
            nameBytes,
            size: entry.size,
            mtime: entry.mtime ?? new Date(1980, 0, 1),
            offset,
            headerSize,
            zip64Size,
            zip64Offset: offset >= MAX32,
        });
        offset += headerSize + entry.size;
    }
    const centralDirectoryOffset = offset;
    let centralDirectorySize = 0;
    for (const entry of laid)
        centralDirectorySize += CENTRAL_FIXED + entry.nameBytes.length + centralExtraSize(entry);
    const zip64End = laid.length >= MAX16 || centralDirectoryOffset >= MAX32 || centralDirectorySize >= MAX32;
    const totalSize = centralDirectoryOffset + centralDirectorySize + (zip64End ? ZIP64_END_SIZE + ZIP64_LOCATOR_SIZE : 0) + END_SIZE;
    return { entries: laid, centralDirectoryOffset, centralDirectorySize, zip64End, totalSize };
}
/** The exact size of the zip `uploadEntries` would write for files of these sizes. */
function zipSize(entries) {
    return zipLayout(entries).totalSize;
}
function centralExtraSize(entry) {
    const fields = (entry.zip64Size ? 2 : 0) + (entry.zip64Offset ? 1 : 0);
    return fields === 0 ? 0 : 4 + 8 * fields;
}
function versionNeeded(entry) {
    return entry.zip64Size || entry.zip64Offset ? VERSION_ZIP64 : VERSION_STORED;
}
/** MS-DOS date and time (local time, 2 s resolution, 1980..2107). */
function dosDateTime(date) {
    let d = date;
    if (Number.isNaN(d.getTime()) || d.getFullYear() < 1980)
        d = new Date(1980, 0, 1);
    if (d.getFullYear() > 2107)
        d = new Date(2107, 11, 31, 23, 59, 58);
    return {
        time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
        date: ((d.getFullYear() - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
    };
}
/** The local header of `entry` with this CRC-32 (0 as a placeholder before the data is read). */
function localHeader(entry, crc) {
    const b = Buffer.alloc(entry.headerSize);
    const { time, date } = dosDateTime(entry.mtime);
    b.writeUInt32LE(LOCAL_HEADER, 0);
    b.writeUInt16LE(versionNeeded(entry), 4);
    b.writeUInt16LE(FLAG_UTF8, 6);
    b.writeUInt16LE(0, 8); // stored
    b.writeUInt16LE(time, 10);
    b.writeUInt16LE(date, 12);
    b.writeUInt32LE(crc >>> 0, 14);
    const size32 = entry.zip64Size ? MAX32 : entry.size;
    b.writeUInt32LE(size32, 18);
    b.writeUInt32LE(size32, 22);
    b.writeUInt16LE(entry.nameBytes.length, 26);
    b.writeUInt16LE(entry.zip64Size ? 20 : 0, 28);
    entry.nameBytes.copy(b, LOCAL_FIXED);
    if (entry.zip64Size) {
        const p = LOCAL_FIXED + entry.nameBytes.length;
        b.writeUInt16LE(0x0001, p);
        b.writeUInt16LE(16, p + 2);
        b.writeBigUInt64LE(BigInt(entry.size), p + 4);
        b.writeBigUInt64LE(BigInt(entry.size), p + 12);
    }
    return b;
}
/** The central directory followed by the end records, for entries with these CRCs. */
function centralDirectory(layout, crcs) {
    const tail = layout.zip64End ? ZIP64_END_SIZE + ZIP64_LOCATOR_SIZE + END_SIZE : END_SIZE;
    const b = Buffer.alloc(layout.centralDirectorySize + tail);
    let p = 0;
    layout.entries.forEach((entry, i) => {
        const { time, date } = dosDateTime(entry.mtime);
        const extra = centralExtraSize(entry);
        b.writeUInt32LE(CENTRAL_HEADER, p);
        b.writeUInt16LE(MADE_BY, p + 4);
        b.writeUInt16LE(versionNeeded(entry), p + 6);
        b.writeUInt16LE(FLAG_UTF8, p + 8);
        b.writeUInt16LE(0, p + 10);
        b.writeUInt16LE(time, p + 12);
        b.writeUInt16LE(date, p + 14);
        b.writeUInt32LE((crcs[i] ?? 0) >>> 0, p + 16);
        const size32 = entry.zip64Size ? MAX32 : entry.size;
        b.writeUInt32LE(size32, p + 20);
        b.writeUInt32LE(size32, p + 24);
        b.writeUInt16LE(entry.nameBytes.length, p + 28);
        b.writeUInt16LE(extra, p + 30);
        b.writeUInt16LE(0, p + 32); // comment
        b.writeUInt16LE(0, p + 34); // disk
        b.writeUInt16LE(0, p + 36); // internal attributes
        b.writeUInt32LE(EXTERNAL_ATTRS, p + 38);
        b.writeUInt32LE(entry.zip64Offset ? MAX32 : entry.offset, p + 42);
        entry.nameBytes.copy(b, p + CENTRAL_FIXED);
        p += CENTRAL_FIXED + entry.nameBytes.length;
        if (extra > 0) {
            b.writeUInt16LE(0x0001, p);
            b.writeUInt16LE(extra - 4, p + 2);
            p += 4;
            if (entry.zip64Size) {
                b.writeBigUInt64LE(BigInt(entry.size), p);
                b.writeBigUInt64LE(BigInt(entry.size), p + 8);
                p += 16;
            }
            if (entry.zip64Offset) {
                b.writeBigUInt64LE(BigInt(entry.offset), p);
                p += 8;
            }
        }
    });
    const count = layout.entries.length;
    if (layout.zip64End) {
        const recordOffset = layout.centralDirectoryOffset + layout.centralDirectorySize;
        b.writeUInt32LE(ZIP64_END, p);
        b.writeBigUInt64LE(BigInt(ZIP64_END_SIZE - 12), p + 4);
        b.writeUInt16LE(MADE_BY, p + 12);
        b.writeUInt16LE(VERSION_ZIP64, p + 14);
        b.writeUInt32LE(0, p + 16);
        b.writeUInt32LE(0, p + 20);
        b.writeBigUInt64LE(BigInt(count), p + 24);
        b.writeBigUInt64LE(BigInt(count), p + 32);
        b.writeBigUInt64LE(BigInt(layout.centralDirectorySize), p + 40);
        b.writeBigUInt64LE(BigInt(layout.centralDirectoryOffset), p + 48);
        p += ZIP64_END_SIZE;
        b.writeUInt32LE(ZIP64_LOCATOR, p);
        b.writeUInt32LE(0, p + 4);
        b.writeBigUInt64LE(BigInt(recordOffset), p + 8);
        b.writeUInt32LE(1, p + 16);
        p += ZIP64_LOCATOR_SIZE;
    }
    b.writeUInt32LE(END, p);
    b.writeUInt16LE(0, p + 4);
    b.writeUInt16LE(0, p + 6);
    b.writeUInt16LE(Math.min(count, MAX16), p + 8);
    b.writeUInt16LE(Math.min(count, MAX16), p + 10);
    b.writeUInt32LE(Math.min(layout.centralDirectorySize, MAX32), p + 12);
    b.writeUInt32LE(Math.min(layout.centralDirectoryOffset, MAX32), p + 16);
    b.writeUInt16LE(0, p + 20);
    return b;
}
/** A file on disk as a zip input, with the size and time it has now. */
function fileReader(path) {
    return async () => {
        const handle = await (0,promises_.open)(path, 'r');
        return {
            read: async (into) => (await handle.read(into, 0, into.length, null)).bytesRead,
            close: () => handle.close(),
        };
    };
}
/**
 * Streams the zip of `inputs` into `sink`, reading each input once. Returns the CRC-32 of each
 * entry. Throws when an input yields more or fewer bytes than its declared size.
 */
async function writeZip(inputs, sink, layout = zipLayout(inputs)) {
    const crcs = [];
    for (const [i, entry] of layout.entries.entries()) {
        const input = inputs[i];
        if (!input)
            throw new Error('zip layout and inputs differ');
        await sink.beginEntry(localHeader(entry, 0), entry.size);
        const reader = await input.open();
        let crc = 0;
        try {
            let remaining = entry.size;
            while (remaining > 0) {
                const region = await sink.reserve(remaining);
                const n = await reader.read(region);
                if (n === 0) {
                    throw new Error(`'${entry.name}' ended after ${entry.size - remaining} of ${entry.size} bytes (was it changed while being zipped?)`);
                }
                crc = external_node_zlib_default().crc32(region.subarray(0, n), crc);
                sink.commit(n);
                remaining -= n;
            }
            const probe = Buffer.alloc(1);
            if ((await reader.read(probe)) !== 0) {
                throw new Error(`'${entry.name}' is larger than the ${entry.size} bytes it had when the upload started (was it changed while being zipped?)`);
            }
        }
        finally {
            await reader.close();
        }
        crcs.push(crc);
        await sink.endEntry(localHeader(entry, crc));
    }
    await sink.write(centralDirectory(layout, crcs));
    return crcs;
}

;// CONCATENATED MODULE: ./src/commands/submit/update.ts
/** The update (PUT) of the submission a run works on, and what the record keeps of what was sent. */







/** What the record and the artifact keep of a submission: everything but the upload URL's query, secrets redacted. */
function sanitized(submission) {
    const copy = { ...submission };
    if (typeof copy.fileUploadUrl === 'string')
        copy.fileUploadUrl = urlWithoutQuery(copy.fileUploadUrl);
    return JSON.parse(secrets.redact(JSON.stringify(copy)));
}
/**
 * PUTs this run's changes onto `current` (the created copy, or the continued submission) and
 * returns what was sent with the files the zip must hold, found from what is really sent (the new
 * copy could differ from the published one). When the Store refuses the update of a draft this run
 * created, before anything was uploaded, the draft is deleted again so the next run is not blocked
 * by it, and the error says so. Throws InputError for a change that does not fit the copy.
 */
async function updateSubmission(ctx, kind, inputs, current, changes, packages) {
    const { store, logger, record } = ctx;
    const submissionId = String(current.id);
    return ctx.phase('Update the submission', async () => {
        const built = buildSubmission(kind, withoutServiceFields(current), changes);
        const { submission, warnings } = built;
        recordBuilt(ctx, built);
        const uploadFiles = inputs.zipPath
            ? []
            : filesToUpload(kind, submission, packages, inputs.contentRoot, built.uploads);
        for (const warning of warnings) {
            logger.warning(warning);
            record.warnings.push(warning);
        }
        record.submissionSent = sanitized(submission);
        try {
            record.submissionReturned = sanitized(await store.updateSubmission(inputs.target, submissionId, submission));
        }
        catch (error) {
            if (!(record.createdSubmission && error instanceof src_errors/* StoreApiError */.qo && error.httpStatus === 400))
                throw error;
            await store.deleteSubmission(inputs.target, submissionId);
            record.createdSubmission = false;
            record.submissionId = undefined;
            throw new Error(`${error.message}. The draft submission ${submissionId} this run created was deleted again, so the next run is not blocked by it.`, { cause: error });
        }
        logger.info(`Updated submission ${submissionId}: ${describeChanges(kind, changes, submission)}`);
        return { submission, uploadFiles };
    });
}
/** The changes, as a log line; a date is shown as it was sent (UTC, as the Store reads it). */
function describeChanges(kind, changes, sent) {
    const parts = [];
    if (changes.overlay)
        parts.push('merged submission-json');
    if (changes.newPackages.length)
        parts.push(`${changes.newPackages.length} new package(s)${changes.replacePackages ? ', old packages PendingDelete' : ''}`);
    if (changes.releaseNotes !== undefined && kind.hasReleaseNotes)
        parts.push('release notes');
    if (changes.notesForCertification !== undefined)
        parts.push('notes for certification');
    if (changes.targetPublishMode)
        parts.push(`publish mode ${changes.targetPublishMode}`);
    if (changes.targetPublishDate !== undefined)
        parts.push(`publish date ${String(sent.targetPublishDate)}`);
    if (changes.rolloutPercentage !== undefined)
        parts.push(`gradual rollout at ${changes.rolloutPercentage}%`);
    if (changes.mandatoryUpdate !== undefined)
        parts.push(`mandatory update ${changes.mandatoryUpdate}`);
    if (changes.mandatoryUpdateDate !== undefined) {
        const delivery = isJsonObject(sent.packageDeliveryOptions) ? sent.packageDeliveryOptions : {};
        parts.push(`mandatory from ${String(delivery.mandatoryUpdateEffectiveDate)}`);
    }
    return parts.length ? parts.join(', ') : 'no changes (the copy is submitted as it is)';
}

;// CONCATENATED MODULE: ./src/commands/submit/dry-run.ts
/** The dry run's plan: the steps a real run would take, the diff against the last published submission and the JSON it would send. */






/** Records the plan (record.plan, warnings, files) and logs it; sends nothing. */
function dry_run_planDryRun(ctx, kind, inputs, facts) {
    const { logger, record } = ctx;
    const { published, rollout, submission, warnings, files, decision, unchanged } = facts;
    const steps = [];
    const creates = decision.action === 'create' || decision.action === 'delete';
    if (creates && rollout.status === 'PackageRolloutInProgress') {
        steps.push(inputs.existingRollout === 'fail'
            ? `stop: the last published submission ${String(published.id)} has a rollout in progress (existing-rollout: fail)`
            : `${inputs.existingRollout} the rollout of submission ${String(published.id)} (${rollout.percentage}%)`);
    }
    if (decision.action === 'stop')
        steps.push(`stop: ${decision.message}`);
    if (decision.action === 'delete')
        steps.push(`delete pending submission ${decision.submissionId}`);
    if (unchanged && inputs.ifUnchanged !== 'submit') {
        steps.push(inputs.ifUnchanged === 'skip'
            ? 'submit nothing: nothing would change (if-unchanged: skip)'
            : 'stop: nothing would change (if-unchanged: fail)');
    }
    const zipBytes = inputs.zipPath ? 0 : zipSize(files.map((f) => ({ name: f.name, size: f.size })));
    if (decision.action === 'continue' || decision.action === 'wait')
        steps.push(`continue pending submission ${String(decision.submission.id)}, this work from an earlier attempt`);
    if (creates)
        steps.push(`create a submission for the ${describeTarget(inputs.target)} (a copy of the last published one)`);
    if (decision.action !== 'wait') {
        steps.push('update it with the JSON below');
        steps.push(inputs.zipPath
            ? `upload ${inputs.zipPath} as it is`
            : files.length
                ? `upload one zip of ${files.length} file(s), ${formatSize(zipBytes)}: ${files.map((f) => f.name).join(', ')}`
                : 'upload nothing (no new files)');
    }
    steps.push(inputs.commit || decision.action === 'wait'
        ? `${decision.action === 'wait' ? 'it is already committed: ' : ''}commit, then wait for: ${inputs.waitFor}`
        : "stop before the commit ('commit: false'): the submission is staged");
    const body = withoutServiceFields(submission);
    const diff = diffSubmissions(kind, withoutServiceFields(published), body);
    record.plan = { steps, diff, submission: sanitized(body), zipBytes };
    record.warnings.push(...warnings);
    record.files.push(...files.map((f) => ({ name: f.name, size: f.size })));
    logger.info('Dry run: nothing was created, changed or uploaded. The plan:');
    steps.forEach((step, i) => logger.info(`  ${i + 1}. ${step}`));
    if (diff.packagesAdded.length)
        logger.info(`Packages added: ${diff.packagesAdded.join(', ')}`);
    if (diff.packagesMarkedForDeletion.length)
        logger.info(`Packages marked PendingDelete: ${diff.packagesMarkedForDeletion.join(', ')}`);
    if (diff.listingsTouched.length)
        logger.info(`Listings touched: ${diff.listingsTouched.join(', ')}`);
    for (const change of diff.changes) {
        logger.info(`  ${change.path}: ${JSON.stringify(change.before) ?? '(absent)'} -> ${JSON.stringify(change.after) ?? '(absent)'}`);
    }
    for (const warning of warnings)
        logger.warning(warning);
    logger.info(`The submission JSON that would be sent:\n${JSON.stringify(record.plan.submission, null, 2)}`);
    for (const stop of steps.filter((s) => s.startsWith('stop:'))) {
        const warning = `A real run would ${stop}`;
        logger.warning(warning);
        record.warnings.push(warning);
    }
}

;// CONCATENATED MODULE: ./src/commands/submit/inputs.ts
/** The inputs of `command: submit`: which it takes for which product, parsed and checked in one place. */









/** The inputs `submit` takes beyond the common ones, with the products each applies to. */
const SUBMIT_INPUTS = {
    'app-id': ANY_PRODUCT,
    'flight-id': ANY_PRODUCT,
    'add-on-id': ANY_PRODUCT,
    'submission-json': ANY_PRODUCT,
    'content-root': ANY_PRODUCT,
    packages: PACKAGED_PRODUCTS,
    'replace-packages': PACKAGED_PRODUCTS,
    'keep-package-versions': PACKAGED_PRODUCTS,
    listings: ['app', 'add-on'],
    'zip-path': ANY_PRODUCT,
    'release-notes': ['app'],
    'notes-for-certification': PACKAGED_PRODUCTS,
    'target-publish-mode': ANY_PRODUCT,
    'target-publish-date': ANY_PRODUCT,
    'rollout-percentage': PACKAGED_PRODUCTS,
    'mandatory-update': PACKAGED_PRODUCTS,
    'mandatory-update-date': PACKAGED_PRODUCTS,
    'on-pending': ANY_PRODUCT,
    'existing-rollout': PACKAGED_PRODUCTS,
    'dry-run': ANY_PRODUCT,
    commit: ANY_PRODUCT,
    'if-unchanged': ANY_PRODUCT,
};
/**
 * Parses and checks every input of `submit`. Throws InputError naming the input: `packages` with
 * `zip-path`, and whatever the readers refuse (a missing file or folder, a bad choice or date).
 */
function readSubmitInputs(read) {
    const submissionJson = read.json('submission-json');
    const contentRoot = read.existing('content-root', 'folder') ??
        (submissionJson?.file ? external_node_path_default().dirname(submissionJson.file) : read.workspace);
    const zipPath = read.existing('zip-path', 'file');
    const packages = read.list('packages', /\r?\n/);
    if (zipPath && packages.length > 0) {
        throw new src_errors/* InputError */.dz('packages', "cannot be combined with 'zip-path': a ready-made zip is uploaded as it is; name its packages in 'submission-json' instead.");
    }
    const targetPublishMode = read.optionalChoice('target-publish-mode', PUBLISH_MODES);
    const mandatoryUpdate = read.bool('mandatory-update');
    if (submissionJson)
        checkOverlayDates(submissionJson, targetPublishMode, mandatoryUpdate);
    return {
        target: readTarget(read, 'submit'),
        submissionJson,
        contentRoot,
        workspace: read.workspace,
        packages,
        zipPath,
        replacePackages: read.bool('replace-packages') ?? false,
        releaseNotes: read.prose('release-notes'),
        notesForCertification: read.prose('notes-for-certification'),
        targetPublishMode,
        targetPublishDate: read.dateTime('target-publish-date'),
        rolloutPercentage: readRolloutPercentage(read),
        mandatoryUpdate,
        mandatoryUpdateDate: read.dateTime('mandatory-update-date'),
        onPending: read.choice('on-pending', ['fail', 'delete'], 'fail'),
        existingRollout: read.choice('existing-rollout', ['fail', 'finalize', 'halt'], 'fail'),
        ...readWaitSettings(read),
        dryRun: read.bool('dry-run') ?? false,
        commit: read.bool('commit') ?? true,
        ifUnchanged: read.choice('if-unchanged', ['fail', 'skip', 'submit'], 'fail'),
        ...readContentInputs(read),
    };
}
/**
 * Holds the dates of `submission-json` that the Store will read to the rules of the date inputs
 * (futureDateTime): `targetPublishDate` when the publish mode becomes SpecificDate, and
 * `packageDeliveryOptions.mandatoryUpdateEffectiveDate` when the update becomes mandatory (by the
 * inputs or the JSON itself). Others are left alone: a copied submission's unset dates read
 * `1601-01-01`. Throws InputError('submission-json') naming the field.
 */
function checkOverlayDates(json, targetPublishMode, mandatoryUpdate) {
    const overlay = json.value;
    const delivery = isJsonObject(overlay.packageDeliveryOptions) ? overlay.packageDeliveryOptions : {};
    const read = [];
    if ((targetPublishMode ?? overlay.targetPublishMode) === 'SpecificDate')
        read.push(['targetPublishDate', overlay.targetPublishDate]);
    if ((mandatoryUpdate ?? delivery.isMandatoryUpdate) === true)
        read.push(['packageDeliveryOptions.mandatoryUpdateEffectiveDate', delivery.mandatoryUpdateEffectiveDate]);
    for (const [field, value] of read) {
        if (typeof value !== 'string')
            continue;
        const parsed = futureDateTime(value, new Date());
        if ('problem' in parsed)
            throw new src_errors/* InputError */.dz('submission-json', `its ${field} ${parsed.problem}`);
    }
}
/** The changes the inputs ask of the submission, with the zip names of the new package files. */
function changesFrom(inputs, packages) {
    return {
        overlay: inputs.submissionJson?.value,
        newPackages: packages.map((p) => p.name),
        replacePackages: inputs.replacePackages,
        releaseNotes: inputs.releaseNotes,
        notesForCertification: inputs.notesForCertification,
        targetPublishMode: inputs.targetPublishMode,
        targetPublishDate: inputs.targetPublishDate,
        rolloutPercentage: inputs.rolloutPercentage,
        mandatoryUpdate: inputs.mandatoryUpdate,
        mandatoryUpdateDate: inputs.mandatoryUpdateDate,
    };
}

;// CONCATENATED MODULE: ./src/commands/submit/open.ts
/**
 * Which submission a run works on, once everything is checked: the pending one it continues (this
 * work from an earlier attempt), or a new one, created after an existing gradual rollout is settled
 * and another pending submission deleted, as the inputs allow.
 */



/**
 * Acts on decidePending's decision: continues the pending submission, or settles the rollout of
 * `published` (existing-rollout), deletes the pending submission (on-pending: delete) and creates a
 * new one. Records the submission id. Throws an Error with the decision's message for `stop`, and
 * when `existing-rollout: fail` meets a rollout in progress.
 */
async function openSubmission(ctx, inputs, decision, published, rollout) {
    const { store, logger, record } = ctx;
    switch (decision.action) {
        case 'stop':
            throw new Error(decision.message);
        case 'continue':
        case 'wait': {
            const submission = decision.submission;
            const alreadyCommitted = decision.action === 'wait';
            record.submissionId = String(submission.id);
            record.continued = { submissionId: record.submissionId, from: alreadyCommitted ? 'wait' : 'update' };
            logger.info(`Continuing submission ${record.submissionId}: created through the API and already listing this run's packages, it is this work from an earlier attempt; ` +
                (alreadyCommitted
                    ? `it is already committed (${submissionStatus(submission)}), so the run only waits for it`
                    : 'the run updates, uploads and commits it again'));
            return { submission, alreadyCommitted };
        }
        case 'delete':
        case 'create': {
            if (published)
                await settleExistingRollout(ctx, inputs, published, rollout);
            if (decision.action === 'delete') {
                const pendingId = decision.submissionId;
                await ctx.phase(`Delete pending submission ${pendingId}`, async () => {
                    await store.deleteSubmission(inputs.target, pendingId);
                    logger.info(`Deleted pending submission ${pendingId} ('on-pending: delete')`);
                });
            }
            const submission = await ctx.phase('Create the submission', () => createAfterRollout(ctx, inputs));
            return { submission, alreadyCommitted: false };
        }
    }
}
/**
 * Creates the submission. Right after the action itself finalized or halted a rollout, the Store
 * can refuse a new submission for a while (400 "The size of Listings must be 1 or more", or 409) as
 * it republishes the app: that is waited out within `timeout-minutes`, retrying with backoff.
 */
async function createAfterRollout(ctx, inputs) {
    const { store, logger, record } = ctx;
    const settledRollout = record.rolloutBefore !== undefined;
    for (let attempt = 1;; attempt++) {
        try {
            const created = await store.createSubmission(inputs.target);
            record.submissionId = String(created.id);
            record.createdSubmission = true;
            logger.info(`Created submission ${record.submissionId} (a copy of the last published one)`);
            return created;
        }
        catch (error) {
            const republishing = settledRollout &&
                error instanceof src_errors/* StoreApiError */.qo &&
                (error.httpStatus === 409 || (error.httpStatus === 400 && /size of Listings/i.test(error.storeMessage ?? '')));
            if (!republishing)
                throw error;
            const delay = backoffDelayMs(attempt, { baseDelayMs: 5000, maxDelayMs: 60_000, random: Math.random });
            logger.info(`The Store refuses a new submission while it republishes the app after the rollout change (${error.message}); trying again in ${(delay / 1000).toFixed(1)} s`);
            await ctx.clock.sleep(delay).catch((stop) => {
                throw stoppedAfter(stop, `The Store was still refusing the new submission: ${error.message}`);
            });
        }
    }
}
/** A gradual rollout in progress blocks a new submission: fail, or finalize or halt it, per `existing-rollout`. */
async function settleExistingRollout(ctx, inputs, published, rollout) {
    const { store, logger, record } = ctx;
    if (rollout.status !== 'PackageRolloutInProgress')
        return;
    const publishedId = String(published.id);
    if (inputs.existingRollout === 'fail') {
        throw new Error(`The last published submission ${publishedId} still has a gradual rollout in progress at ${rollout.percentage ?? '?'}%. ` +
            "The Store cannot take a new submission until it is finalized or halted: set 'existing-rollout: finalize' (or 'halt'), or run 'command: rollout'.");
    }
    await ctx.phase(`${inputs.existingRollout === 'finalize' ? 'Finalize' : 'Halt'} the rollout of submission ${publishedId}`, async () => {
        record.rolloutBefore = rollout;
        await store.changeRollout(inputs.target, publishedId, inputs.existingRollout === 'finalize' ? 'finalize' : 'halt');
        record.rolloutAfter = await store.getRolloutState(inputs.target, publishedId);
        logger.info(`Rollout of submission ${publishedId}: ${record.rolloutAfter.status} at ${record.rolloutAfter.percentage}%`);
    });
}

// EXTERNAL MODULE: external "node:https"
var external_node_https_ = __webpack_require__(44708);
var external_node_https_default = /*#__PURE__*/__webpack_require__.n(external_node_https_);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(57075);
;// CONCATENATED MODULE: ./src/upload/block-blob.ts
/**
 * The two blob calls an upload makes, Put Block and Put Block List, through `@azure/storage-blob`
 * on the SAS URL. The SDK is loaded with the first upload, not at start-up, and sends each request
 * once: the stager's own retries, bounded by the run's deadline, decide what is sent again.
 */





/**
 * How the SDK reaches `url`: through the proxy that HTTP_PROXY / HTTPS_PROXY / NO_PROXY choose for
 * it, by the same rule as every other request of the action (`store/proxy.ts`), or directly over a
 * keep-alive agent of its own. The SDK's own reading of those variables differs (HTTPS_PROXY for
 * http URLs too; NO_PROXY without `*`, ports or bare domain suffixes), and a request that carries an
 * agent is not routed through it.
 */
function connectionFor(url, env) {
    const proxy = proxyFor(url, env);
    if (!proxy) {
        const agent = new URL(url).protocol === 'https:' ? new (external_node_https_default()).Agent({ keepAlive: true }) : new (external_node_http_default()).Agent({ keepAlive: true });
        // `agent` is an option of the pipeline the SDK builds from these options (core-rest-pipeline's).
        const options = { agent };
        return { options, agent };
    }
    let parsed;
    try {
        parsed = new URL(env[proxy.variable] ?? '');
    }
    catch {
        throw new Error(`${proxy.variable} is not a URL; the upload cannot go through it`);
    }
    const port = Number(parsed.port) || (parsed.protocol === 'https:' ? 443 : 80);
    return {
        options: {
            proxyOptions: {
                host: `${parsed.protocol}//${parsed.hostname}`,
                port,
                ...(parsed.username ? { username: parsed.username } : {}),
                ...(parsed.password ? { password: parsed.password } : {}),
            },
        },
    };
}
/** The SDK's error without its request, response or URL: the status, the storage error code, the first line of the message. */
function requestError(error, what) {
    const code = error.code ?? error.details?.errorCode;
    let message = error.message.split('\n')[0]?.trim() ?? '';
    if (message.length > 300)
        message = `${message.slice(0, 300)}…`;
    const status = error.statusCode;
    return new BlobRequestError(message || (status === undefined ? `${what} failed` : `${what} answered HTTP ${status}`), status, typeof code === 'string' ? code : undefined);
}
/**
 * A BlockTarget on the block blob at `encodedUrl` (a SAS URL whose `+` are already `%2B`, see
 * `encodeUploadUrl`; the SDK sends its query as it is, with `comp` and `blockid` appended). Loads
 * the SDK. Throws when the proxy variable that applies is not a URL.
 */
async function openBlockBlob(encodedUrl, env = process.env) {
    const { AnonymousCredential, BlockBlobClient, isRestError, newPipeline } = await Promise.all(/* import() */[__webpack_require__.e(143), __webpack_require__.e(159)]).then(__webpack_require__.bind(__webpack_require__, 5159));
    const { options, agent } = connectionFor(encodedUrl, env);
    // One try per call: the SDK's retries would wait out their own backoff, unseen by the run's
    // deadline. Its `tryTimeoutInMs` is only the service's `timeout` parameter (it adds it to the
    // query); each attempt's deadline is the abort signal.
    const pipeline = newPipeline(new AnonymousCredential(), {
        ...options,
        retryOptions: { maxTries: 1 },
        userAgentOptions: { userAgentPrefix: 'store-submit' },
    });
    const client = new BlockBlobClient(encodedUrl, pipeline);
    const send = async (what, call) => {
        try {
            await call();
        }
        catch (error) {
            throw isRestError(error) ? requestError(error, what) : error;
        }
    };
    return {
        stageBlock: (blockId, parts, length, md5, signal) => send('Put Block', () => client.stageBlock(blockId, 
        // A Buffer goes out as it is; several are streamed in order, never copied into one.
        parts.length === 1 ? parts[0] : external_node_stream_.Readable.from(parts, { objectMode: false }), length, { transactionalContentMD5: md5, abortSignal: signal })),
        commitBlockList: (blockIds, contentType, signal) => send('Put Block List', () => client.commitBlockList([...blockIds], {
            blobHTTPHeaders: { blobContentType: contentType },
            abortSignal: signal,
        })),
        close: async () => agent?.destroy(),
    };
}

;// CONCATENATED MODULE: ./src/upload/block-retry.ts



const DEFAULT_BLOCK_RETRY = {
    ...DEFAULT_RETRY_POLICY,
    maxDelayMs: 30_000,
    attemptTimeoutMs: 5 * 60_000,
};
/** Answers of the blob service worth another try: time-out, throttling and server errors. */
const block_retry_TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504]);
/** True for a 408, 429 or 5xx answer, or a transient network failure (`isTransientNetworkError`). */
function isTransientBlobError(error) {
    if (error instanceof BlobRequestError && error.statusCode !== undefined)
        return block_retry_TRANSIENT_STATUS.has(error.statusCode);
    return isTransientNetworkError(error);
}
function formatSeconds(ms) {
    return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
/**
 * Calls `attempt` with a signal that aborts at `policy.attemptTimeoutMs` or with the upload, until
 * it resolves, fails for good (the error as thrown) or runs out of attempts (the last error).
 * `label` names the request in the log line of each retry, e.g. `Staging block 3 (2097152 bytes) of the upload`.
 */
async function sendWithRetries(label, policy, context, attempt) {
    const outer = context.signal;
    const failure = () => context.failure?.();
    return retrying(label, outer ? { ...policy, signal: outer } : policy, context.logger, async () => {
        outer?.throwIfAborted();
        // Another request already failed for good: no point sending this one.
        if (failure() !== undefined)
            throw failure();
        const deadline = AbortSignal.timeout(policy.attemptTimeoutMs);
        const signal = outer ? AbortSignal.any([deadline, outer]) : deadline;
        try {
            return await attempt(signal);
        }
        catch (error) {
            outer?.throwIfAborted();
            if (failure() !== undefined)
                throw error;
            if (deadline.aborted) {
                const reason = `no answer within ${formatSeconds(policy.attemptTimeoutMs)}`;
                throw new TransientFailure(`failed (${reason})`, undefined, new Error(reason));
            }
            if (!isTransientBlobError(error))
                throw error;
            const status = httpStatusOf(error);
            const reason = status !== undefined ? `HTTP ${status}` : (errorCodeOf(error) ?? 'network error');
            throw new TransientFailure(`failed (${scrub(reason)})`, undefined, error);
        }
    });
}

;// CONCATENATED MODULE: ./src/upload/block-pool.ts
/**
 * The upload's memory: blocks are filled into a fixed pool of equal buffers ("chunks") that return
 * to the pool once their block is staged, so memory is the pool whatever the size of the blob.
 */
/** At most `size` chunks of `chunkSize` bytes, allocated on first need and reused after. */
class ChunkPool {
    chunkSize;
    size;
    free = [];
    held = 0;
    stats = { allocatedChunks: 0, chunkTakes: 0, peakPoolBytes: 0 };
    constructor(chunkSize, size) {
        this.chunkSize = chunkSize;
        this.size = size;
    }
    /** A free chunk (reused, or allocated while the pool is below its size); undefined when every chunk is held. */
    take() {
        let chunk = this.free.pop();
        if (!chunk && this.stats.allocatedChunks < this.size) {
            this.stats.allocatedChunks++;
            chunk = Buffer.allocUnsafeSlow(this.chunkSize);
        }
        if (!chunk)
            return undefined;
        this.stats.chunkTakes++;
        this.held++;
        this.stats.peakPoolBytes = Math.max(this.stats.peakPoolBytes, this.held * this.chunkSize);
        return chunk;
    }
    /** Gives `chunks` back to the pool and empties the list. */
    release(chunks) {
        for (const chunk of chunks)
            this.free.push(chunk);
        this.held -= chunks.length;
        chunks.length = 0;
    }
}
/** The used bytes of a block's chunks, in order (views, not copies). */
function blockParts(block) {
    const parts = [];
    let left = block.length;
    for (const chunk of block.chunks) {
        if (left <= 0)
            break;
        const n = Math.min(chunk.length, left);
        parts.push(n === chunk.length ? chunk : chunk.subarray(0, n));
        left -= n;
    }
    return parts;
}
/** Copies `bytes` into a block at byte `offset`, across chunk boundaries; throws when they do not fit in its chunks. */
function copyInto(block, offset, bytes) {
    let done = 0;
    let position = 0;
    for (const chunk of block.chunks) {
        const end = position + chunk.length;
        if (offset + done < end && done < bytes.length) {
            done += bytes.copy(chunk, offset + done - position, done);
        }
        position = end;
        if (done === bytes.length)
            return;
    }
    throw new Error('local header outside its block');
}

;// CONCATENATED MODULE: ./src/upload/tuning.ts
/**
 * How many blocks to keep in flight and how large to make them, chosen from what the link gives.
 *
 * Pure functions, no clock: the stager measures the throughput of one round of blocks at the
 * current setting and hands it to `nextTuning`, which answers with the setting for the next round.
 * While searching, blocks are small (`minBlockSize`), so that rounds are short and the search ends
 * early in the upload; concurrency doubles while a doubling still raises throughput by
 * `GROWTH_GAIN`. The first doubling that does not settles the search on the last two settings'
 * better one (on a near tie the higher), and blocks then grow to the pool's share: the blocks in
 * flight plus those being filled always fit the buffer pool. So a link that one connection already
 * fills (loopback, fast paths) ends with few large blocks, and a link that holds each connection
 * back (per-connection limits, long round trips) with many smaller ones.
 */
/** A doubling of concurrency must raise throughput by at least this fraction to be kept going. */
const GROWTH_GAIN = 0.15;
/** Rounds without that gain, at one concurrency, that end the search. */
const MAX_MISSES = 2;
/** Pool chunks one block of `size` bytes takes. */
function chunksPerBlock(size, chunkSize) {
    return Math.ceil(size / chunkSize);
}
/** The largest concurrency whose blocks (at the smallest allowed size) and spares fit the pool; at least 1. */
function maxConcurrencyFor(limits) {
    if (limits.fixedConcurrency !== undefined)
        return limits.fixedConcurrency;
    const smallest = chunksPerBlock(limits.fixedBlockSize ?? limits.minBlockSize, limits.chunkSize);
    const fits = Math.floor(limits.poolChunks / smallest) - limits.spareBlocks;
    return Math.max(1, Math.min(limits.maxConcurrency, fits));
}
/**
 * Bytes per block at `concurrency`: the pool shared by `concurrency + spareBlocks` blocks, in whole
 * chunks, within [minBlockSize, maxBlockSize]; the fixed block size when there is one.
 */
function blockSizeFor(concurrency, limits) {
    if (limits.fixedBlockSize !== undefined)
        return limits.fixedBlockSize;
    const share = Math.floor(limits.poolChunks / (concurrency + limits.spareBlocks)) * limits.chunkSize;
    return Math.max(limits.minBlockSize, Math.min(limits.maxBlockSize, share));
}
/** Block size while searching: the smallest (or the fixed one), so that rounds are short. */
function probeBlockSize(limits) {
    return limits.fixedBlockSize ?? limits.minBlockSize;
}
/**
 * Concurrency the search starts from. 8, not 4: each doubling costs a round at less than the link's
 * rate, and where one connection fills the link, 8 blocks of the smallest size cost nothing extra
 * (docs/performance.md).
 */
const INITIAL_CONCURRENCY = 8;
/** The first setting: `INITIAL_CONCURRENCY` blocks in flight (a fixed concurrency when given); small blocks unless settled from the start. */
function initialTuning(limits) {
    const fixed = limits.fixedConcurrency;
    const concurrency = fixed ?? Math.min(INITIAL_CONCURRENCY, maxConcurrencyFor(limits));
    const settled = fixed !== undefined || concurrency >= maxConcurrencyFor(limits);
    return {
        concurrency,
        blockSize: settled ? blockSizeFor(concurrency, limits) : probeBlockSize(limits),
        misses: 0,
        settled,
    };
}
/**
 * The setting after a round measured at `state`. Doubles concurrency (capped by the pool) while
 * throughput grows by `GROWTH_GAIN` or more per doubling. A round that does not is measured once
 * more at the same setting (one slow round on a shared machine or link is not a verdict); after
 * `MAX_MISSES` such rounds the search settles on the fastest setting seen (the higher concurrency
 * unless it is slower by half the gain), with blocks of
 * `blockSizeFor` that concurrency. A settled state, or an empty sample, comes back unchanged.
 */
function nextTuning(state, sample, limits) {
    if (state.settled || !(sample.ms > 0) || !(sample.bytes > 0))
        return state;
    const bytesPerSecond = (sample.bytes / sample.ms) * 1000;
    const best = state.best;
    const grew = best === undefined || bytesPerSecond >= best.bytesPerSecond * (1 + GROWTH_GAIN);
    if (grew) {
        const concurrency = Math.min(maxConcurrencyFor(limits), state.concurrency * 2);
        const settled = concurrency === state.concurrency;
        return {
            concurrency,
            blockSize: settled ? blockSizeFor(concurrency, limits) : probeBlockSize(limits),
            best: { concurrency: state.concurrency, bytesPerSecond },
            misses: 0,
            settled,
        };
    }
    // On a near tie the higher concurrency wins. The same pool is in flight either way, and more
    // blocks keep the link busy through a late answer or a stalled connection.
    const keep = bytesPerSecond >= best.bytesPerSecond * (1 - GROWTH_GAIN / 2)
        ? { concurrency: state.concurrency, bytesPerSecond }
        : best;
    if (state.misses + 1 < MAX_MISSES)
        return { ...state, best: keep, misses: state.misses + 1 };
    return {
        concurrency: keep.concurrency,
        blockSize: blockSizeFor(keep.concurrency, limits),
        best: keep,
        misses: state.misses + 1,
        settled: true,
    };
}

;// CONCATENATED MODULE: ./src/upload/tuning-rounds.ts
/**
 * The clock side of the tuning search: counts the blocks completed at the current setting into
 * rounds, and hands each full round's throughput to `nextTuning` (`tuning.ts`), so a change applies
 * to blocks opened from then on.
 */

/**
 * Completed blocks a round counts: as many as are in flight (every slot turns over once, about one
 * block's time on the link), at least 4. Blocks launched together complete together, in waves, and
 * a shorter round falls inside one wave, or across a gap, and misreads the link.
 */
function roundBlocks(concurrency) {
    return Math.max(4, concurrency);
}
class TuningRounds {
    limits;
    now;
    onTuning;
    state;
    changes = 0;
    round = {
        start: undefined,
        bytes: 0,
        blocks: 0,
    };
    constructor(limits, 
    /** Milliseconds clock. */
    now, 
    /** Called when a round ends, with the setting for the next one (for logs and tests). */
    onTuning) {
        this.limits = limits;
        this.now = now;
        this.onTuning = onTuning;
        this.state = initialTuning(limits);
    }
    /** The current concurrency / block size setting. */
    get setting() {
        return this.state;
    }
    /** How often the setting has changed: blocks launched under an earlier one do not start a round. */
    get generation() {
        return this.changes;
    }
    /**
     * Counts a completed block of `bytes` launched in `generation`; `pooled` is false for a local header
     * block of its own (its bytes count, not the block). A full round feeds the search.
     */
    completed(bytes, pooled, generation) {
        if (this.state.settled)
            return;
        const round = this.round;
        if (round.start === undefined) {
            // A round starts when the first block launched under this setting completes: by then the
            // pipeline runs at the new concurrency, and earlier bytes are not billed to it.
            if (pooled && generation === this.changes)
                round.start = this.now();
            return;
        }
        round.bytes += bytes;
        if (pooled)
            round.blocks++;
        if (round.blocks < roundBlocks(this.state.concurrency))
            return;
        const next = nextTuning(this.state, { bytes: round.bytes, ms: this.now() - round.start }, this.limits);
        this.round = { start: undefined, bytes: 0, blocks: 0 };
        if (next.concurrency !== this.state.concurrency || next.blockSize !== this.state.blockSize)
            this.changes++;
        this.state = next;
        this.onTuning?.(next);
    }
}

;// CONCATENATED MODULE: ./src/upload/block-stager.ts
/**
 * Cuts a byte stream into blocks staged in parallel on one block blob, then commits the block list.
 * A pipeline: the writer fills blocks from the chunk pool while other blocks are in flight, so
 * reading the files and sending never wait for each other as long as a chunk is free.
 *
 * It is also a `ZipSink`: an entry that fits in the rest of the open block has its local header
 * patched in that block before the block is sealed; the local header of a larger entry becomes a
 * block of its own, staged only once the entry's CRC is known (block order is the block list's
 * order, not staging order), so every local header is complete and each block is staged once.
 */





/** Azure's limit on committed blocks per blob. */
const MAX_BLOCKS = 50_000;
class BlockStager {
    client;
    url;
    options;
    ids = [];
    ready = [];
    pool;
    rounds;
    current;
    pending;
    inFlight = 0;
    /** Pool chunks held by blocks in flight. */
    inFlightChunks = 0;
    failure;
    closed = false;
    waiters = [];
    peakInFlight = 0;
    stageAttempts = 0;
    constructor(client, 
    /** The URL as given, for messages (only its path is ever shown). */
    url, options) {
        this.client = client;
        this.url = url;
        this.options = options;
        const limits = options.limits;
        const largest = limits.fixedBlockSize ?? limits.maxBlockSize;
        if (limits.poolChunks < Math.ceil(largest / limits.chunkSize) * (1 + limits.spareBlocks)) {
            throw new Error(`a pool of ${limits.poolChunks} chunks of ${limits.chunkSize} bytes cannot hold ${1 + limits.spareBlocks} blocks of ${largest} bytes`);
        }
        this.pool = new ChunkPool(limits.chunkSize, limits.poolChunks);
        this.rounds = new TuningRounds(limits, options.now ?? (() => performance.now()), options.onTuning);
        const signal = options.signal;
        if (signal) {
            const onAbort = () => {
                this.failure ??= signal.reason;
                this.wake();
            };
            if (signal.aborted)
                onAbort();
            else
                signal.addEventListener('abort', onAbort, { once: true });
        }
    }
    /** Blocks in the list so far. */
    get blockCount() {
        return this.ids.length;
    }
    /** The current concurrency / block size setting. */
    get setting() {
        return this.rounds.setting;
    }
    get stats() {
        return { ...this.pool.stats, peakInFlight: this.peakInFlight, stageAttempts: this.stageAttempts };
    }
    async beginEntry(header, dataSize) {
        this.throwIfFailed();
        if (this.current && this.current.length === this.current.target)
            this.seal();
        const room = this.current ? this.current.target - this.current.length : this.setting.blockSize;
        if (header.length + dataSize <= room) {
            const block = this.current ?? this.open();
            const offset = block.length;
            await this.write(header);
            this.pending = { kind: 'open', block, offset };
            return;
        }
        if (this.current && this.current.length > 0)
            this.seal();
        this.pending = { kind: 'own', index: this.nextIndex() };
    }
    async endEntry(header) {
        const pending = this.pending;
        this.pending = undefined;
        if (!pending)
            throw new Error('endEntry without beginEntry');
        if (pending.kind === 'open') {
            if (this.current !== pending.block)
                throw new Error('block sealed before its local header was completed');
            copyInto(pending.block, pending.offset, header);
            return;
        }
        this.throwIfFailed();
        this.ready.push({
            index: pending.index,
            chunks: [Buffer.from(header)],
            length: header.length,
            target: header.length,
            lastUsed: header.length,
            pooled: false,
            generation: -1,
        });
        this.pump();
    }
    async reserve(max) {
        this.throwIfFailed();
        let block = this.current;
        if (block && block.length === block.target) {
            this.seal();
            block = undefined;
        }
        block ??= this.open();
        const chunkSize = this.options.limits.chunkSize;
        let last = block.chunks.at(-1);
        if (!last || block.lastUsed === chunkSize) {
            last = await this.takeChunk();
            block.chunks.push(last);
            block.lastUsed = 0;
        }
        const end = Math.min(chunkSize, block.lastUsed + (block.target - block.length), block.lastUsed + max);
        return last.subarray(block.lastUsed, end);
    }
    commit(length) {
        const block = this.current;
        if (!block)
            throw new Error('commit without reserve');
        block.length += length;
        block.lastUsed += length;
    }
    async write(bytes) {
        let done = 0;
        while (done < bytes.length) {
            const region = await this.reserve(bytes.length - done);
            const n = bytes.copy(region, 0, done, done + region.length);
            this.commit(n);
            done += n;
        }
    }
    /** Stages what is left, waits for every block, then commits the block list with this Content-Type. */
    async finish(contentType) {
        this.throwIfFailed();
        if (this.pending)
            throw new Error('finish with an entry still open');
        if (this.current && this.current.length > 0)
            this.seal();
        while (this.inFlight > 0 || this.ready.length > 0) {
            this.throwIfFailed();
            await this.change();
        }
        this.throwIfFailed();
        if (this.ids.length > MAX_BLOCKS) {
            throw new Error(`the upload needs ${this.ids.length} blocks, more than Azure's ${MAX_BLOCKS}: raise the block size`);
        }
        try {
            await this.send('Committing the block list of', (signal) => this.client.commitBlockList(this.ids, contentType, signal));
        }
        catch (error) {
            throw uploadError('Committing the block list of the upload to', this.url, error);
        }
    }
    /** After a failure elsewhere: starts nothing more and waits for the blocks in flight, so no request outlives the upload. */
    async abandon() {
        this.closed = true;
        this.ready.length = 0;
        while (this.inFlight > 0)
            await this.change();
    }
    /** Opens the next block of the list, sized by the current setting. */
    open() {
        const block = {
            index: this.nextIndex(),
            chunks: [],
            length: 0,
            target: this.setting.blockSize,
            lastUsed: 0,
            pooled: true,
            generation: -1,
        };
        this.current = block;
        return block;
    }
    seal() {
        const block = this.current;
        if (!block)
            return;
        this.current = undefined;
        this.ready.push(block);
        this.pump();
    }
    /**
     * Starts waiting blocks while fewer than the setting's concurrency are in flight and the chunks
     * in flight stay within concurrency x block size (blocks opened before a change may be larger:
     * they must not take the chunks the writer needs to fill the next blocks).
     */
    pump() {
        const { concurrency, blockSize } = this.setting;
        const budget = concurrency * Math.ceil(blockSize / this.options.limits.chunkSize);
        while (!this.closed && this.failure === undefined && this.inFlight < concurrency) {
            const block = this.ready[0];
            if (!block)
                return;
            if (block.pooled && this.inFlight > 0 && this.inFlightChunks + block.chunks.length > budget)
                return;
            this.ready.shift();
            this.launch(block);
        }
    }
    launch(block) {
        this.inFlight++;
        const chunks = block.chunks.length;
        block.generation = this.rounds.generation;
        if (block.pooled)
            this.inFlightChunks += chunks;
        this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
        const settle = () => {
            this.inFlight--;
            if (block.pooled) {
                this.inFlightChunks -= chunks;
                this.pool.release(block.chunks);
            }
        };
        this.stage(block).then(() => {
            settle();
            try {
                this.options.onStaged?.(block.length);
                this.rounds.completed(block.length, block.pooled, block.generation);
            }
            catch (error) {
                this.failure ??= error;
            }
            this.pump();
            this.wake();
        }, (error) => {
            settle();
            this.failure ??= error;
            this.wake();
        });
    }
    async stage(block) {
        const id = this.ids[block.index] ?? '';
        const length = block.length;
        const parts = blockParts(block);
        // Content-MD5: the service checks every block as it arrives; a block damaged on the way is
        // refused (and retried) instead of ending up in the package the Store ingests.
        const hash = (0,external_node_crypto_.createHash)('md5');
        for (const part of parts)
            hash.update(part);
        const md5 = hash.digest();
        const what = `Staging block ${block.index + 1} (${length} bytes) of`;
        try {
            await this.send(what, (signal) => {
                this.stageAttempts++;
                return this.client.stageBlock(id, parts, length, md5, signal);
            });
        }
        catch (error) {
            throw uploadError(`${what} the upload to`, this.url, error);
        }
    }
    /** One blob request with the upload's retries, abort signal and failure. */
    send(what, attempt) {
        return sendWithRetries(`${what} the upload`, this.options.retry, { logger: this.options.logger, signal: this.options.signal, failure: () => this.failure }, attempt);
    }
    /** A free pool chunk, waiting for a block to be staged when every chunk is held. */
    async takeChunk() {
        for (;;) {
            this.throwIfFailed();
            const chunk = this.pool.take();
            if (chunk)
                return chunk;
            await this.change();
        }
    }
    /** Resolves at the next completion, failure, abort or freed chunk. */
    change() {
        return new Promise((resolve) => this.waiters.push(resolve));
    }
    wake() {
        const waiters = this.waiters;
        this.waiters = [];
        for (const resolve of waiters)
            resolve();
    }
    throwIfFailed() {
        if (this.failure !== undefined)
            throw this.failure;
    }
    /** Appends the next block ID to the list; returns its index. */
    nextIndex() {
        this.ids.push(Buffer.from(`ss-${String(this.ids.length).padStart(6, '0')}`).toString('base64'));
        return this.ids.length - 1;
    }
}

;// CONCATENATED MODULE: ./src/upload/progress.ts
/** The upload's progress: a line every few seconds in percent, MB and MB/s with the time left, and a callback per staged block. */

const DEFAULT_PROGRESS_INTERVAL_MS = 5000;
/** A decimal megabyte, in bytes: the unit of progress lines and MB/s. */
const MB = 1e6;
/** Decimal megabytes with one decimal, as progress lines show them. */
function megabytes(bytes) {
    return (bytes / MB).toFixed(1);
}
/** Logs percent, MB sent, MB/s and ETA every `intervalMs`, and feeds `onProgress`. */
class ProgressReporter {
    total;
    options;
    now;
    sent = 0;
    started;
    lastLog;
    timer;
    constructor(total, options, now) {
        this.total = total;
        this.options = options;
        this.now = now;
        this.started = now().getTime();
        this.lastLog = this.started;
        const interval = options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
        if (options.logger && interval > 0) {
            // Also when no block completes for a while (slow link, retries): a line shows the upload lives.
            this.timer = setInterval(() => {
                if (this.now().getTime() - this.lastLog >= interval)
                    this.log();
            }, interval);
            this.timer.unref();
        }
    }
    get elapsedMs() {
        return this.now().getTime() - this.started;
    }
    add(bytes) {
        this.sent += bytes;
        const elapsedMs = this.elapsedMs;
        this.options.onProgress?.({ bytesSent: this.sent, totalBytes: this.total, elapsedMs });
        const interval = this.options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
        if (this.sent < this.total && this.now().getTime() - this.lastLog >= interval)
            this.log();
    }
    log() {
        this.lastLog = this.now().getTime();
        const seconds = this.elapsedMs / 1000;
        const percent = this.total > 0 ? Math.floor((this.sent / this.total) * 100) : 100;
        const rate = seconds > 0 ? this.sent / MB / seconds : 0;
        let line = `Uploading: ${percent}% (${megabytes(this.sent)} of ${megabytes(this.total)} MB), ${rate.toFixed(1)} MB/s`;
        if (rate > 0)
            line += `, about ${formatDuration(Math.ceil((this.total - this.sent) / MB / rate))} left`;
        this.options.logger?.info(line);
    }
    stop() {
        if (this.timer)
            clearInterval(this.timer);
    }
}

;// CONCATENATED MODULE: ./src/upload/settings.ts
/**
 * How large the upload's blocks and buffer pool are: what the caller fixed, the environment's
 * overrides for experiments, the defaults, and the frame the tuning search moves in.
 */

const MiB = 1024 * 1024;
/** Pool buffers are 1 MiB: block sizes move in 1 MiB steps and a partly filled block wastes little. */
const CHUNK_SIZE = MiB;
/**
 * 24 MiB of buffers: the pool is the largest single part of the upload's peak RSS, and 11 blocks
 * of 2 MiB in flight (the pool less the spare block) still fill a link of 12 MiB/s per connection
 * and 96 MiB/s in all (docs/performance.md#current-figures).
 */
const DEFAULT_MEMORY_BYTES = 24 * MiB;
const MIN_TUNED_BLOCK_SIZE = 2 * MiB;
const MAX_TUNED_BLOCK_SIZE = 16 * MiB;
const MAX_TUNED_CONCURRENCY = 32;
/**
 * Blocks being filled while the others are in flight: one is enough, as filling (disk read and
 * CRC-32) runs faster than sending; the pool lets the writer run further ahead when blocks are small.
 */
const SPARE_BLOCKS = 1;
/** Azure's largest block (service versions 2019-12-12 and later). */
const MAX_BLOCK_SIZE = 4000 * MiB;
/** Block size, concurrency and pool budget: options, then the environment (for experiments), then defaults. */
function uploadSettings(options = {}, env = process.env) {
    let blockSize = options.blockSize;
    if (blockSize === undefined && env.STORE_SUBMIT_BLOCK_SIZE_MB) {
        const mb = Number(env.STORE_SUBMIT_BLOCK_SIZE_MB);
        if (!Number.isFinite(mb) || mb <= 0 || mb > 4000) {
            throw new Error(`STORE_SUBMIT_BLOCK_SIZE_MB must be a number of MiB in (0, 4000], got '${env.STORE_SUBMIT_BLOCK_SIZE_MB}'`);
        }
        blockSize = Math.round(mb * MiB);
    }
    let concurrency = options.concurrency;
    if (concurrency === undefined && env.STORE_SUBMIT_UPLOAD_CONCURRENCY) {
        const n = Number(env.STORE_SUBMIT_UPLOAD_CONCURRENCY);
        if (!Number.isInteger(n) || n < 1 || n > 64) {
            throw new Error(`STORE_SUBMIT_UPLOAD_CONCURRENCY must be an integer from 1 to 64, got '${env.STORE_SUBMIT_UPLOAD_CONCURRENCY}'`);
        }
        concurrency = n;
    }
    let memoryBytes = options.memoryBytes;
    if (memoryBytes === undefined && env.STORE_SUBMIT_UPLOAD_MEMORY_MB) {
        const mb = Number(env.STORE_SUBMIT_UPLOAD_MEMORY_MB);
        if (!Number.isFinite(mb) || mb < 8 || mb > 4096) {
            throw new Error(`STORE_SUBMIT_UPLOAD_MEMORY_MB must be a number of MiB from 8 to 4096, got '${env.STORE_SUBMIT_UPLOAD_MEMORY_MB}'`);
        }
        memoryBytes = Math.round(mb * MiB);
    }
    memoryBytes ??= DEFAULT_MEMORY_BYTES;
    if (blockSize !== undefined && (!Number.isInteger(blockSize) || blockSize < 1 || blockSize > MAX_BLOCK_SIZE)) {
        throw new Error(`Upload block size must be an integer from 1 to ${MAX_BLOCK_SIZE} bytes, got ${blockSize}`);
    }
    if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) {
        throw new Error(`Upload concurrency must be a positive integer, got ${concurrency}`);
    }
    if (!Number.isInteger(memoryBytes) || memoryBytes < MiB)
        throw new Error(`Upload memory must be an integer of at least ${MiB} bytes, got ${memoryBytes}`);
    return { blockSize, concurrency, memoryBytes };
}
/**
 * The tuning frame for a blob of `totalBytes`: the pool from the settings, blocks no larger than
 * the blob, and large enough that the block list stays under Azure's 50,000 blocks
 * (`extraBlocks`: header and short blocks, up to 2 per entry).
 */
function tuningLimits(settings, totalBytes, extraBlocks) {
    const room = Math.max(1000, MAX_BLOCKS - extraBlocks - 1);
    const floor = Math.ceil(totalBytes / room);
    const roundUp = (n, step) => Math.ceil(n / step) * step;
    const fixed = settings.blockSize === undefined
        ? undefined
        : Math.max(1, Math.min(Math.max(settings.blockSize, floor), Math.max(totalBytes, 1)));
    const chunkSize = fixed === undefined ? CHUNK_SIZE : Math.min(CHUNK_SIZE, fixed);
    const blob = roundUp(Math.max(totalBytes, 1), chunkSize);
    let poolChunks = Math.floor(settings.memoryBytes / chunkSize);
    const minBlockSize = Math.min(roundUp(Math.max(MIN_TUNED_BLOCK_SIZE, floor), chunkSize), blob);
    const minChunks = Math.ceil((fixed ?? minBlockSize) / chunkSize);
    if (fixed !== undefined && settings.concurrency !== undefined)
        poolChunks = minChunks * (settings.concurrency + SPARE_BLOCKS);
    // Never less than one block in flight and the spare.
    poolChunks = Math.max(poolChunks, minChunks * (1 + SPARE_BLOCKS));
    // The largest block leaves room in the pool for the spare.
    const poolShare = Math.floor(poolChunks / (1 + SPARE_BLOCKS)) * chunkSize;
    const maxBlockSize = Math.max(minBlockSize, Math.min(MAX_TUNED_BLOCK_SIZE, blob, poolShare));
    return {
        chunkSize,
        poolChunks,
        spareBlocks: SPARE_BLOCKS,
        minBlockSize,
        maxBlockSize,
        maxConcurrency: MAX_TUNED_CONCURRENCY,
        ...(fixed !== undefined ? { fixedBlockSize: fixed } : {}),
        ...(settings.concurrency !== undefined ? { fixedConcurrency: settings.concurrency } : {}),
    };
}

;// CONCATENATED MODULE: ./src/upload/upload.ts
/**
 * The upload to the Store's `fileUploadUrl`: one pass from disk to blob. Files are read into a
 * streaming stored-entry zip writer whose output is cut into blocks staged in parallel on the
 * block blob, then the block list is committed. No temporary zip; memory is a fixed pool of
 * buffers (`memoryBytes`, 24 MiB by default) whatever the package size. How many blocks are in
 * flight, and how large they are, is chosen from the throughput the link gives (`tuning.ts`).
 */












function prepare(uploadUrl, options) {
    options.signal?.throwIfAborted();
    const now = options.now ?? (() => new Date());
    const encodedUrl = openUploadUrl(uploadUrl, now());
    return {
        encodedUrl,
        now,
        retry: { ...DEFAULT_BLOCK_RETRY, ...options.retry },
    };
}
function mib(bytes) {
    return (bytes / MiB).toFixed(bytes % MiB ? 2 : 0);
}
function describeSetting(state) {
    return `${state.concurrency} block${state.concurrency === 1 ? '' : 's'} of ${mib(state.blockSize)} MiB in flight`;
}
/** Stages `produce`'s bytes on the blob and commits them; shared by both upload forms. */
async function stageAndCommit(run, uploadUrl, totalBytes, extraBlocks, options, what, produce) {
    const limits = tuningLimits(uploadSettings(options), totalBytes, extraBlocks);
    const logger = options.logger;
    const client = options.target ?? (await openBlockBlob(run.encodedUrl));
    const tuned = limits.fixedConcurrency === undefined ? `, tuned to the link (up to ${maxConcurrencyFor(limits)} at once)` : '';
    logger?.info(`Uploading ${what} (${megabytes(totalBytes)} MB) to ${urlWithoutQuery(uploadUrl)} with ${mib(limits.poolChunks * limits.chunkSize)} MiB of buffers${tuned}`);
    const progress = new ProgressReporter(totalBytes, options, run.now);
    const stager = new BlockStager(client, uploadUrl, {
        limits,
        retry: run.retry,
        ...(logger ? { logger } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        onStaged: (bytes) => progress.add(bytes),
        onTuning: (state) => logger?.debug(`Upload: ${describeSetting(state)}${state.settled ? ' (settled)' : ''}`),
    });
    logger?.debug(`Upload: starting with ${describeSetting(stager.setting)}`);
    try {
        await produce(stager);
        await stager.finish('application/zip');
    }
    catch (error) {
        await stager.abandon();
        if (options.signal?.aborted)
            throw options.signal.reason;
        if (error instanceof UploadError)
            throw error;
        throw new UploadError(`Upload to ${urlWithoutQuery(uploadUrl)} failed: ${(0,src_errors/* errorMessage */.gJ)(error)}`);
    }
    finally {
        progress.stop();
        if (!options.target)
            await client.close().catch(() => undefined);
    }
    const seconds = Math.max(progress.elapsedMs, 1) / 1000;
    const mbPerSecond = totalBytes / MB / seconds;
    const setting = stager.setting;
    logger?.info(`Uploaded ${megabytes(totalBytes)} MB in ${seconds.toFixed(1)} s (${mbPerSecond.toFixed(1)} MB/s), ${stager.blockCount} blocks; ended with ${describeSetting(setting)}`);
    return {
        seconds,
        mbPerSecond,
        concurrency: setting.concurrency,
        blockSize: setting.blockSize,
        blocks: stager.blockCount,
        stats: stager.stats,
    };
}
/** Builds the zip of `entries` while uploading it to the blob at `uploadUrl`. */
async function uploadEntries(uploadUrl, entries, options = {}) {
    const run = prepare(uploadUrl, options);
    if (entries.length === 0)
        throw new UploadError('Nothing to upload: no files were given for the zip');
    const inputs = [];
    for (const entry of entries) {
        let info;
        try {
            info = await (0,promises_.stat)(entry.path);
        }
        catch (error) {
            throw new UploadError(`Cannot read '${entry.path}' (zip entry '${entry.name}'): ${(0,src_errors/* errorMessage */.gJ)(error)}`);
        }
        if (!info.isFile())
            throw new UploadError(`'${entry.path}' (zip entry '${entry.name}') is not a file`);
        inputs.push({ name: entry.name, size: info.size, mtime: info.mtime, open: fileReader(entry.path) });
    }
    let layout;
    try {
        layout = zipLayout(inputs);
    }
    catch (error) {
        throw new UploadError((0,src_errors/* errorMessage */.gJ)(error));
    }
    const files = `${entries.length} file${entries.length === 1 ? '' : 's'} zipped on the fly`;
    const timing = await stageAndCommit(run, uploadUrl, layout.totalSize, 2 * entries.length, options, files, async (stager) => {
        await writeZip(inputs, stager, layout);
    });
    return { bytes: layout.totalSize, entries: layout.entries.map((e) => ({ name: e.name, size: e.size })), ...timing };
}
/** Uploads a ready-made zip file as it is (the `zip-path` input), same block staging and progress. */
async function uploadZipFile(uploadUrl, zipPath, options = {}) {
    const run = prepare(uploadUrl, options);
    let entries;
    let size;
    try {
        size = (await (0,promises_.stat)(zipPath)).size;
        // The zip reader loads only when a ready-made zip is uploaded, not on the action's cold start.
        const { listZipEntries } = await Promise.all(/* import() */[__webpack_require__.e(663), __webpack_require__.e(130)]).then(__webpack_require__.bind(__webpack_require__, 81130));
        entries = await listZipEntries(zipPath);
    }
    catch (error) {
        throw new UploadError(`Cannot use '${zipPath}' as the upload zip: ${(0,src_errors/* errorMessage */.gJ)(error)}`);
    }
    const timing = await stageAndCommit(run, uploadUrl, size, 0, options, `'${zipPath}'`, async (stager) => {
        const handle = await (0,promises_.open)(zipPath, 'r');
        try {
            let remaining = size;
            while (remaining > 0) {
                const region = await stager.reserve(remaining);
                const { bytesRead } = await handle.read(region, 0, region.length, null);
                if (bytesRead === 0)
                    throw new Error(`'${zipPath}' shrank while being uploaded`);
                stager.commit(bytesRead);
                remaining -= bytesRead;
            }
        }
        finally {
            await handle.close();
        }
    });
    return { bytes: size, entries, ...timing };
}

;// CONCATENATED MODULE: ./src/commands/submit/upload.ts
/** The upload of a run's files: one zip built from them, or the ready-made `zip-path`, to the submission's SAS URL. */


/**
 * Uploads `files` as one zip (or `zipPath` as it is) to `submission.fileUploadUrl`, and records
 * each entry and the throughput. Throws an Error when the submission has no upload URL (one made in
 * Partner Center), and whatever the upload throws (see upload/upload.ts).
 */
async function uploadFiles(ctx, submission, files, zipPath) {
    const { logger, record } = ctx;
    const uploadUrl = submission.fileUploadUrl;
    if (typeof uploadUrl !== 'string' || !uploadUrl) {
        throw new Error(`Submission ${String(submission.id)} has no upload URL (fileUploadUrl). Submissions created in Partner Center cannot take uploads; ` +
            "delete it there, or set 'on-pending: delete', and run again.");
    }
    let result;
    if (zipPath) {
        result = await uploadZipFile(uploadUrl, zipPath, { logger, signal: ctx.signal });
    }
    else {
        for (const file of files)
            logger.info(`  ${file.name} (${formatSize(file.size)})`);
        result = await uploadEntries(uploadUrl, files.map((f) => ({ name: f.name, path: f.path })), { logger, signal: ctx.signal });
    }
    record.files.push(...result.entries.map((e) => ({ name: e.name, size: e.size })));
    record.upload = { bytes: result.bytes, seconds: result.seconds, mbPerSecond: result.mbPerSecond };
}

;// CONCATENATED MODULE: ./src/commands/submit.ts
/**
 * `command: submit`, one flow for apps, package flights and add-ons: read the product -> build and
 * check everything that will be sent -> (dry run stops here) -> open a submission (continue this
 * work, or settle a rollout, delete another pending one and create) -> update -> upload -> commit
 * -> wait. What differs between the three kinds is their KindDescriptor (store/kinds.ts); each step
 * lives in commands/submit/.
 */

















const submit_submit = {
    name: 'submit',
    inputs: SUBMIT_INPUTS,
    parse: readSubmitInputs,
    run: runSubmit,
};
async function runSubmit(ctx, inputs) {
    const { logger, record } = ctx;
    const { target } = inputs;
    const kind = KINDS[target.kind];
    record.setTarget(target);
    if (inputs.dryRun)
        logger.info('Dry run: the action signs in and reads, and changes nothing in the Store.');
    // Local files first, before signing in: a wrong path fails at once.
    const packages = await findPackages(inputs.packages, inputs.workspace);
    const content = await prepareContent(ctx, inputs, target, packages);
    const changes = { ...changesFrom(inputs, packages), ...contentChanges(inputs, content) };
    checkChanges(kind, changes);
    const { product, published, rollout, pending } = await readProduct(ctx, kind, target);
    // The files this run adds are those it marks for upload on the last published submission: they
    // tell its own pending work from an earlier attempt (images included, by their content hash).
    const onPublished = buildSubmission(kind, withoutServiceFields(published ?? {}), changes);
    const added = pendingUploads(kind, onPublished.submission);
    const decision = decidePending(kind, pending, added, inputs.onPending, describeTarget(target));
    if (decision.action === 'stop' && pending) {
        // The pending submission that stops the run is named in the outputs and the summary, not only in the error.
        record.submissionId = String(pending.id);
        record.blockedBy = record.submissionId;
        record.observeStatus(submissionStatus(pending), ctx.clock.now(), ctx.clock.now());
    }
    // Everything that can be checked is checked against what the run will build on, before any change;
    // a continued submission's own entries for this run's packages are not duplicates.
    const base = decision.action === 'continue' || decision.action === 'wait' ? decision.submission : published;
    await checkNewPackages(ctx, target, kind, content, product, base, base === published ? {} : { ignoreFileNames: changes.newPackages });
    const preview = base === published ? onPublished : buildSubmission(kind, withoutServiceFields(base ?? {}), changes);
    recordBuilt(ctx, preview);
    const files = inputs.zipPath
        ? []
        : filesToUpload(kind, preview.submission, packages, inputs.contentRoot, preview.uploads);
    if (inputs.zipPath)
        await checkReadyZip(kind, preview.submission, inputs.zipPath);
    const unchanged = decision.action === 'create' &&
        published !== undefined &&
        !inputs.zipPath &&
        files.length === 0 &&
        isUnchanged(diffSubmissions(kind, withoutServiceFields(published), withoutServiceFields(preview.submission)), changes.rolloutPercentage !== undefined);
    if (inputs.dryRun) {
        const { submission, warnings } = preview;
        dry_run_planDryRun(ctx, kind, inputs, {
            published: published ?? {},
            rollout,
            submission,
            warnings,
            files,
            decision,
            unchanged,
        });
        return;
    }
    if (unchanged && inputs.ifUnchanged !== 'submit') {
        skipUnchanged(ctx, inputs, published ?? {});
        return;
    }
    const opened = await openSubmission(ctx, inputs, decision, published, rollout);
    const { alreadyCommitted } = opened;
    let submission = opened.submission;
    if (!alreadyCommitted) {
        const sent = await updateSubmission(ctx, kind, inputs, submission, changes, packages);
        if (inputs.zipPath || sent.uploadFiles.length > 0) {
            await ctx.phase('Upload', () => uploadFiles(ctx, submission, sent.uploadFiles, inputs.zipPath));
        }
        else {
            logger.info('Nothing to upload: the submission names no new file');
        }
        submission = sent.submission;
    }
    if (!inputs.commit && !alreadyCommitted) {
        record.staged = true;
        record.stagedDiff = diffSubmissions(kind, withoutServiceFields(published ?? {}), withoutServiceFields(submission));
        record.observeStatus('PendingCommit', ctx.clock.now(), ctx.clock.now());
        logger.info(`Staged submission ${record.submissionId}: updated and uploaded, not committed ('commit: false'). Commit it with 'command: commit' and 'submission-id: ${record.submissionId}'.`);
        return;
    }
    const submissionId = String(record.submissionId);
    const publishMode = typeof submission.targetPublishMode === 'string' ? submission.targetPublishMode : undefined;
    const processed = await commitAndWait(ctx, target, submissionId, publishMode, inputs, alreadyCommitted);
    await checkProcessedSubmission(ctx, kind, target, submissionId, processed, submission);
}
/** The product, its last published and pending submissions, and the published one's rollout. */
async function readProduct(ctx, kind, target) {
    const { store, logger } = ctx;
    return ctx.phase(`Read the ${describeTarget(target)}`, async () => {
        const product = await store.getProduct(target);
        const publishedId = submissionRef(product, kind.lastPublishedField);
        const pendingId = submissionRef(product, kind.pendingField);
        const published = publishedId ? await store.getSubmission(target, publishedId) : undefined;
        const pending = pendingId ? await store.getSubmission(target, pendingId) : undefined;
        logger.info(`${describeTarget(target)}: ${describeProduct(product)}; last published submission ${publishedId ?? 'none'}; pending submission ${pendingId ?? 'none'}`);
        const rollout = kind.hasPackageDelivery && published ? await store.publishedRolloutState(target, published) : {};
        return { product, published, rollout, pending };
    });
}
function describeProduct(product) {
    const name = product.primaryName ?? product.friendlyName ?? product.productId;
    return typeof name === 'string' ? `'${name}'` : 'found';
}
/**
 * `if-unchanged` when nothing would change: `fail` throws InputError naming the inputs that change
 * something; `skip` records the last published submission as the outcome.
 */
function skipUnchanged(ctx, inputs, published) {
    const { logger, record } = ctx;
    if (inputs.ifUnchanged === 'fail') {
        throw new src_errors/* InputError */.dz('if-unchanged', `nothing would change: the submission would be the same as the last published one (${String(published.id)}). ` +
            "Give what should change ('packages', 'release-notes', 'submission-json', ...), or set 'if-unchanged: skip' to succeed without submitting, or 'if-unchanged: submit' to certify the same content again.");
    }
    record.submissionId = String(published.id);
    record.observeStatus(submissionStatus(published), ctx.clock.now(), ctx.clock.now());
    logger.info(`Nothing would change against the last published submission ${String(published.id)}; nothing was submitted ('if-unchanged: skip')`);
}

;// CONCATENATED MODULE: ./src/commands/index.ts
/**
 * The commands and how a run's inputs reach one: `command` picks the module, the inputs it does not
 * declare are refused, and it parses the rest. Adding an input to a command touches that command's
 * module (plus `action.yml`, the input table and the README), nothing here. MSI/EXE products (a
 * product ID GUID in `app-id`) have modules of their own for the commands they take.
 */













const COMMANDS = {
    submit: submit_submit,
    commit: commit,
    'create-flight': createFlight,
    'create-add-on': createAddOn,
    rollout: rollout,
    status: status_status,
};
const INSTALLER_COMMANDS = {
    submit: installerSubmit,
    commit: installerCommit,
    status: installerStatusCommand,
};
const ALL_COMMANDS = [
    ...Object.values(COMMANDS),
    ...Object.values(INSTALLER_COMMANDS),
];
const COMMAND_NAMES = [...new Set([...Object.keys(COMMANDS), ...Object.keys(INSTALLER_COMMANDS)])];
async function commands_prepare(api, module, common, read) {
    rejectInapplicable(read, module, ALL_COMMANDS);
    const inputs = await module.parse(read);
    return {
        api,
        command: module.name,
        common,
        inputs,
        run: (ctx) => module.run(ctx, inputs),
    };
}
function isIn(table, name) {
    return Object.hasOwn(table, name);
}
/**
 * Parses and checks every input before anything is sent; rejects with InputError (or JsonSyntaxError)
 * naming the first bad input. `env` supplies GITHUB_WORKSPACE. A product ID GUID in `app-id`
 * routes `command` to the MSI/EXE modules; any other product to the MSIX ones.
 */
async function readInputs(source, env = process.env) {
    const read = new InputReader(source, env);
    const command = read.choice('command', COMMAND_NAMES, 'submit');
    const common = readCommonInputs(read);
    // Checked first: which modules (and so which inputs) apply follows from its form.
    const app = readAppId(read);
    if (app && 'productId' in app) {
        if (!isIn(INSTALLER_COMMANDS, command)) {
            throw new src_errors/* InputError */.dz('command', `'${command}' does not apply to MSI/EXE products (a product ID GUID in 'app-id'); they take ${Object.keys(INSTALLER_COMMANDS)
                .map((c) => `'${c}'`)
                .join(', ')}.`);
        }
        return commands_prepare('installer', INSTALLER_COMMANDS[command], common, read);
    }
    if (!isIn(COMMANDS, command)) {
        throw new src_errors/* InputError */.dz('command', `'${command}' applies to MSI/EXE products only (a product ID GUID in 'app-id'), not to MSIX apps, flights or add-ons.`);
    }
    return commands_prepare('msix', COMMANDS[command], common, read);
}

// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
var external_node_os_default = /*#__PURE__*/__webpack_require__.n(external_node_os_);
;// CONCATENATED MODULE: ./src/report/links.ts
const PARTNER_CENTER_PRODUCTS = 'https://partner.microsoft.com/dashboard/products';
const STORE_DETAIL = 'https://apps.microsoft.com/detail';
/** The links the record has the IDs for; none before the product is known. */
function linksOf(record) {
    const links = {};
    const storeId = record.addOnId ?? record.appId;
    if (record.installerProductId) {
        links.submissionUrl = `${PARTNER_CENTER_PRODUCTS}/${encodeURIComponent(record.installerProductId)}/overview`;
    }
    else if (storeId && record.submissionId) {
        links.submissionUrl = `${PARTNER_CENTER_PRODUCTS}/${encodeURIComponent(storeId)}/submissions/${encodeURIComponent(record.submissionId)}`;
    }
    if (storeId)
        links.storeUrl = `${STORE_DETAIL}/${encodeURIComponent(storeId)}`;
    return links;
}

;// CONCATENATED MODULE: ./src/report/artifact.ts
/**
 * The sanitized record of the run, uploaded as a workflow artifact: the submission as sent and as
 * returned (no upload URL), the status history and every call with its correlation ID. Skipped
 * quietly where there is no artifact service (local runs, tests). `@actions/artifact` (about
 * 0.25 s and 45 MB at start-up) is loaded only when there is a record to upload. The upload comes
 * last, after outputs and job summary, and is bounded: a stuck artifact service cannot hold the run.
 */





/** The record as the artifact holds it; every string passed through redaction. */
function recordDocument(record) {
    const document = {
        command: record.command,
        target: record.target,
        startedAt: record.startedAt.toISOString(),
        origin: record.origin,
        succeeded: record.succeeded,
        submissionId: record.submissionId,
        status: record.status,
        statusDetails: record.statusDetails,
        timeline: record.timeline,
        files: record.files,
        installers: record.installers,
        upload: record.upload,
        rolloutBefore: record.rolloutBefore,
        rolloutAfter: record.rolloutAfter,
        verification: record.verification,
        flightId: record.flightId,
        addOnId: record.addOnId,
        ...linksOf(record),
        errors: record.errors,
        warnings: record.warnings,
        plan: record.plan,
        submissionSent: record.submissionSent,
        submissionReturned: record.submissionReturned,
        calls: record.calls,
    };
    return secrets.redact(JSON.stringify(document, null, 2));
}
/** How long the record's upload may take at most, on top of the run's deadline: it must not hold a finished run. */
const RECORD_UPLOAD_LIMIT_MS = 30_000;
/** Resolves when `signal` aborts. */
function aborted(signal) {
    return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
/**
 * Uploads the record as the artifact `name` (a no-op for an empty name, or off a GitHub runner:
 * no ACTIONS_RUNTIME_TOKEN / ACTIONS_RESULTS_URL), within the earlier of the run's deadline and
 * `limitMs` from now; skipped when the run was stopped. Never throws: a failure is a warning.
 * Returns true when the upload was given up while still running: `@actions/artifact` takes no
 * abort signal, so its requests may still hold the process open.
 */
async function uploadRecord(record, name, logger, bounds = {}, env = process.env) {
    if (!name)
        return false;
    if (!env.ACTIONS_RUNTIME_TOKEN || !env.ACTIONS_RESULTS_URL) {
        logger.debug('No artifact service here (not on a GitHub runner); the run record is not uploaded');
        return false;
    }
    const limitMs = Math.min(bounds.limitMs ?? RECORD_UPLOAD_LIMIT_MS, bounds.deadline ? bounds.deadline.getTime() - Date.now() : Infinity);
    if (bounds.signal?.aborted || limitMs <= 0) {
        const why = bounds.signal?.aborted ? 'The run was stopped' : "The run's deadline has passed";
        logger.info(`${why}: the run record is not uploaded as artifact '${name}'`);
        return false;
    }
    const giveUp = AbortSignal.any([AbortSignal.timeout(limitMs), ...(bounds.signal ? [bounds.signal] : [])]);
    const folder = await (0,promises_.mkdtemp)(external_node_path_default().join(env.RUNNER_TEMP || external_node_os_default().tmpdir(), 'store-submit-record-'));
    try {
        const file = external_node_path_default().join(folder, 'store-submission-record.json');
        await (0,promises_.writeFile)(file, recordDocument(record));
        // Loaded only here: the artifact client is heavy and most runs' start-up should not pay for it.
        const { DefaultArtifactClient } = await Promise.all(/* import() */[__webpack_require__.e(143), __webpack_require__.e(159), __webpack_require__.e(351), __webpack_require__.e(799)]).then(__webpack_require__.bind(__webpack_require__, 76799));
        const upload = new DefaultArtifactClient().uploadArtifact(name, [file], folder, { retentionDays: 90 });
        const finished = await Promise.race([upload.then(() => true), aborted(giveUp).then(() => false)]);
        if (finished) {
            logger.info(`Uploaded the run record as artifact '${name}'`);
            return false;
        }
        // Its outcome no longer matters, and must not surface as an unhandled rejection.
        upload.catch(() => undefined);
        const why = bounds.signal?.aborted
            ? 'the run was stopped'
            : `the artifact service did not answer within ${Math.ceil(limitMs / 1000)} s`;
        logger.warning(`Gave up uploading the run record artifact '${name}': ${why}`);
        return true;
    }
    catch (error) {
        logger.warning(`Could not upload the run record artifact '${name}': ${secrets.redact(String(error))}`);
        return false;
    }
    finally {
        await (0,promises_.rm)(folder, { recursive: true, force: true });
    }
}

;// CONCATENATED MODULE: ./src/report/failure.ts
/**
 * The error funnel's one `::error::` line: what failed, or where a stopped run was and what it leaves
 * in the Store, with no secret in it.
 */







/** What a stopped run says: why, where it was, and the submission it leaves behind with its last status. */
function stoppedMessage(stopped, record) {
    const head = stopped.kind === 'timeout'
        ? `Timed out after ${formatDuration(Number(stopped.detail) * 60)} ('timeout-minutes: ${stopped.detail}')`
        : `The run was ${stopped.message}`;
    // The Store's last words on the call that kept failing, where one did.
    const last = stopped.lastFailure ? ` ${stopped.lastFailure}` : '';
    if (!record.submissionId)
        return `${head}${record.phase ? ` during '${record.phase}'` : ''}; no submission was created.${last}`;
    const raise = stopped.kind === 'timeout' ? ", and raise 'timeout-minutes' for longer waits" : '';
    const where = record.status ? `is still in ${record.status}` : 'is left as it was';
    const created = record.createdSubmission ? ' (this run created it)' : '';
    return (`${head}: submission ${record.submissionId} ${where}${record.phase ? ` (the run was in '${record.phase}')` : ''}. ` +
        `It stays in the Store${created}; follow it in Partner Center or with 'command: status'${raise}.${last}`);
}
/**
 * The longest `::error` message: room for any message of the action's own, so only text from the
 * Store or a server is ever cut (docs/contract.md, "Limits").
 */
const MAX_ERROR_CHARS = 16_000;
/** `message`, cut to MAX_ERROR_CHARS with the count of characters left out. */
function cutMessage(message) {
    if (message.length <= MAX_ERROR_CHARS)
        return message;
    return `${message.slice(0, MAX_ERROR_CHARS)}… (${(message.length - MAX_ERROR_CHARS).toLocaleString('en-US')} more characters)`;
}
function failureMessage(error, record) {
    let message = secrets.redact(error instanceof src_stop/* RunStopped */.NL ? stoppedMessage(error, record) : (0,src_errors/* errorMessage */.gJ)(error));
    // A stopped run's message already says where the submission is.
    if (record.createdSubmission && record.submissionId && !(error instanceof src_stop/* RunStopped */.NL)) {
        message += ` (this run created submission ${record.submissionId}, which is still in the Store)`;
    }
    return message;
}
/**
 * One `::error::` line; a JSON syntax error points at its file, line and column. The message of an
 * input error names the input once ("Input 'x': ..."); the annotation's title does not repeat it.
 */
function reportFailure(error, record) {
    const message = cutMessage(failureMessage(error, record));
    record.errors.push(message);
    const annotation = error instanceof JsonSyntaxError && error.file && error.position
        ? {
            file: error.file,
            startLine: error.position.line,
            startColumn: error.position.column,
            title: INPUT_ERROR_TITLE,
        }
        : error instanceof src_errors/* InputError */.dz
            ? { title: INPUT_ERROR_TITLE }
            : error instanceof src_errors/* TitledError */.De
                ? { title: error.title }
                : undefined;
    logError(message, annotation);
    process.exitCode = core/* ExitCode */.yU.Failure;
}

;// CONCATENATED MODULE: ./src/report/origin.ts
/** Undefined outside a workflow run (no GITHUB_RUN_ID), e.g. a local run of the bundle. */
async function runOrigin(env = process.env) {
    if (!env.GITHUB_RUN_ID || !env.GITHUB_REPOSITORY)
        return undefined;
    // Loaded only at the end of a run: the Octokit behind it costs start-up time no input error should pay.
    const { context } = await __webpack_require__.e(/* import() */ 351).then(__webpack_require__.bind(__webpack_require__, 61351));
    const repository = `${context.repo.owner}/${context.repo.repo}`;
    // The context leaves a field undefined (or NaN) where its variable is missing (a hand-made run of the bundle).
    const runAttempt = context.runAttempt || 1;
    return {
        repository,
        sha: context.sha ?? '',
        ref: context.ref ?? '',
        workflow: context.workflow ?? '',
        runId: context.runId,
        runAttempt,
        url: `${context.serverUrl}/${repository}/actions/runs/${context.runId}/attempts/${runAttempt}`,
    };
}

;// CONCATENATED MODULE: ./src/report/record.ts

class RunRecord {
    command = '';
    /** e.g. "app 9NBLGGH4R315". */
    target = '';
    submissionId;
    /** True once this run created a submission: a failure after that must name it. */
    createdSubmission = false;
    /** The submission in progress that stopped this run before it changed anything; `submissionId` names it too. */
    blockedBy;
    /** The submission this run continued (an earlier attempt's), and from which step. */
    continued;
    /** True when the run stopped before the commit on purpose (`commit: false`). */
    staged = false;
    /** What the staged submission changes against the last published one. */
    stagedDiff;
    status;
    statusDetails;
    flightId;
    addOnId;
    /** The Store ID of the app, or of a flight's app: with `addOnId`, what the Store links are built from. */
    appId;
    /** An MSI/EXE product's ID GUID (`app-id`), for its Partner Center link. */
    installerProductId;
    rolloutBefore;
    rolloutAfter;
    timeline = [];
    files = [];
    /** MSI/EXE products: the installers sent (or that would be, or the draft's, for status). */
    installers = [];
    /** The new packages, from their manifests (read before anything is created). */
    packages = [];
    /** What `listings` changed; undefined without it. */
    listings;
    /** What the read-back after processing found; undefined when the run committed nothing. */
    verification;
    /** What `keep-package-versions` marked; undefined without it. */
    retention;
    upload;
    warnings = [];
    errors = [];
    calls = [];
    submissionSent;
    submissionReturned;
    plan;
    /** The phase the run is in (or was in when it failed), e.g. "Upload". */
    phase = '';
    /** Where the run came from; undefined outside a workflow run. */
    origin;
    succeeded = false;
    startedAt = new Date();
    /** Records the product the run works on: its description, its app's Store ID, and its flight or add-on ID (an output whenever one is the target). */
    setTarget(target) {
        this.target = describeTarget(target);
        if (target.kind !== 'add-on')
            this.appId = target.appId;
        if (target.kind === 'flight')
            this.flightId = target.flightId;
        if (target.kind === 'add-on')
            this.addOnId = target.addOnId;
    }
    /** Records a status, adding it to the timeline when it differs from the last one. Returns whether it changed. */
    observeStatus(status, at, since) {
        this.status = status;
        const last = this.timeline[this.timeline.length - 1];
        if (last?.status === status)
            return false;
        this.timeline.push({
            status,
            at: at.toISOString(),
            elapsedSeconds: Math.round((at.getTime() - since.getTime()) / 1000),
        });
        return true;
    }
}

;// CONCATENATED MODULE: ./src/report/outputs.ts
/**
 * The action's outputs (the names in docs/contract.md), from the run record, set with
 * `@actions/core`: each a `name<<delimiter` block in $GITHUB_OUTPUT, so multi-line values keep
 * their lines.
 */




/**
 * The most bytes of one output: far above any value the action sets itself, so only the Store's
 * text (thousands of statusDetails errors) is ever cut (docs/contract.md, "Limits").
 */
const OUTPUT_LIMIT_BYTES = 64 * 1024;
/** `value` cut to OUTPUT_LIMIT_BYTES, on a character boundary, saying so. */
function withinLimit(value) {
    if (Buffer.byteLength(value) <= OUTPUT_LIMIT_BYTES)
        return value;
    const note = ' … (cut to 64 KiB)';
    const kept = Buffer.from(value).subarray(0, OUTPUT_LIMIT_BYTES - Buffer.byteLength(note) - 4);
    return `${new TextDecoder().decode(kept).replace(/\uFFFD+$/, '')}${note}`;
}
/** The action's outputs, from the record. */
function outputsOf(record) {
    const outputs = {};
    if (record.submissionId)
        outputs['submission-id'] = record.submissionId;
    if (record.status)
        outputs.status = record.status;
    if (record.statusDetails)
        outputs['status-details'] = statusDetailsJson(record.statusDetails, OUTPUT_LIMIT_BYTES);
    if (record.flightId)
        outputs['flight-id'] = record.flightId;
    if (record.addOnId)
        outputs['add-on-id'] = record.addOnId;
    const rollout = record.rolloutAfter;
    if (rollout?.status)
        outputs['rollout-status'] = rollout.status;
    if (rollout?.percentage !== undefined && !Number.isNaN(rollout.percentage))
        outputs['rollout-percentage'] = String(rollout.percentage);
    if (record.verification)
        outputs.verification = record.verification.outcome;
    const { submissionUrl, storeUrl } = linksOf(record);
    if (submissionUrl)
        outputs['submission-url'] = submissionUrl;
    if (storeUrl)
        outputs['store-url'] = storeUrl;
    for (const key of Object.keys(outputs))
        outputs[key] = withinLimit(secrets.redact(outputs[key]));
    return outputs;
}
/** Sets every output the record has; an output the run did not reach is left unset. */
function writeOutputs(record) {
    for (const [name, value] of Object.entries(outputsOf(record)))
        core/* setOutput */.uH(name, value);
}

;// CONCATENATED MODULE: ./src/report/summary.ts
/**
 * The job summary, rendered from the run record as Markdown (pure, so tests assert its content)
 * and appended to the runner's summary file with `@actions/core`'s summary. Kept under GitHub's
 * 1 MiB limit by shortening the bulkiest parts first.
 */





const SUMMARY_LIMIT_BYTES = 1024 * 1024 - 4096;
function cell(value) {
    return String(value ?? '')
        .replace(/\|/g, '\\|')
        .replace(/\r?\n/g, ' ');
}
function table(header, rows) {
    return [
        `| ${header.join(' | ')} |`,
        `| ${header.map(() => '---').join(' | ')} |`,
        ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
    ].join('\n');
}
function certificationReports(record) {
    const reports = record.statusDetails?.certificationReports;
    if (!Array.isArray(reports))
        return [];
    return reports.flatMap((r) => r && typeof r === 'object' && !Array.isArray(r) && typeof r.reportUrl === 'string'
        ? [{ date: String(r.date ?? ''), url: r.reportUrl }]
        : []);
}
function renderSummary(record, jsonLimit = 60_000) {
    const parts = [];
    const outcome = record.succeeded ? (record.plan ? 'dry run' : record.staged ? 'staged' : 'succeeded') : 'failed';
    const icon = outcome === 'succeeded' ? '✅' : outcome === 'failed' ? '❌' : outcome === 'staged' ? '⏸️' : '🔍';
    parts.push(`## Microsoft Store: ${record.command} ${icon} ${outcome}`);
    const facts = [['Target', record.target]];
    if (record.submissionId)
        facts.push(['Submission', record.submissionId]);
    if (record.status)
        facts.push(['Status', `**${record.status}**`]);
    if (record.flightId)
        facts.push(['Flight ID', record.flightId]);
    if (record.addOnId)
        facts.push(['Add-on ID', record.addOnId]);
    const { submissionUrl, storeUrl } = linksOf(record);
    const links = [
        ...(submissionUrl
            ? [`[${record.installerProductId ? 'Product' : 'Submission'} in Partner Center](${submissionUrl})`]
            : []),
        ...(storeUrl ? [`[Store page](${storeUrl})`] : []),
    ];
    if (links.length)
        facts.push(['Links', links.join(' · ')]);
    if (record.origin) {
        const { repository, sha, workflow, runId, runAttempt, url } = record.origin;
        facts.push([
            'Made by',
            `[${repository}@${sha.slice(0, 7)}, ${workflow} run ${runId} attempt ${runAttempt}](${url})`,
        ]);
    }
    if (record.rolloutBefore)
        facts.push([
            'Rollout before',
            `${record.rolloutBefore.status ?? 'none'} at ${record.rolloutBefore.percentage ?? 0}%`,
        ]);
    if (record.rolloutAfter)
        facts.push(['Rollout after', `${record.rolloutAfter.status ?? 'none'} at ${record.rolloutAfter.percentage ?? 0}%`]);
    if (record.upload) {
        facts.push([
            'Upload',
            `${formatSize(record.upload.bytes)} in ${record.upload.seconds.toFixed(1)} s (${record.upload.mbPerSecond.toFixed(1)} MB/s)`,
        ]);
    }
    parts.push(table(['', ''], facts));
    if (record.errors.length)
        parts.push(`### Errors\n${record.errors.map((e) => `- ${e}`).join('\n')}`);
    if (!record.succeeded && record.createdSubmission && record.submissionId) {
        parts.push(`> [!WARNING]\n> This run created submission **${record.submissionId}** before it failed. It is still in the Store: fix the cause and run again (a run that adds the same packages continues it), or delete it with \`on-pending: delete\` or in Partner Center.`);
    }
    if (record.blockedBy) {
        parts.push(`> [!WARNING]\n> Submission **${record.blockedBy}**${record.status ? ` (${record.status})` : ''} blocks this run: the product takes one submission at a time. The error above says how to clear the way; follow the submission with \`command: status\` or in Partner Center.`);
    }
    if (record.continued) {
        const { submissionId, from } = record.continued;
        parts.push(`> [!NOTE]\n> Continued submission **${submissionId}**, this work from an earlier attempt, ${from === 'wait' ? 'which was already committed: the run only waited for it' : 'from the update: updated, uploaded and committed again'}.`);
    }
    if (record.staged && record.submissionId) {
        parts.push(`> [!NOTE]\n> Staged: submission **${record.submissionId}** is updated and uploaded but not committed. Commit it with \`command: commit\` and \`submission-id: ${record.submissionId}\` (for example in a job behind an environment approval).`);
    }
    if (record.plan) {
        parts.push(`### Plan (dry run: nothing was created, changed or uploaded)\n${record.plan.steps.map((s, i) => `${i + 1}. ${s}`).join('\n')}`);
    }
    const diff = record.plan?.diff ?? record.stagedDiff;
    if (diff) {
        const diffRows = [
            ...diff.packagesAdded.map((p) => ['package added', p, '']),
            ...diff.packagesMarkedForDeletion.map((p) => ['package marked PendingDelete', p, '']),
            ...diff.changes.map((c) => [
                'changed',
                `\`${c.path}\``,
                `${JSON.stringify(c.before) ?? '(absent)'} → ${JSON.stringify(c.after) ?? '(absent)'}`,
            ]),
        ];
        if (diffRows.length)
            parts.push(`### Changes against the last published submission\n${table(['What', 'Where', 'Change'], diffRows)}`);
        if (diff.listingsTouched.length)
            parts.push(`Listings touched: ${diff.listingsTouched.join(', ')}`);
    }
    parts.push(...contentSections(record));
    if (record.files.length) {
        parts.push(`### Files ${record.plan ? 'that would be uploaded' : 'uploaded'}\n${table(['File', 'Size', 'Version', 'Architecture'], record.files.map((f) => [f.name, formatSize(f.size), f.version ?? '', f.architecture ?? '']))}`);
    }
    const verification = verificationSection(record);
    if (verification)
        parts.push(verification);
    if (record.installers.length) {
        const title = record.plan
            ? 'Installers that would be sent'
            : record.command === 'status'
                ? 'Installers in the draft'
                : 'Installers';
        parts.push(`### ${title}\n${table(['URL', 'Architecture', 'Type', 'Languages', 'Size'], record.installers.map((i) => [
            i.url,
            i.architecture,
            i.type,
            i.languages.join(', '),
            i.size === undefined ? '' : formatSize(i.size),
        ]))}`);
    }
    if (record.timeline.length) {
        parts.push(`### Status timeline\n${table(['Status', 'Seen at (UTC)', 'After'], record.timeline.map((t) => [t.status, t.at.replace('T', ' ').replace(/\.\d+Z$/, ''), `${t.elapsedSeconds} s`]))}`);
    }
    const details = describeStatusDetails(record.statusDetails);
    if (details.length)
        parts.push(`### What the Store reported\n${details.map((d) => `- ${d}`).join('\n')}`);
    const reports = certificationReports(record);
    if (reports.length)
        parts.push(`### Certification reports\n${reports.map((r) => `- [${r.date || 'report'}](${r.url})`).join('\n')}`);
    if (record.warnings.length)
        parts.push(`### Warnings\n${record.warnings.map((w) => `- ${w}`).join('\n')}`);
    const json = record.plan?.submission ?? record.submissionSent;
    if (json) {
        let text = JSON.stringify(json, null, 2);
        if (text.length > jsonLimit)
            text = `${text.slice(0, jsonLimit)}\n… (cut; the full JSON is in the run record artifact)`;
        parts.push(`<details><summary>Submission JSON ${record.plan ? 'that would be sent' : 'sent'}</summary>\n\n\`\`\`json\n${text}\n\`\`\`\n</details>`);
    }
    let markdown = secrets.redact(parts.join('\n\n')) + '\n';
    if (Buffer.byteLength(markdown) > SUMMARY_LIMIT_BYTES) {
        markdown =
            jsonLimit > 1000
                ? renderSummary(record, 1000)
                : Buffer.from(markdown).subarray(0, SUMMARY_LIMIT_BYTES).toString() +
                    '\n… (cut to fit the 1 MiB summary limit)\n';
    }
    return markdown;
}
/** The new packages (from their manifests), what retention removed, and what the listings folder did. */
function contentSections(record) {
    const parts = [];
    if (record.packages.length) {
        parts.push(`### Packages\n${table(['File', 'Identity', 'Version', 'Architectures', 'Device families'], record.packages.map((p) => [
            p.file,
            p.identity,
            p.version,
            p.architectures.join(', '),
            p.deviceFamilies.join(', '),
        ]))}`);
    }
    if (record.retention) {
        const { keep, removed } = record.retention;
        const title = `### Retention (keep-package-versions: ${keep})`;
        parts.push(removed.length
            ? `${title}\n${record.plan ? 'Would mark' : 'Marked'} PendingDelete:\n${table(['File', 'Version', 'Architectures', 'Device families'], removed.map((r) => [r.fileName, r.version, r.architectures.join(', '), r.deviceFamilies.join(', ')]))}`
            : `${title}\nNo package removed: none is older than the ${keep} newest version(s) of its architecture and device family.`);
    }
    if (record.listings) {
        const { languagesAdded, imagesKept, imagesUploaded } = record.listings;
        const lines = [
            `- Languages added: ${languagesAdded.length ? languagesAdded.join(', ') : 'none'}`,
            `- Images unchanged and kept (not uploaded again): ${imagesKept.length ? imagesKept.map((i) => `\`${i}\``).join(', ') : 'none'}`,
            `- New images ${record.plan ? 'that would be uploaded' : 'uploaded'}: ${imagesUploaded.length ? imagesUploaded.map((i) => `\`${i}\``).join(', ') : 'none'}`,
        ];
        parts.push(`### Listings folder\n${lines.join('\n')}`);
    }
    return parts;
}
/** What the read-back after processing found, with each file the Store did not take as committed. */
function verificationSection(record) {
    const found = record.verification;
    if (!found)
        return undefined;
    const title = '### What the Store took';
    if (found.outcome === 'not-checked')
        return `${title}\nNot checked: ${found.reason ?? 'the run did not wait for processing'}.`;
    const lines = [
        `Read back at **${found.status ?? 'an unknown status'}**: ${found.outcome === 'failed' ? '❌ differs from what this run committed' : '✅ lists every file this run added and kept'}.`,
        `- Added: ${found.added.length ? found.added.map((f) => `\`${f}\``).join(', ') : 'none'}`,
        `- Kept: ${found.kept.length ? found.kept.map((f) => `\`${f}\``).join(', ') : 'none'}`,
    ];
    if (found.versionNotReported.length)
        lines.push(`- Version not reported yet (names checked, versions not): ${found.versionNotReported.map((f) => `\`${f}\``).join(', ')}`);
    lines.push(...found.problems.map((problem) => `- ❌ ${problem}`));
    return `${title}\n${lines.join('\n')}`;
}
/**
 * Appends the record's summary to the job summary ($GITHUB_STEP_SUMMARY). Throws when the runner
 * gave no summary file (a local run) or it cannot be written.
 */
async function writeSummary(record) {
    const summary = core/* summary */.z.addRaw(renderSummary(record));
    try {
        await summary.write();
    }
    finally {
        // A refused write keeps the text in core's buffer, where the next write would repeat it.
        summary.emptyBuffer();
    }
}

;// CONCATENATED MODULE: ./src/store/auth.ts
/**
 * Entra ID sign-in for the Store API: a client secret on the v1 token endpoint (the form the API's
 * documentation shows), or the workflow's GitHub OIDC token as a federated client assertion on the
 * v2 endpoint. Tokens are cached, masked at once, and renewed before they run out or after a 401.
 */




const STORE_RESOURCE = 'https://manage.devcenter.microsoft.com';
const DEFAULT_LIFETIME_SECONDS = 3600;
const OIDC_AUDIENCE = 'api://AzureADTokenExchange';
/** The `value` of the token service's JSON answer; undefined when it is not JSON or has none. */
function idTokenOf(text) {
    try {
        const value = JSON.parse(text)?.value;
        return typeof value === 'string' && value ? value : undefined;
    }
    catch {
        return undefined;
    }
}
/** The job has no OIDC token to ask for: the one OIDC failure that the sign-in settings explain. */
class NoOidcTokenOffered extends Error {
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
async function requestGitHubIdToken(transport, audience, env = process.env) {
    const requestUrl = env.ACTIONS_ID_TOKEN_REQUEST_URL;
    const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
    if (!requestUrl || !requestToken)
        throw new NoOidcTokenOffered();
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
    if (!value)
        throw new Error(`${call}: the answer holds no token (no "value" field)`);
    secrets.add(value);
    return value;
}
/** The two forms of the Entra token request for an API: v1 names it as a resource, v2 as a scope. */
function tokenEndpoint(endpoint, resource) {
    return endpoint === 'v1'
        ? { path: 'oauth2/token', audience: { resource } }
        : { path: 'oauth2/v2.0/token', audience: { scope: `${resource}/.default` } };
}
/** A refusal that says "not this form here", as opposed to "not these credentials". */
function endpointNotServed(error) {
    if (!(error instanceof src_errors/* StoreApiError */.qo))
        return false;
    if (error.httpStatus === 404 || error.httpStatus === 405)
        return true;
    return error.httpStatus === 400 && (error.code === 'invalid_resource' || error.code === 'invalid_scope');
}
/** The claims users need to match a federated credential's subject; never the token itself. */
function describeIdTokenClaims(idToken) {
    const payload = idToken.split('.')[1];
    if (!payload)
        return undefined;
    try {
        const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
        const aud = Array.isArray(claims.aud) ? claims.aud.join(',') : claims.aud;
        return `iss=${String(claims.iss)} sub=${String(claims.sub)} aud=${String(aud)}`;
    }
    catch {
        return undefined;
    }
}
/** Parses `expires_in`, which the v1 endpoint sends as a string and the v2 endpoint as a number. */
function lifetimeSeconds(body, nowMs) {
    const expiresIn = Number(body.expires_in);
    if (Number.isFinite(expiresIn) && expiresIn > 0)
        return expiresIn;
    const expiresOn = Number(body.expires_on);
    if (Number.isFinite(expiresOn) && expiresOn * 1000 > nowMs)
        return Math.floor(expiresOn - nowMs / 1000);
    return DEFAULT_LIFETIME_SECONDS;
}
/** Renew when a fifth of the lifetime is left, at most five minutes early. */
function renewalMarginMs(lifetimeSec) {
    return Math.min(5 * 60_000, lifetimeSec * 200);
}
class EntraTokenSource {
    options;
    cached;
    now;
    constructor(options) {
        this.options = options;
        this.now = options.now ?? Date.now;
        secrets.add(options.clientSecret);
    }
    invalidate() {
        this.cached = undefined;
    }
    async token() {
        if (this.cached && this.now() < this.cached.renewAt)
            return this.cached.token;
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
    requestWithSecret(clientSecret) {
        // The MSIX API documents the v1 form (v2 is what Microsoft's own CLI uses); the MSI/EXE API
        // documents only v2.
        const order = this.resource === STORE_RESOURCE ? ['v1', 'v2'] : ['v2', 'v1'];
        return this.requestToken({ client_secret: clientSecret }, order);
    }
    get resource() {
        return this.options.resource ?? STORE_RESOURCE;
    }
    /**
     * Asks the endpoints in order: an authority that does not serve one form (404, 405, or a
     * resource/scope it does not know) gets the other; any other refusal is final.
     */
    async requestToken(credential, order) {
        let firstRefusal;
        for (const endpoint of order) {
            const { path, audience } = tokenEndpoint(endpoint, this.resource);
            try {
                return await this.post(path, {
                    grant_type: 'client_credentials',
                    client_id: this.options.clientId,
                    ...credential,
                    ...audience,
                });
            }
            catch (error) {
                if (!endpointNotServed(error))
                    throw error;
                firstRefusal ??= error;
                this.options.logger.info(`The ${endpoint} token endpoint answered HTTP ${error.httpStatus}; trying the other form`);
            }
        }
        throw firstRefusal;
    }
    async requestWithOidc() {
        const { getIdToken, logger } = this.options;
        if (!getIdToken)
            throw new Error('No client-secret was given and no OIDC token source is available');
        let idToken;
        try {
            idToken = await getIdToken(OIDC_AUDIENCE);
        }
        catch (error) {
            // A time-out or cancel stays one; only a job without a token is a matter of its settings.
            if (error instanceof src_stop/* RunStopped */.NL)
                throw error;
            if (!(error instanceof NoOidcTokenOffered)) {
                throw new Error(`Could not get the workflow's GitHub OIDC token: ${secrets.redact((0,src_errors/* errorMessage */.gJ)(error))}. ` +
                    "The job was offered a token, so its settings are fine: this is the runner's token service failing; run the job again.", { cause: error });
            }
            throw new Error("'client-secret' is empty, so the action signs in with the workflow's OIDC token. " +
                `Could not get the workflow's GitHub OIDC token (${secrets.redact((0,src_errors/* errorMessage */.gJ)(error))}). ` +
                "If you meant to use a client secret, check that the secret exists under that name for this repository (or the job's environment). " +
                "For OIDC, give the job 'permissions: id-token: write'. " +
                'Pull requests from forks never receive an OIDC token; use a client secret there or skip the step.', { cause: error });
        }
        secrets.add(idToken);
        const claims = describeIdTokenClaims(idToken);
        if (claims)
            logger.info(`Signing in with the workflow's OIDC token (${claims})`);
        try {
            return await this.requestToken({ client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: idToken }, ['v2', 'v1']);
        }
        catch (error) {
            if (error instanceof src_errors/* StoreApiError */.qo && claims) {
                throw new Error(`${error.message}. The federated credential of the Entra app must match the token's claims exactly (${claims})`, { cause: error });
            }
            throw error;
        }
    }
    async post(endpoint, form) {
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
        if (result.status < 200 || result.status >= 300)
            throw storeErrorFrom(result, `Sign-in (${call})`);
        // expectJson: an empty body is the only 2xx answer that is not JSON.
        if (!result.text.trim())
            throw new Error(`Sign-in (${call}) answered HTTP ${result.status} without a body`);
        return JSON.parse(result.text);
    }
}

;// CONCATENATED MODULE: ./src/run-context.ts
/**
 * The clients, clock and log one run's commands share, built once from the common inputs: one
 * transport (deadline, proxy, retries, call record) under both Store APIs and the sign-in.
 */






/** The context of one run: its Store clients sign in with `common`'s credentials and stop with `stop`. */
function buildContext(common, record, logger, stop, deadline) {
    const { signal } = stop;
    const transport = new Transport({ logger, signal, onCall: (call) => record.calls.push(call) });
    /** One sign-in per API: the same credentials, the API's own resource. */
    const signIn = (resource) => new EntraTokenSource({
        authorityUrl: common.authorityUrl,
        tenantId: common.tenantId,
        clientId: common.clientId,
        clientSecret: common.clientSecret || undefined,
        // Not `core.getIDToken`: ours goes through the transport, so it has the run's deadline and retries.
        getIdToken: (audience) => requestGitHubIdToken(transport, audience),
        transport,
        logger,
        ...(resource ? { resource } : {}),
    });
    return {
        store: new StoreClient({ apiUrl: common.apiUrl, tokens: signIn(), transport, logger }),
        installerClient: (target) => new InstallerClient({ ...target, tokens: signIn(INSTALLER_API_RESOURCE), transport, logger }),
        transport,
        logger,
        record,
        clock: { now: () => new Date(), sleep: (ms) => pause({ sleep: realSleep, signal }, ms) },
        deadline,
        timeoutMinutes: common.timeoutMinutes,
        signal,
        phase: (title, work) => {
            record.phase = title;
            return logGroup(title, work);
        },
    };
}

;// CONCATENATED MODULE: ./src/main.ts
/**
 * Wires the action's inputs to a command and the run record to outputs, job summary and artifact.
 * One error funnel: whatever fails is reported once, as one `::error::` line, with no secret in it.
 */














/** Sets the outputs and appends the job summary, both from the record; a runner without a summary file gets none. */
async function writeReport(record, logger) {
    try {
        writeOutputs(record);
    }
    catch (error) {
        // An output file the runner gave but that cannot be written fails the step: later steps would miss the outputs.
        reportFailure(new Error(`The step's outputs could not be written: ${(0,src_errors/* errorMessage */.gJ)(error)}`), record);
    }
    try {
        await writeSummary(record);
    }
    catch (error) {
        logger.debug(`No job summary written: ${(0,src_errors/* errorMessage */.gJ)(error)}`);
    }
}
/**
 * Runs the action: reads the inputs, runs the command, then writes outputs, job summary and run
 * record whatever happened. Never throws: a failure is one `::error::` line and exit code 1.
 */
async function run(options = {}) {
    const logger = runLogger(options.logger);
    secrets.onSecret((value) => core/* setSecret */.Pq(value));
    secrets.add(process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
    secrets.add(process.env.ACTIONS_RUNTIME_TOKEN);
    for (const password of proxyCredentials())
        secrets.add(password);
    const record = new RunRecord();
    record.command = core/* getInput */.V4('command') || 'submit';
    let artifactName = core/* getInput */.V4('artifact-name');
    let stop;
    let deadline;
    const cancel = (signalName) => stop?.stop(new src_stop/* RunStopped */.NL('cancelled', signalName));
    process.on('SIGINT', cancel);
    process.on('SIGTERM', cancel);
    try {
        // Mask the secret before anything could print it, even a failing validation.
        secrets.add(core/* getInput */.V4('client-secret'));
        const prepared = await readInputs((name) => core/* getInput */.V4(name));
        record.command = prepared.command;
        artifactName = prepared.common.artifactName;
        deadline = new Date(record.startedAt.getTime() + prepared.common.timeoutMinutes * 60_000);
        stop = (0,src_stop/* runStop */.cg)(deadline, prepared.common.timeoutMinutes);
        await (0,src_stop/* boundedByStop */.pZ)(prepared.run(buildContext(prepared.common, record, logger, stop, deadline)), stop);
        record.succeeded = true;
    }
    catch (error) {
        reportFailure(error, record);
    }
    finally {
        stop?.dispose();
    }
    try {
        record.origin = await runOrigin();
    }
    catch (error) {
        logger.debug(`The workflow run could not be read: ${(0,src_errors/* errorMessage */.gJ)(error)}`);
    }
    await writeReport(record, logger);
    const abandoned = await uploadRecord(record, artifactName, logger, { deadline, signal: stop?.signal });
    process.off('SIGINT', cancel);
    process.off('SIGTERM', cancel);
    // A stopped run may leave work behind that never noticed the stop, and an upload given up may
    // still hold a connection: end now that all is reported.
    if (stop?.signal.aborted)
        process.exit(process.exitCode ?? core/* ExitCode */.yU.Failure);
    if (abandoned)
        process.exit();
}


/***/ }),

/***/ 3583:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   C1: () => (/* binding */ normaliseArchitecture),
/* harmony export */   Zy: () => (/* binding */ compareVersions),
/* harmony export */   hj: () => (/* binding */ publisherHash),
/* harmony export */   hp: () => (/* binding */ isOlderVersion),
/* harmony export */   ot: () => (/* binding */ parseVersion),
/* harmony export */   r1: () => (/* binding */ sameVersion),
/* harmony export */   wJ: () => (/* binding */ deviceFamilyName),
/* harmony export */   z4: () => (/* binding */ familyPublisherHash)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/**
 * Package identity facts that need no package file: the publisher hash of a package family name,
 * and four-part package versions. Light (node:crypto only), so the checks can use them without
 * loading the zip and XML readers.
 *
 * Follows docs/store-api.md "Package identity" (from the MSIX packaging docs, "Package identity overview").
 */

/** Crockford-style base32 alphabet of package family names (no i, l, o, u). */
const HASH_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
/**
 * The 13-character publisher id of a package family name (`Name_<publisherHash>`), from the
 * manifest's `Identity Publisher` string exactly as written, e.g. `CN=Microsoft Corporation, O=...`
 * gives `8wekyb3d8bbwe`.
 *
 * Rule: SHA-256 of the publisher string in UTF-16LE; its first 8 bytes (64 bits) followed by one
 * 0 bit make 65 bits, written as 13 groups of 5 bits (most significant first) in the alphabet
 * `0123456789abcdefghjkmnpqrstvwxyz`. Never throws.
 */
function publisherHash(publisher) {
    const digest = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(Buffer.from(publisher, 'utf16le')).digest();
    // 64 bits shifted left by one: the appended 0 bit.
    const bits = digest.readBigUInt64BE(0) << 1n;
    let hash = '';
    for (let group = 12; group >= 0; group--) {
        hash += HASH_ALPHABET[Number((bits >> BigInt(group * 5)) & 31n)];
    }
    return hash;
}
/** The publisher hash part of a package family name (`Contoso.App_8wekyb3d8bbwe`), lower-cased; undefined without `_`. */
function familyPublisherHash(packageFamilyName) {
    const at = packageFamilyName.lastIndexOf('_');
    if (at < 0 || at === packageFamilyName.length - 1)
        return undefined;
    return packageFamilyName.slice(at + 1).toLowerCase();
}
const VERSION = /^(\d{1,5})\.(\d{1,5})\.(\d{1,5})\.(\d{1,5})$/;
/** Parses `1.2.3.4`; undefined for anything else (fewer parts, a part above 65535, signs, spaces). */
function parseVersion(text) {
    const match = VERSION.exec(text.trim());
    if (!match)
        return undefined;
    const parts = match.slice(1, 5).map(Number);
    if (parts.some((part) => part > 65535))
        return undefined;
    return parts;
}
/** Orders versions numerically part by part: negative when `a` is older than `b`, 0 when equal. */
function compareVersions(a, b) {
    for (let i = 0; i < 4; i++) {
        const difference = (a[i] ?? 0) - (b[i] ?? 0);
        if (difference !== 0)
            return difference;
    }
    return 0;
}
/**
 * Whether two version texts are one version: their four numbers equal (`1.2.0.0` and `01.2.00.0`);
 * text that is no version compares as written, spaces around it aside. Never throws.
 */
function sameVersion(a, b) {
    const [left, right] = [parseVersion(a), parseVersion(b)];
    return left && right ? compareVersions(left, right) === 0 : a.trim() === b.trim();
}
/** Whether the version text `version` is older than `than`; false when either is no four-part version. Never throws. */
function isOlderVersion(version, than) {
    const [left, right] = [parseVersion(version), parseVersion(than)];
    return left !== undefined && right !== undefined && compareVersions(left, right) < 0;
}
/**
 * An architecture name as the checks compare it: lower case (`x64`, `arm64`, `neutral`, ...).
 * Manifests write `x64`, the Store's package entries `x64` or `ARM64`; both mean the same.
 */
function normaliseArchitecture(architecture) {
    return architecture.trim().toLowerCase();
}
/**
 * The device family of a Store `targetDeviceFamilies` entry or a manifest `TargetDeviceFamily
 * Name`, without the minimum OS version: `Windows.Desktop min version 10.0.17763.0` gives
 * `Windows.Desktop`. Compared case-insensitively by the callers.
 */
function deviceFamilyName(entry) {
    return entry.trim().split(/\s+/)[0] ?? '';
}


/***/ }),

/***/ 24493:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ku: () => (/* binding */ packageFormat),
/* harmony export */   MO: () => (/* binding */ packageKey),
/* harmony export */   O8: () => (/* binding */ isReadablePackageName),
/* harmony export */   W7: () => (/* binding */ PACKAGE_EXTENSIONS),
/* harmony export */   ik: () => (/* binding */ READABLE_EXTENSIONS)
/* harmony export */ });
/**
 * Package file names: which file types are packages, which of them the package reader reads, and
 * the one name by which package entries are told apart. Light, so checking a name loads nothing heavy.
 */
/**
 * The package file types, lower case: what the `packages` input takes and what the Store takes in
 * its package arrays (docs/contract.md "Inputs"). `.xap` is there for old Windows Phone apps.
 */
const PACKAGE_EXTENSIONS = [
    '.msixupload',
    '.appxupload',
    '.msix',
    '.msixbundle',
    '.appx',
    '.appxbundle',
    '.xap',
];
/** The package types whose identity readPackage reads: all but `.xap`, which has no AppxManifest.xml. */
const READABLE_EXTENSIONS = PACKAGE_EXTENSIONS.filter((ending) => ending !== '.xap');
/** The format of a package file from its name (ignoring case); undefined for other endings. */
function packageFormat(file) {
    const lower = file.toLowerCase();
    const extension = PACKAGE_EXTENSIONS.find((ending) => lower.endsWith(ending));
    return extension ? extension.slice(1) : undefined;
}
/** Whether readPackage reads this file's identity: a package type other than `.xap` (ignoring case). */
function isReadablePackageName(file) {
    const lower = file.toLowerCase();
    return READABLE_EXTENSIONS.some((ending) => lower.endsWith(ending));
}
/**
 * The name by which a package entry is told apart from the others, for every decision about
 * packages: which entries are this run's, which a new file replaces, which are duplicates, which
 * manifest describes an entry. That is the package's file name, the last segment of its `fileName`
 * ('/' or '\' separating folders), lower-cased: Windows compares file names without regard to case,
 * and the action puts each package at the root of the zip, so a folder the Store's copy carries
 * from an earlier zip does not make it another package (docs/contract.md "Across runs").
 */
function packageKey(fileName) {
    return (fileName.split(/[\\/]/).pop() ?? fileName).toLowerCase();
}


/***/ }),

/***/ 51123:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $J: () => (/* binding */ throwIfStopped),
/* harmony export */   NL: () => (/* binding */ RunStopped),
/* harmony export */   cg: () => (/* binding */ runStop),
/* harmony export */   pZ: () => (/* binding */ boundedByStop)
/* harmony export */ });
/**
 * What bounds a run: `timeout-minutes` and the runner's cancel (SIGINT, then SIGTERM). Both abort
 * one signal that every request, retry pause, status wait and upload block listens to, so a run
 * ends on time wherever it is, and the error funnel can still write the summary and outputs.
 */
/** Why a run stopped before its work was done; the reason of the run's AbortSignal. */
class RunStopped extends Error {
    kind;
    detail;
    lastFailure;
    constructor(kind, 
    /** For a time-out: `timeout-minutes`; for a cancel: the signal's name. */
    detail, 
    /** The call that was still failing when the run stopped, with its last answer (retry.ts `describeStillFailing`). */
    lastFailure) {
        super(kind === 'timeout' ? `timed out ('timeout-minutes: ${detail}')` : `cancelled (${detail})`);
        this.kind = kind;
        this.detail = detail;
        this.lastFailure = lastFailure;
        this.name = 'RunStopped';
    }
}
function runStop(deadline, timeoutMinutes) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new RunStopped('timeout', String(timeoutMinutes))), Math.max(0, deadline.getTime() - Date.now()));
    timer.unref();
    return {
        signal: controller.signal,
        stop: (reason) => {
            if (!controller.signal.aborted)
                controller.abort(reason);
        },
        dispose: () => clearTimeout(timer),
    };
}
/** Throws the stop reason when `signal` is aborted. */
function throwIfStopped(signal) {
    if (signal?.aborted)
        throw signal.reason;
}
/** How long a stopped run's work may take to notice the stop before the run reports and ends anyway. */
const STOP_GRACE_MS = 20_000;
/** Runs the command, or gives up STOP_GRACE_MS after the run was stopped if the command has not noticed. */
function boundedByStop(work, stop) {
    let timer;
    const givenUp = new Promise((_, reject) => {
        const giveUp = () => {
            timer = setTimeout(() => reject(stop.signal.reason), STOP_GRACE_MS);
            timer.unref();
        };
        if (stop.signal.aborted)
            giveUp();
        else
            stop.signal.addEventListener('abort', giveUp, { once: true });
    });
    return Promise.race([work, givenUp]).finally(() => clearTimeout(timer));
}


/***/ })

};

//# sourceMappingURL=539.index.js.map