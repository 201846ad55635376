/**
 * The Lambda Invoke API (`POST /2015-03-31/functions/{name}/invocations`), so
 * the real @aws-sdk/client-lambda, and so the project's typed client, can
 * invoke the local functions through AWS_ENDPOINT_URL_LAMBDA.
 */
import type http from 'node:http';
import { operationNames } from '../functions/operations.js';
import type { FunctionPool } from './function-pool.js';

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

/** A name, a `prefix-<name>` deployed name, or an ARN ending in either, resolves to the local function. */
export function resolveFunction(raw: string): string | undefined {
  const name = decodeURIComponent(raw).split(':function:').at(-1)?.split(':')[0] ?? '';
  return operationNames.find((operation) => name === operation || name.endsWith(`-${operation}`));
}

export function isInvokeRequest(method: string, path: string): boolean {
  return method === 'POST' && INVOKE_PATH.test(path);
}

export async function invokeFunction(req: http.IncomingMessage, path: string, body: Buffer, pool: FunctionPool, res: http.ServerResponse) {
  const name = resolveFunction(INVOKE_PATH.exec(path)?.[1] ?? '');
  if (!name) {
    const message = JSON.stringify({ Type: 'User', message: `Function not found: ${path}` });
    res.writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'ResourceNotFoundException' });
    res.end(message);
    return { name: undefined, statusCode: 404 };
  }
  let payload: unknown;
  try {
    payload = body.length > 0 ? JSON.parse(body.toString('utf8')) : {};
  } catch {
    res.writeHead(400, { 'content-type': 'application/json', 'x-amzn-errortype': 'InvalidRequestContentException' });
    res.end(JSON.stringify({ Type: 'User', message: 'Could not parse request body into json' }));
    return { name, statusCode: 400 };
  }
  const container = await pool.get(name);
  const asynchronous = req.headers['x-amz-invocation-type'] === 'Event';
  const outcome = container.invoke(payload);
  if (asynchronous) {
    res.writeHead(202).end();
    return { name, statusCode: 202 };
  }
  const { payload: result, functionError } = await outcome;
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' };
  if (functionError) headers['x-amz-function-error'] = functionError;
  res.writeHead(200, headers);
  res.end(JSON.stringify(result));
  return { name, statusCode: 200 };
}
