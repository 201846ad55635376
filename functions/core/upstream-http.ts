/**
 * One HTTP exchange with the upstream over a keep-alive connection pool that
 * lives as long as the container. node:http rather than fetch: it tells whether a
 * failed request went out on a reused socket and whether it was written at all
 * (what decides if a changing call may be sent again), and it does not load
 * undici on the cold path.
 */
import http from 'node:http';
import https from 'node:https';

export interface UpstreamExchange {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string | undefined;
  timeoutMs: number;
}

export interface UpstreamReply {
  statusCode: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/**
 * Why no reply came. `safeToRetry`: the upstream cannot have read the request,
 * so even a changing call may be sent again (see `neverSent`).
 */
export class UpstreamTransportError extends Error {
  constructor(
    readonly kind: 'timeout' | 'network',
    readonly safeToRetry: boolean,
    readonly errorCode: string | undefined,
  ) {
    super(kind === 'timeout' ? 'upstream deadline passed' : `upstream connection failed (${errorCode ?? 'unknown'})`);
    this.name = 'UpstreamTransportError';
  }
}

const MAX_REPLY_BYTES = 4 * 1024 * 1024;
/**
 * A pooled socket idle this long is closed by us. Servers and load balancers
 * close idle keep-alive connections after their own timeout (commonly 60 s on a
 * cloud load balancer, 5 s on a bare Node server); a request that meets the
 * server's close on the wire is the one failure we can neither retry safely nor
 * tell from a real one, so we let go first. (Node's agent shortens this further
 * when the server announces `Keep-Alive: timeout=N`.) A warm container that is
 * busy keeps its connection; one idle longer starts with a fresh one.
 */
export const FREE_SOCKET_TIMEOUT_MS = 15_000;
const agentOptions = { keepAlive: true, maxSockets: 64, timeout: FREE_SOCKET_TIMEOUT_MS };
const agents = {
  'http:': new http.Agent(agentOptions),
  'https:': new https.Agent(agentOptions),
};

/** What we know, when a request fails, about whether the upstream can have read it. */
export interface FailedSend {
  code: string | undefined;
  /** The socket came from the keep-alive pool. */
  reusedSocket: boolean;
  /** The pooled socket was already closed or half-closed by the server when it was handed to this request. */
  deadOnArrival: boolean;
  /** The request's 'finish': the whole request was handed to the OS, so the server may have read it. */
  handedOff: boolean;
}

/**
 * True only when the upstream cannot have read the request: the connection was
 * refused, or a pooled socket failed before the request was written (it was
 * already closed when we got it, or the error came before the whole request was
 * handed to the OS). A reset after that may follow a request the vendor has
 * already carried out, so it is not "never sent", on a pooled socket or not.
 */
export function neverSent(failure: FailedSend): boolean {
  if (failure.code === 'ECONNREFUSED') return true;
  return failure.reusedSocket && (failure.deadOnArrival || !failure.handedOff);
}

export function exchange(request: UpstreamExchange): Promise<UpstreamReply> {
  const transport = request.url.protocol === 'https:' ? https : http;
  const agent = request.url.protocol === 'https:' ? agents['https:'] : agents['http:'];
  return new Promise((resolve, reject) => {
    let responded = false;
    let settled = false;
    const fail = (error: UpstreamTransportError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(error);
    };
    const req = transport.request(request.url, { method: request.method, headers: request.headers, agent }, (res) => {
      responded = true;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_REPLY_BYTES) {
          req.destroy();
          fail(new UpstreamTransportError('network', false, 'REPLY_TOO_LARGE'));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', () => fail(new UpstreamTransportError('network', false, 'RESPONSE_ABORTED')));
    });
    const timer = setTimeout(() => {
      fail(new UpstreamTransportError('timeout', false, 'ETIMEDOUT'));
      req.destroy();
    }, request.timeoutMs);
    // Emitted before the request is written to the socket, so this sees the socket as we got it.
    let deadOnArrival = false;
    req.on('socket', (socket) => {
      deadOnArrival = socket.destroyed || socket.readableEnded || socket.writableEnded;
    });
    let handedOff = false;
    req.on('finish', () => {
      handedOff = true;
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      const code = error.code;
      const safeToRetry = !responded && neverSent({ code, reusedSocket: req.reusedSocket, deadOnArrival, handedOff });
      fail(new UpstreamTransportError('network', safeToRetry, code));
    });
    req.end(request.body);
  });
}
