/**
 * The upstream client: vendor headers, the deadline on every call, the retry
 * policy, and the one re-read of a rotated key.
 *
 * Retry policy:
 * - reads (the list) retry once on a network error or a 5xx;
 * - changing calls retry once only when the vendor cannot have read the
 *   request: the connection was refused, or a pooled keep-alive socket failed
 *   before the request was written (`neverSent` in upstream-http.ts). A reset
 *   after the request was written is 502, never a second send: the vendor may
 *   already have carried it out;
 * - a rejected key (HTTP 401/403, or status -2 to -5) re-reads the secret once
 *   and retries once, whatever the call: the vendor did nothing with it.
 * Every attempt takes its time from the invocation's remaining budget.
 */
import type { Deadline } from './deadline.js';
import { FriendshipFault } from './errors.js';
import { logger } from './logger.js';
import type { SecretCache, UpstreamCredentials } from './secret.js';
import { exchange, UpstreamTransportError, type UpstreamReply } from './upstream-http.js';
import { judgeReply } from './upstream-reply.js';

export interface UpstreamCall {
  method: 'GET' | 'POST' | 'DELETE';
  /** After the base URL, e.g. `/friendship/request`. */
  path: string;
  query?: Record<string, string>;
  body?: unknown;
}

/** Below this there is no point starting an attempt. */
const MIN_ATTEMPT_MS = 50;

export class UpstreamClient {
  constructor(
    private readonly options: { baseUrl: string; timeoutMs: number },
    private readonly secrets: SecretCache,
  ) {}

  async send(call: UpstreamCall, deadline: Deadline, requestId: string): Promise<unknown> {
    let credentials = await this.secrets.get(deadline);
    let verdict = await this.attempt(call, credentials, deadline, requestId);
    if (verdict.kind === 'key-rejected') {
      logger.warn('upstream rejected the key; re-reading the secret');
      credentials = await this.secrets.refresh(deadline, credentials);
      verdict = await this.attempt(call, credentials, deadline, requestId);
    }
    if (verdict.kind === 'key-rejected') {
      throw new FriendshipFault('UPSTREAM_AUTH', 'The friendship service rejected our credentials.');
    }
    if (verdict.kind === 'failed') throw verdict.fault;
    return verdict.body;
  }

  private async attempt(call: UpstreamCall, credentials: UpstreamCredentials, deadline: Deadline, requestId: string) {
    const idempotent = call.method === 'GET';
    for (let attempt = 1; ; attempt += 1) {
      const last = attempt === 2;
      const timeoutMs = deadline.budget(this.options.timeoutMs);
      if (timeoutMs < MIN_ATTEMPT_MS) {
        throw new FriendshipFault('UPSTREAM_TIMEOUT', 'The friendship service did not answer in time.');
      }
      let reply: UpstreamReply;
      try {
        reply = await exchange({ method: call.method, url: this.url(call), ...this.payload(call, credentials, requestId), timeoutMs });
      } catch (error) {
        if (!(error instanceof UpstreamTransportError)) throw error;
        if (!last && (error.safeToRetry || (idempotent && error.kind === 'network'))) {
          logger.warn('upstream attempt failed; retrying', { errorCode: error.errorCode });
          continue;
        }
        throw error.kind === 'timeout'
          ? new FriendshipFault('UPSTREAM_TIMEOUT', 'The friendship service did not answer in time.')
          : new FriendshipFault('UPSTREAM_ERROR', 'The friendship service could not be reached.');
      }
      const verdict = judgeReply(reply, [credentials.apiKey]);
      if (verdict.kind === 'failed' && verdict.retryable && idempotent && !last) {
        logger.warn('upstream failed; retrying', { upstreamStatus: reply.statusCode });
        continue;
      }
      if (verdict.kind === 'failed') logger.warn('upstream failed', { upstreamStatus: reply.statusCode, code: verdict.fault.code });
      return verdict;
    }
  }

  private url(call: UpstreamCall): URL {
    const url = new URL(this.options.baseUrl + call.path);
    for (const [name, value] of Object.entries(call.query ?? {})) url.searchParams.set(name, value);
    return url;
  }

  /**
   * The vendor's headers and the JSON body. The vendor's contract has every call
   * send `content-type: application/json`, the bodiless list included. The length
   * goes only with a body, and explicitly: Node frames no DELETE body without it.
   */
  private payload(call: UpstreamCall, credentials: UpstreamCredentials, requestId: string) {
    const headers: Record<string, string> = {
      'x-api-key': credentials.apiKey,
      'x-project-id': credentials.projectId,
      'content-type': 'application/json',
      accept: 'application/json',
      'x-request-id': requestId,
    };
    if (call.body === undefined) return { headers, body: undefined };
    const body = JSON.stringify(call.body);
    headers['content-length'] = String(Buffer.byteLength(body));
    return { headers, body };
  }
}
