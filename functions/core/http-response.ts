/** HTTP API results: JSON bodies, the error envelope, and the headers that go with them. */
import type { ErrorEnvelope, FriendshipFault } from './errors.js';
import type { HttpApiResult } from './event.js';

export function jsonResult(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpApiResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

function envelopeOf(fault: FriendshipFault, requestId: string): ErrorEnvelope {
  return { status: -1, code: fault.code, message: fault.message, requestId };
}

export function errorResult(fault: FriendshipFault, requestId: string, headers: Record<string, string> = {}): HttpApiResult {
  const extra: Record<string, string> = { 'x-request-id': requestId, ...headers };
  if (fault.retryAfter !== undefined) extra['retry-after'] = fault.retryAfter;
  return jsonResult(fault.httpStatus, envelopeOf(fault, requestId), extra);
}
