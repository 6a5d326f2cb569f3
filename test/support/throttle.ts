/**
 * A TCP proxy on loopback that models an upload link between the action and a server (Azurite):
 * each connection's upstream bytes (client to server) are held to a per-connection rate, all
 * connections together to a total rate, and every byte in either direction arrives half a round
 * trip late. Downstream (answers, downloads) is delayed but not rate-limited: it models an upload
 * link. For benchmarks and tests only.
 *
 * Bounded: it accepts at most `maxConnections` connections at once, each holds at most
 * `bufferBytes` per direction before it stops reading (TCP back-pressure does the rest), and it
 * closes itself, connections included, after `lifetimeMs`. Its listener does not keep the process
 * alive.
 */
import net from 'node:net';

export interface LinkModel {
  /** Upstream bytes per second of one connection; 0 for no per-connection limit. */
  perConnectionBytesPerSecond: number;
  /** Upstream bytes per second of all connections together; 0 for no total limit. */
  totalBytesPerSecond: number;
  /** Round trip time added, in milliseconds (half of it each way). */
  roundTripMs: number;
}

export interface ThrottleOptions {
  /** The server behind the proxy, on loopback. */
  targetPort: number;
  link: LinkModel;
  /** Connections at once (default 128); more are refused. */
  maxConnections?: number;
  /** Bytes queued per direction and connection (in the delay line included) before reading pauses (default 4 MiB). */
  bufferBytes?: number;
  /** The proxy closes itself after this long (default 30 minutes). */
  lifetimeMs?: number;
}

export interface Throttle {
  readonly port: number;
  /** Connections accepted so far and the most open at once; bytes carried upstream. */
  readonly stats: { connections: number; peakOpen: number; upstreamBytes: number; refused: number };
  close(): Promise<void>;
}

const MiB = 1024 * 1024;

/** The bench's slow link (docs/performance.md): 12 MiB/s per connection, 96 MiB/s in all, 40 ms round trip. */
export const SLOW_LINK: LinkModel = {
  perConnectionBytesPerSecond: 12 * MiB,
  totalBytesPerSecond: 96 * MiB,
  roundTripMs: 40,
};

/**
 * Time a bucket may lag behind now and still count as busy: the proxy's own timers fire late on a
 * busy 2-core machine, and the link would otherwise lose that time as if nobody had sent (the
 * ceiling `npm run bench` prints beside the action's figures shows the effect).
 */
const LATE_TIMER_SLACK_MS = 20;

/** A shared clock of when a rate-limited pipe is free again (ms, performance.now). */
class Bucket {
  private freeAt = 0;
  constructor(private readonly bytesPerSecond: number) {}
  /** Books `bytes` on this bucket; returns when they have gone through. */
  book(bytes: number, now: number): number {
    if (this.bytesPerSecond <= 0) return now;
    this.freeAt = Math.max(this.freeAt, now - LATE_TIMER_SLACK_MS) + (bytes / this.bytesPerSecond) * 1000;
    return this.freeAt;
  }
}

/** Reading pauses while the rate limit has more than this much booked ahead (keeps the bucket busy, never idle). */
const BACKLOG_MS = 50;

/**
 * One direction of one connection: each chunk is booked on the rate buckets when it arrives, then
 * written, in order, half a round trip after the buckets let it through. Reading pauses while more
 * than `BACKLOG_MS` is booked ahead or `bufferBytes` are queued.
 */
class Pipe {
  private readonly queue: { chunk: Buffer; due: number }[] = [];
  private queued = 0;
  private sentAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private resumeTimer: NodeJS.Timeout | undefined;
  private ended = false;
  private blocked = false;

  constructor(
    private readonly from: net.Socket,
    private readonly to: net.Socket,
    private readonly buckets: Bucket[],
    private readonly delayMs: number,
    private readonly bufferBytes: number,
    private readonly onBytes: (n: number) => void,
  ) {
    from.on('data', (chunk: Buffer) => this.push(chunk));
    from.on('end', () => {
      this.ended = true;
      this.flush();
    });
    to.on('drain', () => {
      this.blocked = false;
      this.flush();
    });
  }

  private push(chunk: Buffer): void {
    const now = performance.now();
    let sent = now;
    for (const bucket of this.buckets) sent = Math.max(sent, bucket.book(chunk.length, now));
    this.sentAt = sent;
    this.queue.push({ chunk, due: sent + this.delayMs });
    this.queued += chunk.length;
    this.regulate();
    this.flush();
  }

  /** Pauses reading while too much is booked ahead or queued; resumes when that has passed. */
  private regulate(): void {
    if (this.resumeTimer) {
      clearTimeout(this.resumeTimer);
      this.resumeTimer = undefined;
    }
    if (this.from.destroyed) return;
    const ahead = this.sentAt - performance.now() - BACKLOG_MS;
    if (ahead > 0 || this.queued >= this.bufferBytes) {
      this.from.pause();
      // Over the byte bound, flush() calls regulate() again as the queue drains.
      if (ahead > 0) this.resumeTimer = setTimeout(() => this.regulate(), Math.ceil(ahead));
    } else if (this.from.isPaused()) {
      this.from.resume();
    }
  }

  private flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const now = performance.now();
    let wrote = false;
    while (!this.blocked && this.queue.length > 0 && (this.queue[0]?.due ?? 0) <= now) {
      const { chunk } = this.queue.shift() as { chunk: Buffer; due: number };
      this.queued -= chunk.length;
      wrote = true;
      this.onBytes(chunk.length);
      if (this.to.destroyed) return;
      if (!this.to.write(chunk)) this.blocked = true;
    }
    if (wrote && this.from.isPaused() && !this.resumeTimer) this.regulate();
    const head = this.queue[0];
    if (head && !this.blocked) {
      this.timer = setTimeout(() => this.flush(), Math.max(0, head.due - now));
      return;
    }
    if (this.queue.length === 0 && this.ended && !this.to.destroyed) this.to.end();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.resumeTimer) clearTimeout(this.resumeTimer);
    this.queue.length = 0;
  }
}

/** Starts the proxy on 127.0.0.1 (a free port) in front of `127.0.0.1:targetPort`. */
export async function startThrottle(options: ThrottleOptions): Promise<Throttle> {
  const { link } = options;
  const maxConnections = options.maxConnections ?? 128;
  const bufferBytes = options.bufferBytes ?? 4 * MiB;
  const total = new Bucket(link.totalBytesPerSecond);
  const oneWay = link.roundTripMs / 2;
  const open = new Set<net.Socket>();
  const stats = { connections: 0, peakOpen: 0, upstreamBytes: 0, refused: 0 };
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    if (open.size >= maxConnections) {
      stats.refused++;
      client.destroy();
      return;
    }
    stats.connections++;
    const upstream = net.connect({ port: options.targetPort, host: '127.0.0.1', allowHalfOpen: true });
    open.add(client);
    open.add(upstream);
    stats.peakOpen = Math.max(stats.peakOpen, open.size / 2);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const up = new Pipe(
      client,
      upstream,
      [new Bucket(link.perConnectionBytesPerSecond), total],
      oneWay,
      bufferBytes,
      (n) => (stats.upstreamBytes += n),
    );
    const down = new Pipe(upstream, client, [], oneWay, bufferBytes, () => undefined);
    // An error on either side ends both; a clean end travels through its pipe (after the bytes
    // still queued), and each socket leaves the set when it closes.
    const teardown = (): void => {
      up.stop();
      down.stop();
      client.destroy();
      upstream.destroy();
    };
    client.on('error', teardown);
    upstream.on('error', teardown);
    client.on('close', () => open.delete(client));
    upstream.on('close', () => open.delete(upstream));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.unref();
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('throttle: no port');
  const close = (): Promise<void> =>
    new Promise<void>((resolve) => {
      clearTimeout(lifetime);
      for (const socket of open) socket.destroy();
      open.clear();
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });
  const lifetime = setTimeout(() => void close(), options.lifetimeMs ?? 30 * 60_000);
  lifetime.unref();
  return { port: address.port, stats, close };
}
