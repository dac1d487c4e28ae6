import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** How many connections the hub keeps open. */
export interface ConnectionLimits {
  /** Connections one remote address may have served at once (idle or with a request in flight). */
  perClient: number;
  /** Connections in all, waiting ones included. */
  total: number;
  /** How long a connection may sit without a request before another of its client's may take its slot. */
  graceMs?: number;
}

interface Client {
  /** Served sockets: undefined while a request is in flight, else when the socket last went idle. */
  served: Map<Socket, number | undefined>;
  /** Sockets past the cap, paused and unread, oldest first. */
  waiting: Set<Socket>;
}

const last = <T>(set: Set<T>): T | undefined => [...set].pop();

/**
 * Caps the connections served per remote address. Past the cap a new connection waits, paused and
 * unread (publishers behind one NAT upload at once): a slot frees when a request ends, a socket
 * closes, or a socket has sat idle (just opened, kept alive, slow with its headers) for `graceMs`,
 * which is then closed. Waiting sockets are served newest first and at most 4 x `perClient` of them
 * are kept (the oldest goes), so a client holding hundreds of idle sockets never locks out a request,
 * not even its own next one. A waiting socket not served within the headers timeout gets a 408.
 */
export class ConnectionGuard {
  private readonly clients = new Map<string, Client>();
  private readonly owner = new Map<Socket, Client>();
  private readonly inFlight = new WeakMap<Socket, number>();
  private sweeper: NodeJS.Timeout | undefined;
  private readonly graceMs: number;

  constructor(private readonly limits: ConnectionLimits) {
    this.graceMs = limits.graceMs ?? 500;
  }

  /** Watches a server's connections and requests; call before it listens. */
  attach(server: Server): void {
    // Sockets start paused, so a waiting one is never read; served ones are resumed. (Pausing in a
    // 'connection' listener does not hold: the HTTP server resumes the socket on the next tick.)
    (server as Server & { pauseOnConnect: boolean }).pauseOnConnect = true;
    server.on('connection', (socket: Socket) => this.admit(socket));
    server.on('request', (req, res) => {
      const socket = req.socket;
      const c = this.owner.get(socket);
      this.inFlight.set(socket, (this.inFlight.get(socket) ?? 0) + 1);
      if (c?.served.has(socket)) c.served.set(socket, undefined);
      res.once('close', () => {
        const left = (this.inFlight.get(socket) ?? 1) - 1;
        this.inFlight.set(socket, left);
        if (left > 0 || !c?.served.has(socket)) return;
        if (c.waiting.size > 0) {
          // Its client has connections waiting for this slot: hand it over (the answer is already flushed).
          this.release(socket);
          socket.end();
        } else {
          c.served.delete(socket);
          c.served.set(socket, Date.now());
        }
      });
    });
    server.once('close', () => clearInterval(this.sweeper));
  }

  /** Open connections (waiting ones included), in all or of one remote address. */
  count(address?: string): number {
    if (address === undefined) return this.owner.size;
    const c = this.clients.get(address);
    return c ? c.served.size + c.waiting.size : 0;
  }

  private admit(socket: Socket): void {
    const address = socket.remoteAddress ?? 'unknown';
    const c = this.clients.get(address) ?? { served: new Map<Socket, number | undefined>(), waiting: new Set<Socket>() };
    const wait = c.served.size >= this.limits.perClient && !this.evictIdle(c);
    if (wait && c.waiting.size >= this.limits.perClient * 4) this.evict([...c.waiting][0]!);
    if (this.owner.size >= this.limits.total && !this.evictFromBiggest()) return void socket.destroy();
    this.clients.set(address, c);
    this.owner.set(socket, c);
    socket.once('close', () => {
      this.release(socket);
      if (c.served.size + c.waiting.size === 0 && this.clients.get(address) === c) this.clients.delete(address);
    });
    if (!wait) return this.serve(c, socket);
    c.waiting.add(socket);
    this.sweeper ??= setInterval(() => this.sweep(), Math.max(50, this.graceMs / 2)).unref();
  }

  private serve(c: Client, socket: Socket): void {
    c.waiting.delete(socket);
    c.served.set(socket, Date.now());
    socket.resume();
  }

  /** Closes `c`'s longest-idle socket if it has been idle past the grace time. */
  private evictIdle(c: Client): boolean {
    const since = Date.now() - this.graceMs;
    for (const [s, idleSince] of c.served) {
      if (idleSince !== undefined && idleSince <= since) return this.evict(s);
    }
    return false;
  }

  /** Past the total: the biggest client gives up its oldest waiting socket, else an idle one. */
  private evictFromBiggest(): boolean {
    const size = (c: Client) => c.served.size + c.waiting.size;
    const biggest = [...this.clients.values()].sort((a, b) => size(b) - size(a));
    return biggest.some((c) => (c.waiting.size > 0 ? this.evict([...c.waiting][0]!) : this.evictIdle(c)));
  }

  private evict(socket: Socket): true {
    // Released now, not on its 'close' a tick later, so the caller sees the room at once.
    this.release(socket);
    socket.destroy();
    return true;
  }

  /** Gives waiting sockets the slots of sockets idle past the grace time. */
  private sweep(): void {
    let waiting = 0;
    for (const c of this.clients.values()) {
      let freed = true;
      while (c.waiting.size > 0 && freed) freed = this.evictIdle(c);
      waiting += c.waiting.size;
    }
    if (waiting === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  /** Forgets a socket and lets the newest waiting sockets of its client into the freed slots. */
  private release(socket: Socket): void {
    const c = this.owner.get(socket);
    if (!c) return;
    this.owner.delete(socket);
    c.served.delete(socket);
    c.waiting.delete(socket);
    while (c.waiting.size > 0 && c.served.size < this.limits.perClient) this.serve(c, last(c.waiting)!);
  }
}
