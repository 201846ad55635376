/**
 * The local API's event builder, from a real request over a socket: every
 * header and query parameter the client sent is an own key of the event, as API
 * Gateway delivers it, `__proto__` included (a prototype key would be dropped,
 * and the functions could not refuse it); repeated ones are joined with commas.
 */
import http from 'node:http';
import net from 'node:net';
import { describe, expect, it } from '@jest/globals';
import { buildEvent } from '../../local/http-api.js';

/** The event for a raw request written to a loopback server. */
async function eventFor(rawRequest: string): Promise<Record<string, unknown>> {
  let server: http.Server | undefined;
  const event = new Promise<Record<string, unknown>>((resolve) => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      resolve(buildEvent('list-friendships', req, url, Buffer.alloc(0), {}, 'req-1'));
      res.end();
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const socket = net.connect((server!.address() as net.AddressInfo).port, '127.0.0.1', () => socket.write(rawRequest));
  socket.on('error', () => undefined);
  try {
    return await event;
  } finally {
    socket.destroy();
    server!.closeAllConnections();
    await new Promise((resolve) => server!.close(resolve));
  }
}

describe('buildEvent', () => {
  it('keeps `__proto__` as an own key of the query and of the headers', async () => {
    const event = await eventFor('GET /v1/api/friendships?__proto__=x&status=accepted HTTP/1.1\r\nHost: 127.0.0.1\r\n__proto__: y\r\nConnection: close\r\n\r\n');
    const query = event.queryStringParameters as Record<string, string>;
    const headers = event.headers as Record<string, string>;
    expect(Object.keys(query)).toEqual(['__proto__', 'status']);
    expect(Object.getOwnPropertyDescriptor(query, '__proto__')?.value).toBe('x');
    expect(Object.keys(headers)).toContain('__proto__');
    expect(Object.getOwnPropertyDescriptor(headers, '__proto__')?.value).toBe('y');
    expect(Object.getPrototypeOf(query)).toBe(Object.prototype);
  });

  it('joins a repeated parameter or header with commas, as API Gateway does', async () => {
    const event = await eventFor('GET /v1/api/friendships?status=a&status=b HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Thing: 1\r\nX-Thing: 2\r\nConnection: close\r\n\r\n');
    expect((event.queryStringParameters as Record<string, string>).status).toBe('a,b');
    expect((event.headers as Record<string, string>)['x-thing']).toBe('1,2');
  });
});
