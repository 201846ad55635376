/**
 * The local API's HTTP server: it accepts connections only once it can answer
 * them, it ends a request that arrives too slowly (408), and it closes gracefully
 * (no new connections; the requests in flight get their answers within a grace
 * period; then every connection is closed).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestHandler } from './router.js';

export interface ClientTimeouts {
  /** The request line and every header must have arrived within this (node's server.headersTimeout). */
  headersTimeoutMs: number;
  /** The whole request, body included, must have arrived within this (node's server.requestTimeout). */
  requestTimeoutMs: number;
}

export const DEFAULT_CLIENT_TIMEOUTS: ClientTimeouts = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 };
/** How long the requests in flight at shutdown may take to finish before their connections are closed. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 5_000;

export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(`port ${port} is already in use`);
  }
}

export interface ApiServer {
  url: string;
  /** Stops accepting connections, lets the requests in flight finish for up to `graceMs`, then closes every connection. */
  close(graceMs?: number): Promise<void>;
}

export interface ListenOptions {
  port: number;
  host: string;
  clientTimeouts?: Partial<ClientTimeouts>;
}

/**
 * Listens, and builds the site (its request handler, and whatever else needs
 * the server's own URL, known only once the port is bound, e.g. for port 0)
 * from that URL. `siteFor` runs synchronously in the
 * 'listening' callback, before node can hand any connection to the server, so
 * no connection is ever accepted without a handler to answer it. Everything
 * slow (bundles, containers, keys) must be ready before this is called.
 */
export async function listen<Site extends { handler: RequestHandler }>(siteFor: (url: string) => Site, options: ListenOptions): Promise<ApiServer & { site: Site }> {
  const timeouts = { ...DEFAULT_CLIENT_TIMEOUTS, ...options.clientTimeouts };
  const server = http.createServer({
    headersTimeout: timeouts.headersTimeoutMs,
    requestTimeout: timeouts.requestTimeoutMs,
    // How often node looks for requests past those timeouts (its default is 30 s).
    connectionsCheckingInterval: Math.min(1_000, timeouts.headersTimeoutMs / 2),
  });
  const inFlight = new Set<http.ServerResponse>();
  let closing = false;
  const { url, site } = await new Promise<{ url: string; site: Site }>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new PortInUseError(options.port) : error));
    server.listen(options.port, options.host, () => {
      const own = `http://${options.host}:${(server.address() as AddressInfo).port}`;
      const built = siteFor(own);
      server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
        // While closing, every answer ends its connection.
        if (closing) res.shouldKeepAlive = false;
        inFlight.add(res);
        res.once('close', () => inFlight.delete(res));
        built.handler(req, res);
      });
      resolve({ url: own, site: built });
    });
  });

  return {
    url,
    site,
    close: async (graceMs = DEFAULT_SHUTDOWN_GRACE_MS) => {
      closing = true;
      for (const res of inFlight) if (!res.headersSent) res.shouldKeepAlive = false;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
    },
  };
}
