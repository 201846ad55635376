/**
 * When a failed exchange may be sent again: real sockets against the emulator
 * in this process, so the stale keep-alive race can be staged exactly.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import diagnostics from 'node:diagnostics_channel';
import http from 'node:http';
import net, { type Socket } from 'node:net';
import * as upstreamHttp from '../../functions/core/upstream-http.js';
import { exchange, UpstreamTransportError, type UpstreamExchange } from '../../functions/core/upstream-http.js';
import { rejectionOf } from '../support/rejection.js';
import { NcloudEmulator } from '../../local/ncloud-emulator.js';

const emulator = new NcloudEmulator({ apiKey: 'unit-key-0001', projectId: 'unit-project' });
/** Every client socket this process opens, so a test can watch the pooled one. */
const clientSockets = new Set<Socket>();
const onClientSocket = (message: unknown) => {
  const socket = (message as { socket: Socket }).socket;
  clientSockets.add(socket);
  socket.once('close', () => clientSockets.delete(socket));
};

beforeAll(async () => {
  diagnostics.subscribe('net.client.socket', onClientSocket);
  await emulator.start();
});

afterAll(async () => {
  diagnostics.unsubscribe('net.client.socket', onClientSocket);
  await emulator.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeEach(async () => {
  // Each test starts with an empty pool.
  emulator.inject({ fault: { kind: 'close-idle' } });
  await sleep(30);
  emulator.reset();
});

let counter = 0;
function requestFriend(): UpstreamExchange {
  counter += 1;
  const body = JSON.stringify({ userId: 'alice_01', friendId: `bob_${String(counter).padStart(4, '0')}` });
  return {
    method: 'POST',
    url: new URL(`${emulator.baseUrl}/friendship/request`),
    headers: { 'x-api-key': emulator.apiKey, 'x-project-id': emulator.projectId, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
    body,
    timeoutMs: 2_000,
  };
}

const failure = (pending: Promise<unknown>) => rejectionOf(pending, UpstreamTransportError);

/** The one socket in the pool after a successful exchange. */
async function pooledSocket(): Promise<Socket> {
  expect((await exchange(requestFriend())).statusCode).toBe(200);
  const open = [...clientSockets].filter((socket) => !socket.destroyed);
  expect(open).toHaveLength(1);
  return open[0]!;
}

describe('a failed exchange is safe to send again only if the upstream cannot have read it', () => {
  it('a reset after the server read the whole request is not, even on a pooled socket', async () => {
    await pooledSocket();
    emulator.inject({ fault: { kind: 'reset' }, times: 1 });
    const { attempts, connections } = emulator;
    const error = await failure(exchange(requestFriend()));
    expect({ kind: error.kind, safeToRetry: error.safeToRetry }).toEqual({ kind: 'network', safeToRetry: false });
    expect(emulator.attempts).toBe(attempts + 1);
    expect(emulator.connections).toBe(connections);
  });

  it('a reset on a new connection after the request was sent is not', async () => {
    emulator.inject({ fault: { kind: 'reset' }, times: 1 });
    const error = await failure(exchange(requestFriend()));
    expect(error.safeToRetry).toBe(false);
    expect(emulator.attempts).toBe(1);
  });

  it('a pooled socket the server had already closed when the request got it is', async () => {
    const socket = await pooledSocket();
    const { attempts } = emulator;
    // The stale keep-alive race, made certain: the request takes the pooled
    // socket at the moment its end arrives, before the pool has let go of it.
    const outcome = new Promise<UpstreamTransportError>((resolve, reject) => {
      socket.once('end', () => failure(exchange(requestFriend())).then(resolve, reject));
    });
    emulator.inject({ fault: { kind: 'close-idle' } });
    const error = await outcome;
    expect({ kind: error.kind, safeToRetry: error.safeToRetry }).toEqual({ kind: 'network', safeToRetry: true });
    expect(emulator.attempts).toBe(attempts);
    // And the next exchange finds a working connection.
    expect((await exchange(requestFriend())).statusCode).toBe(200);
  });

  it('a refused connection is', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as net.AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failure(exchange({ ...requestFriend(), url: new URL(`http://127.0.0.1:${port}/v1/api/friendship/request`) }));
    expect({ errorCode: error.errorCode, safeToRetry: error.safeToRetry }).toEqual({ errorCode: 'ECONNREFUSED', safeToRetry: true });
  });
});

describe('the keep-alive pool', () => {
  it('lets go of an idle socket well before a server would close it', async () => {
    // A server that keeps idle connections for a minute (a cloud load balancer's usual) and says so in Keep-Alive.
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => res.end('[]'));
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      const reply = await exchange({ method: 'GET', url: new URL(`http://127.0.0.1:${port}/v1/api/friendships`), headers: {}, body: undefined, timeoutMs: 2_000 });
      expect(reply.statusCode).toBe(200);
      const pooled = [...clientSockets].filter((socket) => !socket.destroyed && socket.remotePort === port);
      expect(pooled).toHaveLength(1);
      expect(upstreamHttp.FREE_SOCKET_TIMEOUT_MS).toBeLessThanOrEqual(30_000);
      expect(pooled[0]!.timeout).toBe(upstreamHttp.FREE_SOCKET_TIMEOUT_MS);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
