/**
 * The local router in-process, with its parts injected: what it answers itself
 * (API Gateway's 404, 413 and 500; CORS preflights) and which part gets the rest.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { corsPolicyOf } from '../../lib/cors.js';
import { LocalCors } from '../../local/cors.js';
import { sendJson } from '../../local/http-io.js';
import { MAX_REQUEST_BYTES, localRouter } from '../../local/router.js';
import { send } from '../support/http.js';

const GAME = 'http://game.test';
const calls: string[] = [];
const logged: string[] = [];
let failNext = false;
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  server.on(
    'request',
    localRouter({
      gateway: {
        serve: async (name, { body }, res) => {
          if (failNext) throw new Error('the container went away');
          calls.push(`gateway ${name} ${body.length}`);
          sendJson(res, 200, { route: name });
          return { by: name, status: 200 };
        },
      },
      lambda: {
        invoke: async ({ url }, res) => {
          calls.push(`lambda ${url.pathname}`);
          sendJson(res, 200, {});
          return { by: 'lambda', status: 200 };
        },
      },
      endpoints: new Map([['GET /local/thing', (_request, res) => (sendJson(res, 200, { thing: true }), { by: 'thing', status: 200 })]]),
      cors: new LocalCors(corsPolicyOf({ allowOrigins: [GAME], maxAgeSeconds: 60 })),
      baseUrl: base,
      log: (line) => logged.push(line),
      quiet: true,
    }),
  );
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  calls.length = 0;
  logged.length = 0;
  failNext = false;
});

describe('the local router', () => {
  it('sends a route to the gateway, with its body', async () => {
    const reply = await send(base, 'POST', '/v1/api/friendship/request', { json: { friendId: 'x' } });
    expect(reply.body).toEqual({ route: 'request-friend' });
    expect(calls).toEqual(['gateway request-friend 16']);
  });

  it('answers an unknown route itself: 404 Not Found', async () => {
    const reply = await send(base, 'GET', '/v1/api/nothing-here');
    expect({ status: reply.status, body: reply.body }).toEqual({ status: 404, body: { message: 'Not Found' } });
    expect(calls).toEqual([]);
  });

  it('a body over API Gateway’s 10 MB: 413 Request Entity Too Large, and no part sees it', async () => {
    const reply = await send(base, 'POST', '/v1/api/friendship/bulk', { raw: Buffer.alloc(MAX_REQUEST_BYTES + 1, 0x20) });
    expect({ status: reply.status, body: reply.body }).toEqual({ status: 413, body: { message: 'Request Entity Too Large' } });
    expect(calls).toEqual([]);
  });

  it('a local-only endpoint and the Invoke API go to their parts', async () => {
    expect((await send(base, 'GET', '/local/thing')).body).toEqual({ thing: true });
    await send(base, 'POST', '/2015-03-31/functions/x/invocations', { raw: '{}' });
    expect(calls).toEqual(['lambda /2015-03-31/functions/x/invocations']);
  });

  it('a preflight is answered before any part, and the gateway sees none', async () => {
    const reply = await send(base, 'OPTIONS', '/v1/api/friendship/request', { headers: { origin: GAME, 'access-control-request-method': 'POST' } });
    expect(reply.status).toBe(204);
    expect(reply.headers['access-control-allow-origin']).toBe(GAME);
    expect(calls).toEqual([]);
  });

  it('a part that fails: 500 Internal Server Error, and one log line even when quiet', async () => {
    failNext = true;
    const reply = await send(base, 'GET', '/v1/api/friendships');
    expect({ status: reply.status, body: reply.body }).toEqual({ status: 500, body: { message: 'Internal Server Error' } });
    expect(logged).toEqual(['GET /v1/api/friendships failed: the container went away']);
  });
});
