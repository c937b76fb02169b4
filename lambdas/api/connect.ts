import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** The methods the API answers (a CONNECT tunnel is never one of them). */
export const API_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE';

/**
 * Node hands CONNECT to a `connect` listener and, without one, closes the socket with no reply.
 * The API tunnels nothing: answer 405 with `Allow` in the error shape, then close.
 */
export function refuseConnect(server: Server): void {
  server.on('connect', (_req, socket: Duplex) => {
    const body = JSON.stringify({
      error: { code: 'MethodNotAllowed', message: `method CONNECT not allowed (allowed: ${API_METHODS})` },
    });
    socket.end(
      `HTTP/1.1 405 Method Not Allowed\r\nAllow: ${API_METHODS}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
