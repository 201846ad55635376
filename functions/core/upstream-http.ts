/**
 * One HTTP exchange with the upstream over a keep-alive connection pool that
 * lives as long as the container. node:http rather than fetch: it tells whether a
 * failed request went out on a reused socket (the one case where retrying a
 * changing call is safe), and it does not load undici on the cold path.
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

/** Why no reply came. `safeToRetry`: the request cannot have reached the upstream's logic. */
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
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

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
    req.on('error', (error: NodeJS.ErrnoException) => {
      const code = error.code;
      // Nothing reached the server: no connection at all, or a pooled socket the server had already closed.
      const safeToRetry =
        code === 'ECONNREFUSED' || (req.reusedSocket && !responded && (code === 'ECONNRESET' || code === 'EPIPE'));
      fail(new UpstreamTransportError('network', safeToRetry, code));
    });
    req.end(request.body);
  });
}
