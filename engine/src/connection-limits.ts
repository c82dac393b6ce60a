import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { addressGroup } from './auth/login-rate-limiter.js';

/**
 * Caps open connections, so that one client cannot take every file descriptor (each socket holds one) and stop
 * the engine answering everyone else. Node refuses connections past `server.maxConnections` itself; past the
 * per-address cap this closes a new connection as soon as it is accepted, before it is read. An address is an
 * IPv4 address or an IPv6 /64, as for sign-in limits.
 */
export function limitConnections(server: Server, limits: { total: number; perAddress: number }): void {
  server.maxConnections = limits.total;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    if (address === undefined) return;
    const group = addressGroup(address);
    const count = open.get(group) ?? 0;
    if (count >= limits.perAddress) {
      socket.destroy();
      return;
    }
    open.set(group, count + 1);
    socket.once('close', () => {
      const left = (open.get(group) ?? 1) - 1;
      if (left === 0) open.delete(group);
      else open.set(group, left);
    });
  });
}
