/**
 * The local API's router: one port serves the HTTP API's routes (through
 * ApiGateway), the Lambda Invoke API, and the local-only endpoints, with
 * API Gateway's CORS and payload limit in front of everything but the Invoke API.
 */
import type http from 'node:http';
import type { ApiGateway } from './api-gateway.js';
import type { LocalCors } from './cors.js';
import { readBody, sendJson, type Served } from './http-io.js';
import { matchRoute } from './http-api.js';
import { isInvokePath, isInvokeRequest, type LambdaInvokeEndpoint } from './lambda-endpoint.js';
import type { LocalEndpoint } from './local-endpoints.js';

/** API Gateway's payload limit: 10 MB. */
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

export interface LocalRouterParts {
  gateway: Pick<ApiGateway, 'serve'>;
  lambda: Pick<LambdaInvokeEndpoint, 'invoke'>;
  /** Each under its `METHOD /path`. */
  endpoints: ReadonlyMap<string, LocalEndpoint>;
  cors: LocalCors;
  /** The server's own URL, against which request targets are read. */
  baseUrl: string;
  log: (line: string) => void;
  /** No line per request; a request that fails is still logged. */
  quiet?: boolean;
}

export type RequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export function localRouter({ gateway, lambda, endpoints, cors, baseUrl, log, quiet }: LocalRouterParts): RequestHandler {
  async function route(req: http.IncomingMessage, res: http.ServerResponse, method: string, url: URL): Promise<Served> {
    const browserApi = !isInvokePath(url.pathname);
    if (browserApi && cors.isPreflight(req)) {
      cors.answerPreflight(req, res);
      return { by: 'cors preflight', status: 204 };
    }
    if (browserApi) cors.decorate(req, res);
    const body = await readBody(req, MAX_REQUEST_BYTES);
    if (body === undefined) {
      sendJson(res, 413, { message: 'Request Entity Too Large' });
      return { by: '-', status: 413 };
    }
    const request = { req, method, url, body };
    if (isInvokeRequest(method, url.pathname)) return lambda.invoke(request, res);
    const endpoint = endpoints.get(`${method} ${url.pathname}`);
    if (endpoint) return endpoint(request, res);
    const match = matchRoute(method, url.pathname);
    if (match.kind === 'none') {
      sendJson(res, 404, { message: 'Not Found' });
      return { by: '-', status: 404 };
    }
    return gateway.serve(match.name, request, res);
  }

  return (req, res) => {
    const started = Date.now();
    const method = req.method ?? 'GET';
    let url: URL;
    try {
      url = new URL(req.url ?? '/', baseUrl);
    } catch {
      sendJson(res, 400, { message: 'Bad Request' });
      return;
    }
    route(req, res, method, url)
      .then(({ by, status }) => {
        if (!quiet) log(`${method} ${url.pathname} → ${by} ${status} ${Date.now() - started} ms`);
      })
      .catch((error: unknown) => {
        // The client went away mid-request, or sent too slowly and node answered 408: no failure of ours, and nobody to answer.
        if ((error as NodeJS.ErrnoException).code === 'ECONNRESET' && req.socket.destroyed) {
          if (!quiet) log(`${method} ${url.pathname} → - the request did not arrive in full`);
          return;
        }
        log(`${method} ${url.pathname} failed: ${error instanceof Error ? error.message : String(error)}`);
        if (!res.headersSent) sendJson(res, 500, { message: 'Internal Server Error' });
      });
  };
}
