/**
 * What API Gateway does with a request for one of the API's routes: the route's
 * authorizer, then the Lambda integration (payload format 2.0) within the
 * integration timeout, then the function's answer as the HTTP answer. Its own
 * answers are API Gateway's `{"message": ...}`, not the API's envelope.
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { operations, type OperationName } from '../functions/operations.js';
import { API_INTEGRATION_LIMIT_MS } from '../lib/timeouts.js';
import { authorizeRoute, type RouteAuthorizers } from './authorizers.js';
import type { InvokeOutcome } from './function-container.js';
import type { FunctionPool } from './function-pool.js';
import { buildEvent } from './http-api.js';
import { sendJson, type ReceivedRequest, type Served } from './http-io.js';

export interface ApiGatewayOptions {
  pool: FunctionPool;
  authorizers: RouteAuthorizers;
  /** After this, API Gateway answers 503 and drops the function's answer; 30 s, as in AWS. */
  integrationTimeoutMs?: number;
  /** Drops headers of the function's answer that API Gateway replaces (its CORS headers, when CORS is on). */
  integrationHeaders?: (headers: Record<string, string>) => Record<string, string>;
}

interface FunctionAnswer {
  statusCode: number;
  headers?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
}

const TIMED_OUT = Symbol('integration timed out');

function within(outcome: Promise<InvokeOutcome>, ms: number): Promise<InvokeOutcome | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  return Promise.race([outcome, timeout]).finally(() => clearTimeout(timer));
}

export class ApiGateway {
  private readonly integrationTimeoutMs: number;

  constructor(private readonly options: ApiGatewayOptions) {
    this.integrationTimeoutMs = options.integrationTimeoutMs ?? API_INTEGRATION_LIMIT_MS;
  }

  async serve(name: OperationName, request: ReceivedRequest, res: http.ServerResponse): Promise<Served> {
    const requestId = randomUUID();
    const verdict = await authorizeRoute(operations[name].access, request, this.options.authorizers, requestId);
    if (!verdict.ok) {
      sendJson(res, verdict.refusal.statusCode, verdict.refusal.body, verdict.refusal.headers);
      return { by: `${name} (authorizer)`, status: verdict.refusal.statusCode };
    }
    const container = await this.options.pool.get(name);
    const outcome = await within(container.invoke(buildEvent(name, request.req, request.url, request.body, verdict.authorizer, requestId)), this.integrationTimeoutMs);
    if (outcome === TIMED_OUT) {
      sendJson(res, 503, { message: 'Service Unavailable' });
      return { by: `${name} (integration timeout)`, status: 503 };
    }
    if (outcome.functionError) {
      sendJson(res, 500, { message: 'Internal Server Error' });
      return { by: name, status: 500 };
    }
    const answer = outcome.payload as FunctionAnswer;
    const headers = answer.headers ?? {};
    res.writeHead(answer.statusCode, this.options.integrationHeaders ? this.options.integrationHeaders(headers) : headers);
    res.end(answer.body === undefined ? undefined : Buffer.from(answer.body, answer.isBase64Encoded ? 'base64' : 'utf8'));
    return { by: name, status: answer.statusCode };
  }
}
