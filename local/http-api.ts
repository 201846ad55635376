/**
 * API Gateway's part, locally: match the route and turn the HTTP request into a
 * payload format 2.0 event, as the deployed HTTP API does.
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { operations, type OperationName } from '../functions/operations.js';

export type RouteMatch = { kind: 'route'; name: OperationName } | { kind: 'none' };

export function matchRoute(method: string, path: string): RouteMatch {
  for (const [name, route] of Object.entries(operations) as [OperationName, (typeof operations)[OperationName]][]) {
    if (route.method === method && route.path === path) return { kind: 'route', name };
  }
  return { kind: 'none' };
}

const TEXT_TYPES = /^(text\/|application\/(?:[\w.+-]+\+)?(?:json|xml|javascript|x-www-form-urlencoded)\b)/i;

/** HTTP API base64-encodes any body whose content type is not text. */
export function isTextContent(contentType: string | undefined): boolean {
  return contentType !== undefined && TEXT_TYPES.test(contentType);
}

export function buildEvent(
  name: OperationName,
  req: http.IncomingMessage,
  url: URL,
  body: Buffer,
  authorizer: Record<string, unknown>,
  /** API Gateway's id of this request, which its authorizer saw too. */
  requestId: string = randomUUID(),
): Record<string, unknown> {
  const route = operations[name];
  // Built with Object.fromEntries, so that every name the client sent is an own key, `__proto__` included, as in AWS.
  const headers: Record<string, string> = Object.fromEntries(
    Object.entries(req.headersDistinct).flatMap(([key, values]) => (values === undefined ? [] : [[key.toLowerCase(), values.join(',')]])),
  );
  const query: Record<string, string> = Object.fromEntries([...new Set(url.searchParams.keys())].map((key) => [key, url.searchParams.getAll(key).join(',')]));
  const text = isTextContent(headers['content-type']);
  const now = new Date();
  return {
    version: '2.0',
    routeKey: `${route.method} ${route.path}`,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(body.length > 0 ? { body: text ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !text,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: {
        method: req.method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: `${route.method} ${route.path}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      authorizer,
    },
  };
}
