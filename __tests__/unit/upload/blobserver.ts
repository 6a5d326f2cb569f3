/**
 * A loopback stand-in for one block blob: Put Block and Put Block List, as the upload sends them,
 * recorded in detail (every attempt, its block ID, length and Content-MD5, how many were open at
 * once). Its answers can be held back or failed per request, to test retries, deadlines and aborts.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';

export interface PutBlockRecord {
  /** The block ID as sent (base64), decoded to text (e.g. `ss-000003`). */
  id: string;
  length: number;
  /** Content-MD5 matched the body. */
  md5Ok: boolean;
  /** What the server did with it. */
  outcome: 'staged' | 'failed' | 'aborted';
}

/** An error answer: its status and storage error code (also in an XML body, as the service words it). */
export interface Refusal {
  status: number;
  code: string;
}

/** What to do with a Put Block request: answer 201, fail with a status, or hold it until released / the client gives up. */
export type Verdict = 'stage' | Refusal | 'hold';

export interface BlobServer {
  /** A SAS-like URL of the blob (with a query, as the Store gives it). */
  url: string;
  puts: PutBlockRecord[];
  /** Every request's method and request target, as they arrived on the wire. */
  requests: string[];
  /** The block list committed last, decoded IDs in order. */
  committed: string[] | undefined;
  /** The blob as committed. */
  content(): Buffer;
  /** Most Put Block requests open at once. */
  peakOpen: number;
  /** Releases every held request (answers 201). */
  release(): void;
  /** Resolves once this many Put Block requests have arrived. */
  arrived(count: number): Promise<void>;
  close(): Promise<void>;
}

const decode = (id: string): string => Buffer.from(id, 'base64').toString('utf8');

export async function startBlobServer(
  verdict: (id: string, attempt: number) => Verdict = () => 'stage',
  /** How Put Block List is answered: committed, or refused. */
  commit: () => 'commit' | Refusal = () => 'commit',
): Promise<BlobServer> {
  const staged = new Map<string, Buffer>();
  const attempts = new Map<string, number>();
  const held: (() => void)[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let open = 0;
  const state: { committed: string[] | undefined; peakOpen: number } = { committed: undefined, peakOpen: 0 };
  const puts: PutBlockRecord[] = [];
  const requests: string[] = [];
  const refuse = (res: http.ServerResponse, refusal: Refusal): void => {
    res.writeHead(refusal.status, { 'x-ms-error-code': refusal.code, 'content-type': 'application/xml' });
    res.end(
      `<?xml version="1.0" encoding="utf-8"?><Error><Code>${refusal.code}</Code><Message>Injected ${refusal.code}\nRequestId:0f1e</Message></Error>`,
    );
  };
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    const comp = url.searchParams.get('comp');
    if (comp === 'block') {
      open++;
      state.peakOpen = Math.max(state.peakOpen, open);
      const id = decode(url.searchParams.get('blockid') ?? '');
      const attempt = (attempts.get(id) ?? 0) + 1;
      attempts.set(id, attempt);
      const record: PutBlockRecord = { id, length: 0, md5Ok: false, outcome: 'aborted' };
      puts.push(record);
      for (const waiter of waiters.filter((w) => puts.length >= w.count)) waiter.resolve();
      let done = false;
      const finish = (): void => {
        if (!done) open--;
        done = true;
      };
      res.on('close', finish);
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        record.length = body.length;
        record.md5Ok = createHash('md5').update(body).digest('base64') === req.headers['content-md5'];
        const answer = (): void => {
          if (res.destroyed) return;
          record.outcome = 'staged';
          staged.set(id, body);
          res.writeHead(201).end();
          finish();
        };
        const v = verdict(id, attempt);
        if (v === 'hold') held.push(answer);
        else if (v === 'stage') answer();
        else {
          record.outcome = 'failed';
          refuse(res, v);
          finish();
        }
      });
      return;
    }
    if (comp === 'blocklist') {
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const answer = commit();
        if (answer !== 'commit') return refuse(res, answer);
        const xml = Buffer.concat(chunks).toString('utf8');
        state.committed = [...xml.matchAll(/<Latest>([^<]*)<\/Latest>/g)].map((m) => decode(m[1] ?? ''));
        res.writeHead(201).end();
      });
      return;
    }
    res.writeHead(400).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/account/ingestion/blob-1?sv=2018-11-09&sr=b&sp=rwl&sig=c2lnbmF0dXJl%2Bc2ln`,
    puts,
    requests,
    get committed() {
      return state.committed;
    },
    get peakOpen() {
      return state.peakOpen;
    },
    content() {
      return Buffer.concat((state.committed ?? []).map((id) => staged.get(id) ?? Buffer.alloc(0)));
    },
    release() {
      for (const answer of held.splice(0)) answer();
    },
    arrived(count) {
      return new Promise((resolve) => {
        if (puts.length >= count) resolve();
        else waiters.push({ count, resolve });
      });
    },
    close() {
      return new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
