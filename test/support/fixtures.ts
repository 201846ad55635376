/** Shared test parts: the upstream emulator, the Secrets Manager endpoint, bundles in containers, and events. */
import { startUpstreams as startLocalUpstreams, type Upstreams } from '../../local/upstreams.js';
import { FunctionContainer } from '../../local/function-container.js';
import { bundleFile } from '../../lib/bundling.js';
import { functionEnvironment } from '../../functions/core/config.js';
import type { OperationName } from '../../functions/operations.js';
import { operations } from '../../functions/operations.js';

export const API_KEY = 'test-api-key-Zx81qP0w9kDm';
export const PROJECT_ID = 'test-project-7f3a';
export const SECRET_ARN = 'arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:friendship-bff/upstream-AbCdEf';

export type { Upstreams };

export const startUpstreams = (): Promise<Upstreams> => startLocalUpstreams({ apiKey: API_KEY, projectId: PROJECT_ID, secretArn: SECRET_ARN });

/** A bundle's environment against the emulator and a Secrets Manager endpoint (ours, or moto's). */
export function functionEnv(upstreams: { emulator: { baseUrl: string }; secrets: { url: string } }, extra: Record<string, string> = {}): Record<string, string> {
  return {
    // The guard's own suites turn it on with a table (test/support/guard-store.ts).
    ...functionEnvironment({ secretId: SECRET_ARN, upstreamBaseUrl: upstreams.emulator.baseUrl, guardEnabled: false }),
    AWS_ENDPOINT_URL_SECRETS_MANAGER: upstreams.secrets.url,
    AWS_REGION: 'ap-northeast-2',
    AWS_ACCESS_KEY_ID: 'AKIALOCALTESTING00000',
    AWS_SECRET_ACCESS_KEY: 'local-testing-secret-access-key',
    POWERTOOLS_LOG_LEVEL: 'DEBUG',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...extra,
  };
}

export function startContainer(name: OperationName | 'gamepot-authorizer', env: Record<string, string>, timeoutMs = 16_000) {
  return FunctionContainer.start({ bundle: bundleFile(name), functionName: name, env, timeoutMs });
}

let counter = 0;

/** An API Gateway HTTP API (payload 2.0) event for an operation, as the deployed API sends it. */
export function httpEvent(
  name: OperationName,
  options: {
    playerId?: string;
    claims?: Record<string, unknown>;
    iam?: boolean;
    body?: unknown;
    rawBody?: string;
    base64?: boolean;
    contentType?: string | null;
    query?: Record<string, string>;
    method?: string;
  } = {},
): Record<string, unknown> {
  const route = operations[name];
  counter += 1;
  const rawBody = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const claims = options.claims ?? (options.playerId ? { sub: options.playerId, iss: 'https://issuer.test/', aud: 'game' } : undefined);
  const headers: Record<string, string> = {};
  if (rawBody !== undefined && options.contentType !== null) headers['content-type'] = options.contentType ?? 'application/json';
  return {
    version: '2.0',
    routeKey: `${route.method} ${route.path}`,
    rawPath: route.path,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers,
    ...(options.query ? { queryStringParameters: options.query } : {}),
    ...(rawBody !== undefined
      ? { body: options.base64 ? Buffer.from(rawBody).toString('base64') : rawBody, isBase64Encoded: options.base64 ?? false }
      : { isBase64Encoded: false }),
    requestContext: {
      requestId: `req-${counter}`,
      http: { method: options.method ?? route.method, path: route.path, sourceIp: '127.0.0.1' },
      ...(options.iam
        ? { authorizer: { iam: { accessKey: 'AKIA', accountId: '123456789012', userArn: 'arn:aws:iam::123456789012:role/game-server' } } }
        : claims
          ? { authorizer: { jwt: { claims, scopes: null } } }
          : {}),
    },
  };
}

export interface HttpAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** Invokes an operation with an HTTP API event and reads its answer; the answer's text is also kept in `record`, for the suites that scan every answer for the key. */
export async function callOperation(target: FunctionContainer, name: OperationName, options: Parameters<typeof httpEvent>[1], record?: string[]) {
  const outcome = await target.invoke(httpEvent(name, options));
  const answer = outcome.payload as HttpAnswer;
  record?.push(JSON.stringify(answer));
  return { status: answer.statusCode, headers: answer.headers, body: JSON.parse(answer.body) as Record<string, unknown>, durationMs: outcome.durationMs };
}

export const json = (answer: unknown) => JSON.parse((answer as HttpAnswer).body) as Record<string, unknown> & unknown[];
