/**
 * The Lambda Invoke API (`POST /2015-03-31/functions/{name}/invocations`), so
 * the real @aws-sdk/client-lambda, and so the project's typed client, can
 * invoke the local functions through AWS_ENDPOINT_URL_LAMBDA. As the Lambda API
 * does, it first checks the request's SigV4 signature (service `lambda`, any
 * region) against the local credential pair; no IAM policy is evaluated.
 */
import type http from 'node:http';
import { operationNames } from '../functions/operations.js';
import type { FunctionPool } from './function-pool.js';
import { sendJson, type ReceivedRequest, type Served } from './http-io.js';
import type { LocalCredentials } from './local-credentials.js';
import { verifySignature } from './sigv4-verifier.js';

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

/** A name, a `prefix-<name>` deployed name, or an ARN ending in either, resolves to the local function. */
export function resolveFunction(raw: string): string | undefined {
  const name = decodeURIComponent(raw).split(':function:').at(-1)?.split(':')[0] ?? '';
  return operationNames.find((operation) => name === operation || name.endsWith(`-${operation}`));
}

/** The Invoke API's path, whatever the method: the Lambda API, not a browser's HTTP API (no CORS). */
export function isInvokePath(path: string): boolean {
  return INVOKE_PATH.test(path);
}

export function isInvokeRequest(method: string, path: string): boolean {
  return method === 'POST' && isInvokePath(path);
}

/** The Lambda API's error answer: its type in `x-amzn-errortype`, and a JSON body. */
function sendLambdaError(res: http.ServerResponse, statusCode: number, type: string, body: Record<string, string>): void {
  sendJson(res, statusCode, body, { 'x-amzn-errortype': type });
}

export class LambdaInvokeEndpoint {
  constructor(
    private readonly pool: FunctionPool,
    private readonly credentials: LocalCredentials,
  ) {}

  async invoke({ req, url, body }: ReceivedRequest, res: http.ServerResponse): Promise<Served> {
    const check = await verifySignature(
      { method: req.method ?? 'POST', target: req.url ?? '/', headers: req.headersDistinct, body },
      { credentials: this.credentials, service: 'lambda' },
    );
    if (!check.ok) {
      sendLambdaError(res, 403, check.refusal, { message: check.message });
      return { by: 'lambda-api (signature)', status: 403 };
    }
    const name = resolveFunction(INVOKE_PATH.exec(url.pathname)?.[1] ?? '');
    if (!name) {
      sendLambdaError(res, 404, 'ResourceNotFoundException', { Type: 'User', message: `Function not found: ${url.pathname}` });
      return { by: 'lambda-api', status: 404 };
    }
    let payload: unknown;
    try {
      payload = body.length > 0 ? JSON.parse(body.toString('utf8')) : {};
    } catch {
      sendLambdaError(res, 400, 'InvalidRequestContentException', { Type: 'User', message: 'Could not parse request body into json' });
      return { by: name, status: 400 };
    }
    const container = await this.pool.get(name);
    const outcome = container.invoke(payload);
    if (req.headers['x-amz-invocation-type'] === 'Event') {
      res.writeHead(202).end();
      return { by: name, status: 202 };
    }
    const { payload: result, functionError } = await outcome;
    sendJson(res, 200, result, { 'x-amz-executed-version': '$LATEST', ...(functionError ? { 'x-amz-function-error': functionError } : {}) });
    return { by: name, status: 200 };
  }
}
