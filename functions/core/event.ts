/**
 * The parts of an API Gateway HTTP API event (payload format 2.0) that we read.
 * An event without `requestContext` is a direct invocation by another Lambda.
 */
export interface HttpApiAuthorizer {
  jwt?: { claims?: Record<string, unknown>; scopes?: unknown };
  iam?: Record<string, unknown>;
  lambda?: Record<string, unknown>;
}

export interface HttpApiEvent {
  version?: string;
  routeKey?: string;
  rawPath?: string;
  rawQueryString?: string;
  headers?: Record<string, string | undefined>;
  queryStringParameters?: Record<string, string | undefined>;
  body?: string | null;
  isBase64Encoded?: boolean;
  requestContext: {
    requestId?: string;
    http?: { method?: string; path?: string; sourceIp?: string };
    authorizer?: HttpApiAuthorizer;
  };
}

export interface HttpApiResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** What a direct invocation answers: the body an HTTP caller would get, or the error it would get. */
export type DirectResult<T = unknown> =
  | { ok: true; data: T }
  | { ok: false; error: { status: number; code: string; message: string; requestId: string } };

/** The parts of the Lambda context we use; every field is optional so local callers can pass less. */
export interface InvocationContext {
  awsRequestId?: string;
  functionName?: string;
  getRemainingTimeInMillis?(): number;
}

export function isHttpApiEvent(event: unknown): event is HttpApiEvent {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return false;
  const context = (event as { requestContext?: unknown }).requestContext;
  return typeof context === 'object' && context !== null;
}

/** HTTP API lower-cases header names, but a hand-made event may not. */
export function header(event: HttpApiEvent, name: string): string | undefined {
  const headers = event.headers ?? {};
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}
