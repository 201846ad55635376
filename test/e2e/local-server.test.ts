/**
 * The local API's server over real sockets: its port opens only once every
 * request can be answered; no request is held forever (API Gateway's 503 at
 * the integration timeout, 408 for a client that sends too slowly); and stop()
 * lets the requests in flight finish with their real answers.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { Api, outcome, send } from '../support/http.js';

/** A port that was free a moment ago. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Connects and sends `request`; what came back before the socket closed or `waitMs` passed, or null when nothing listens. */
function exchange(port: number, request: string, waitMs: number): Promise<{ text: string; closed: boolean; ms: number } | null> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    let connected = false;
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closed: false, ms: Date.now() - started });
    }, waitMs);
    socket.on('connect', () => {
      connected = true;
      socket.write(request);
    });
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(connected ? { text, closed: true, ms: Date.now() - started } : null);
    });
  });
}

const GET_OPENAPI = 'GET /openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n';

describe('start-up', () => {
  it('accepts no connection before it can answer it: every connection made while npm start is starting is answered', async () => {
    const port = await freePort();
    let ready = false;
    const starting = startLocalStack({ port, quiet: true, functionLogs: false }).finally(() => (ready = true));
    const answers: string[] = [];
    try {
      // Knock until the stack is up, and once more after.
      for (let knocks = 0; knocks < 2_000; knocks += 1) {
        const done = ready;
        const reply = await exchange(port, GET_OPENAPI, 3_000);
        if (reply) answers.push(reply.text.split('\r\n')[0] || '(no answer)');
        if (done) break;
        if (!reply) await new Promise((resolve) => setTimeout(resolve, 5));
      }
    } finally {
      await (await starting).stop();
    }
    expect(answers.length).toBeGreaterThan(0);
    expect(new Set(answers)).toEqual(new Set(['HTTP/1.1 200 OK']));
  });
});

describe('a stack with short limits', () => {
  let stack: LocalStack;
  let api: Api;
  const INTEGRATION_TIMEOUT_MS = 400;

  beforeAll(async () => {
    stack = await startLocalStack({
      port: 0,
      quiet: true,
      functionLogs: false,
      // The function would wait 3 s for the vendor: longer than the integration may take.
      functionEnv: { UPSTREAM_TIMEOUT_MS: '3000' },
      integrationTimeoutMs: INTEGRATION_TIMEOUT_MS,
      clientTimeouts: { headersTimeoutMs: 300, requestTimeoutMs: 600 },
    });
    api = new Api(stack);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it("an integration past its timeout: API Gateway's 503 Service Unavailable, at the timeout", async () => {
    const alice = await api.player('srv_alice1');
    stack.emulator!.inject({ fault: { kind: 'delay', ms: 2_000 }, times: 1 });
    const reply = await alice.list();
    expect({ status: reply.status, body: reply.body }).toEqual({ status: 503, body: { message: 'Service Unavailable' } });
    expect(reply.ms).toBeGreaterThanOrEqual(INTEGRATION_TIMEOUT_MS - 20);
    expect(reply.ms).toBeLessThan(INTEGRATION_TIMEOUT_MS + 1_000);
    // The same route answers again at once.
    expect((await alice.list()).status).toBe(200);
  });

  it('headers that do not arrive in time: 408, and the connection is closed', async () => {
    const port = Number(new URL(stack.url).port);
    const reply = await exchange(port, 'GET /openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\n', 5_000);
    expect(reply).toMatchObject({ closed: true });
    expect(reply?.text).toMatch(/^HTTP\/1\.1 408 /);
    expect(reply?.ms).toBeLessThan(2_000);
  });

  it('a body that does not arrive in time: 408, and the connection is closed; nothing reaches the function', async () => {
    const port = Number(new URL(stack.url).port);
    const token = await api.session('srv_bob001');
    const before = api.upstreamRequests;
    const head = `POST /v1/api/friendship/request HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n{"friendId":`;
    const reply = await exchange(port, head, 5_000);
    expect(reply).toMatchObject({ closed: true });
    expect(reply?.text).toMatch(/^HTTP\/1\.1 408 /);
    expect(reply?.ms).toBeLessThan(2_000);
    expect(api.upstreamRequests).toBe(before);
  });

  it('`__proto__` in a direct invocation: an own key of the payload, which the function refuses (UNKNOWN_FIELD); nothing reaches the vendor', async () => {
    const before = api.upstreamRequests;
    const payload = '{"userId":"prot_alice1","friendId":"prot_bob001","__proto__":{"admin":true}}';
    const reply = await send(stack.url, 'POST', '/2015-03-31/functions/request-friend/invocations', { raw: payload, iam: { service: 'lambda' } });
    expect(reply.body).toMatchObject({ ok: false, error: { status: 400, code: 'UNKNOWN_FIELD', message: expect.stringContaining('__proto__') } });
    expect(api.upstreamRequests).toBe(before);
  });

  it('`__proto__` in the query is an own key of the event, as AWS delivers it: 400 UNKNOWN_FIELD, nothing reaches the vendor', async () => {
    const token = await api.session('srv_carol1');
    const before = api.upstreamRequests;
    const reply = await send(stack.url, 'GET', '/v1/api/friendships?__proto__=x', { token });
    expect(outcome(reply)).toEqual({ status: 400, code: 'UNKNOWN_FIELD' });
    expect(reply.body).toMatchObject({ message: expect.stringContaining('__proto__') });
    expect(api.upstreamRequests).toBe(before);
  });
});

describe('stop()', () => {
  it('takes no new connection, lets a request in flight finish with its real answer, then closes', async () => {
    // Short client timeouts too: they bound how long a request takes to arrive, not how long its answer takes.
    const stack = await startLocalStack({ port: 0, quiet: true, functionLogs: false, shutdownGraceMs: 5_000, clientTimeouts: { headersTimeoutMs: 300, requestTimeoutMs: 600 } });
    const api = new Api(stack);
    const [alice, bob] = await Promise.all([api.player('stop_alice1'), api.player('stop_bob001')]);
    stack.emulator!.inject({ fault: { kind: 'delay', ms: 1_000 }, times: 1 });
    const inFlight = alice.request(bob.id);
    // Stop once the request is with the vendor.
    while (stack.emulator!.attempts === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const stopped = stack.stop();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const port = Number(new URL(stack.url).port);
    expect(await exchange(port, GET_OPENAPI, 1_000)).toBeNull();
    const reply = await inFlight;
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ friendship: { status: 'requested', user_id: alice.id, friend_id: bob.id } });
    await stopped;
  });
});
