import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** How many connections the hub keeps open: per remote address and in all. */
export interface ConnectionLimits {
  perClient: number;
  total: number;
}

/**
 * Caps open connections per remote address and in all. A connection with no request in flight
 * (just opened, sending headers slowly, or kept alive) is idle; when a client is at its cap, its
 * longest-idle connection is closed to make room, so a client that opens hundreds of idle sockets
 * holds at most `perClient` and never locks out a request, not even its own next one. When every
 * connection at the cap is busy (bodies being uploaded), the new one is closed at once.
 */
export class ConnectionGuard {
  /** Open sockets and the remote address each counts against. */
  private readonly clients = new Map<Socket, string>();
  private readonly perClient = new Map<string, number>();
  /** Idle sockets, longest idle first (a socket going idle again moves to the end). */
  private readonly idle = new Set<Socket>();
  private readonly inFlight = new WeakMap<Socket, number>();
  /** Connections closed at once because their client (or the hub) was full of busy ones. */
  refused = 0;

  constructor(private readonly limits: ConnectionLimits) {}

  /** Watches a server's connections and requests. */
  attach(server: Server): void {
    server.on('connection', (socket: Socket) => this.admit(socket));
    server.on('request', (req, res) => {
      const socket = req.socket;
      this.inFlight.set(socket, (this.inFlight.get(socket) ?? 0) + 1);
      this.idle.delete(socket);
      res.once('close', () => {
        const left = (this.inFlight.get(socket) ?? 1) - 1;
        this.inFlight.set(socket, left);
        if (left === 0 && this.clients.has(socket)) this.idle.add(socket);
      });
    });
  }

  /** Open connections, in all or of one remote address. */
  count(client?: string): number {
    return client === undefined ? this.clients.size : (this.perClient.get(client) ?? 0);
  }

  private admit(socket: Socket): void {
    const client = socket.remoteAddress ?? 'unknown';
    const roomForClient = this.count(client) < this.limits.perClient || this.evict((s) => this.clients.get(s) === client);
    if (!roomForClient || (this.clients.size >= this.limits.total && !this.evict(() => true))) {
      this.refused++;
      socket.destroy();
      return;
    }
    this.clients.set(socket, client);
    this.perClient.set(client, this.count(client) + 1);
    this.idle.add(socket);
    socket.once('close', () => this.release(socket));
  }

  /** Closes the longest-idle socket that `which` selects; false when there is none. */
  private evict(which: (s: Socket) => boolean): boolean {
    for (const s of this.idle) {
      if (!which(s)) continue;
      // Released now, not on its 'close' a tick later, so the caller sees the room at once.
      this.release(s);
      s.destroy();
      return true;
    }
    return false;
  }

  private release(socket: Socket): void {
    const client = this.clients.get(socket);
    if (client === undefined) return;
    this.clients.delete(socket);
    this.idle.delete(socket);
    const left = this.count(client) - 1;
    if (left > 0) this.perClient.set(client, left);
    else this.perClient.delete(client);
  }
}
