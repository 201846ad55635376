/**
 * The OpenAPI 3.1 contract: generated from the zod schemas and the route table,
 * served at /openapi.json, committed as docs/openapi.json (which must be
 * current), and clean under Redocly's recommended lint rules.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createConfig, lintFromString, type NormalizedProblem } from '@redocly/openapi-core';
import fc from 'fast-check';
import * as z from 'zod';
import { openApiFile, renderOpenApi } from '../../bin/openapi.js';
import { errorStatus } from '../../functions/core/errors.js';
import {
  BULK_MAX_PAIRS,
  LIST_DEFAULT_LIMIT,
  LIST_MAX_LIMIT,
  LIST_MAX_OFFSET,
  MESSAGE_MAX_LENGTH,
  PLAYER_ID_PATTERN,
  bulkAddInput,
  friendPairInput,
  friendRequestInput,
  friendshipStatus,
} from '../../functions/core/schemas.js';
import { operationNames, operations, type OperationName } from '../../functions/operations.js';
import { buildOpenApiDocument } from '../../lib/openapi.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { send } from '../support/http.js';

type Json = Record<string, unknown>;

let stack: LocalStack;
const document = buildOpenApiDocument() as Json;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, quiet: true, functionLogs: false });
});

afterAll(async () => {
  await stack?.stop();
});

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
/** A path into the document; fails the test (rather than returning undefined) when a step is missing. */
function at(value: unknown, ...keys: string[]): Json {
  let node: unknown = value;
  for (const key of keys) {
    if (!isRecord(node) || !(key in node)) throw new Error(`the document has no ${keys.join(' → ')} (stopped at "${key}")`);
    node = node[key];
  }
  if (!isRecord(node)) throw new Error(`${keys.join(' → ')} is not an object`);
  return node;
}
const operation = (name: OperationName) => at(document, 'paths', operations[name].path, operations[name].method.toLowerCase());
const components = () => at(document, 'components', 'schemas');

function inlineRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(inlineRefs);
  if (!isRecord(value)) return value;
  if (typeof value.$ref === 'string') return inlineRefs(components()[value.$ref.replace('#/components/schemas/', '')]);
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, inlineRefs(item)]));
}
/** A published schema, as a validator. */
const published = (schema: Json) => z.fromJSONSchema(inlineRefs(schema) as Parameters<typeof z.fromJSONSchema>[0]);
const bodySchema = (name: OperationName) => at(operation(name), 'requestBody', 'content', 'application/json', 'schema');

describe('the committed and the served copies', () => {
  it('docs/openapi.json is current (regenerate it with `npx tsx bin/openapi.ts`)', () => {
    expect(readFileSync(openApiFile, 'utf8')).toBe(renderOpenApi());
  });

  it('/openapi.json serves the document for this server', async () => {
    const reply = await send(stack.url, 'GET', '/openapi.json');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    expect(reply.body).toEqual(buildOpenApiDocument({ serverUrl: stack.url }));
    expect(isRecord(reply.body) && reply.body.servers).toEqual([{ url: stack.url }]);
  });

  it('the served document needs no token', async () => {
    expect((await send(stack.url, 'GET', '/openapi.json', { token: 'garbage' })).status).toBe(200);
  });
});

describe('the lint (Redocly, recommended rules)', () => {
  /**
   * Warnings allowed, each with its reason. Nothing else may be reported.
   * - no-unused-components on Friendship: the model is published on its own so that
   *   client generators emit a `Friendship` type; FriendshipResult and FriendshipList
   *   carry the same schema inline because zod's toJSONSchema inlines it.
   */
  const allowedWarnings: Array<{ ruleId: string; pointer: string }> = [{ ruleId: 'no-unused-components', pointer: '#/components/schemas/Friendship' }];

  /** The committed copy (what game teams generate clients from) and the copy the local API serves. */
  const linted: Record<string, NormalizedProblem[]> = {};
  beforeAll(async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const served = await send(stack.url, 'GET', '/openapi.json');
    linted['docs/openapi.json'] = await lintFromString({ source: readFileSync(openApiFile, 'utf8'), absoluteRef: openApiFile, config });
    linted['/openapi.json'] = await lintFromString({ source: served.text, absoluteRef: `${stack.url}/openapi.json`, config });
  });

  const describeProblem = (problem: NormalizedProblem) => `${problem.severity} ${problem.ruleId} at ${problem.location[0]?.pointer ?? '?'}: ${problem.message}`;
  const allowed = (problem: NormalizedProblem) =>
    problem.severity === 'warn' && allowedWarnings.some((entry) => entry.ruleId === problem.ruleId && entry.pointer === problem.location[0]?.pointer);

  it.each(['docs/openapi.json', '/openapi.json'])('%s: no errors', (copy) => {
    expect(linted[copy]?.filter((problem) => problem.severity === 'error').map(describeProblem)).toEqual([]);
  });

  it.each(['docs/openapi.json', '/openapi.json'])('%s: no warnings but the ones allowed above, with their reasons', (copy) => {
    expect(linted[copy]?.filter((problem) => !allowed(problem)).map(describeProblem)).toEqual([]);
  });

  it('really lints: a broken document is reported', async () => {
    const broken = { ...document, paths: { '/x': { get: { responses: {} } } } };
    const config = await createConfig({ extends: ['recommended'] });
    const found = await lintFromString({ source: JSON.stringify(broken), absoluteRef: openApiFile, config });
    expect(found.filter((problem) => problem.severity === 'error').length).toBeGreaterThan(0);
  });
});

describe('what the document says', () => {
  it('is OpenAPI 3.1 with every route, once, and nothing else', () => {
    expect(document.openapi).toBe('3.1.0');
    const documented = Object.entries(at(document, 'paths')).flatMap(([path, item]) => Object.keys(item as Json).map((method) => `${method.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(operationNames.map((name) => `${operations[name].method} ${operations[name].path}`).sort());
    const ids = operationNames.map((name) => operation(name).operationId);
    expect(new Set(ids).size).toBe(operationNames.length);
  });

  it('declares the security schemes: a bearer JWT or a GamePot session for players, IAM for bulk', () => {
    expect(at(document, 'components', 'securitySchemes', 'playerSession')).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(at(document, 'components', 'securitySchemes', 'gamePotToken')).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(at(document, 'components', 'securitySchemes', 'gamePotMemberId')).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-GamePot-Member-Id' });
    expect(at(document, 'components', 'securitySchemes', 'awsIam')).toMatchObject({ type: 'apiKey', in: 'header', name: 'Authorization' });
    for (const name of operationNames) {
      expect({ name, security: operation(name).security }).toEqual({ name, security: operations[name].access === 'player' ? [{ playerSession: [] }, { gamePotToken: [], gamePotMemberId: [] }] : [{ awsIam: [] }] });
    }
  });

  it('documents each request body from the zod schemas', () => {
    const pair = bodySchema('accept-friend');
    expect(pair).toMatchObject({ type: 'object', required: ['friendId'], additionalProperties: false });
    expect(at(pair, 'properties', 'friendId')).toMatchObject({ type: 'string', pattern: PLAYER_ID_PATTERN.source });
    expect(bodySchema('reject-friend')).toEqual(pair);
    expect(at(bodySchema('request-friend'), 'properties', 'message')).toMatchObject({ type: 'string', maxLength: MESSAGE_MAX_LENGTH });
    expect(bodySchema('bulk-add-friendships')).toMatchObject({ type: 'array', minItems: 1, maxItems: BULK_MAX_PAIRS });
    for (const name of ['request-friend', 'accept-friend', 'reject-friend', 'bulk-add-friendships'] as const) {
      expect({ name, required: at(operation(name), 'requestBody').required }).toEqual({ name, required: true });
    }
    // A DELETE body is optional: clients that cannot send one use the query.
    expect(at(operation('end-friendship'), 'requestBody').required).toBe(false);
    expect(operation('list-friendships').requestBody).toBeUndefined();
  });

  it('documents the query of the list and of the DELETE', () => {
    const parameters = (name: OperationName) => (operation(name).parameters as Json[]).map((parameter) => [parameter.name, parameter.in]);
    expect(parameters('end-friendship')).toEqual([['friendId', 'query'], ['userId', 'query']]);
    expect(parameters('list-friendships')).toEqual([['status', 'query'], ['filter', 'query'], ['userId', 'query'], ['offset', 'query'], ['limit', 'query']]);
    const list = operation('list-friendships').parameters as Json[];
    expect(list.find((parameter) => parameter.name === 'status')?.schema).toEqual({ type: 'string', enum: friendshipStatus.options });
    expect(list.find((parameter) => parameter.name === 'limit')?.schema).toEqual({ type: 'integer', minimum: 1, maximum: LIST_MAX_LIMIT, default: LIST_DEFAULT_LIMIT });
    expect(list.find((parameter) => parameter.name === 'offset')?.schema).toEqual({ type: 'integer', minimum: 0, maximum: LIST_MAX_OFFSET, default: 0 });
  });

  it('documents each success shape', () => {
    const success = (name: OperationName) => at(operation(name), 'responses', '200', 'content', 'application/json', 'schema');
    for (const name of ['request-friend', 'accept-friend', 'reject-friend', 'end-friendship'] as const) expect(success(name)).toEqual({ $ref: '#/components/schemas/FriendshipResult' });
    expect(success('list-friendships')).toEqual({ $ref: '#/components/schemas/FriendshipList' });
    expect(success('bulk-add-friendships')).toEqual({ $ref: '#/components/schemas/BulkAddResult' });
    expect(at(components(), 'Friendship')).toMatchObject({ required: expect.arrayContaining(['id', 'status', 'user_id', 'friend_id', 'user', 'friend']) });
  });

  it("gives a friendship's status as an enum: the four a list is filtered by, and deleted (end-friendship's answer)", () => {
    expect(at(components(), 'Friendship', 'properties', 'status')).toEqual({ type: 'string', enum: ['requested', 'pending', 'accepted', 'rejected', 'deleted'] });
  });

  it('documents the error envelope with every error code', () => {
    const envelope = at(components(), 'ErrorEnvelope');
    expect(envelope).toMatchObject({ type: 'object', required: ['status', 'code', 'message', 'requestId'] });
    expect((at(envelope, 'properties', 'code').enum as string[]).slice().sort()).toEqual(Object.keys(errorStatus).sort());
  });

  // UPSTREAM_REJECTED keeps the vendor's 4xx status (409 when the vendor refused inside an HTTP 200),
  // so it may be listed under any 4xx; every other code has exactly its status in the error table.
  it("lists each error code under its own status, on every route that can answer it", () => {
    const misplaced: string[] = [];
    for (const name of operationNames) {
      for (const [status, response] of Object.entries(at(operation(name), 'responses'))) {
        if (status === '200') continue;
        const description = String((response as Json).description);
        const named = Object.keys(errorStatus).filter((code) => new RegExp(`\\b${code}\\b`).test(description));
        for (const code of named) {
          const passedThrough = code === 'UPSTREAM_REJECTED' && /^4\d\d$/.test(status);
          if (String(errorStatus[code as keyof typeof errorStatus]) !== status && !passedThrough) misplaced.push(`${name} ${status}: ${code}`);
        }
        expect({ name, status, named: named.length > 0 || /Unauthorized|Forbidden/.test(description) }).toEqual({ name, status, named: true });
      }
      // The faults every route shares.
      for (const code of ['UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT', 'UPSTREAM_RATE_LIMITED', 'SECRET_UNAVAILABLE'] as const) {
        expect(String(at(operation(name), 'responses', String(errorStatus[code])).description)).toContain(code);
      }
    }
    expect(misplaced).toEqual([]);
  });

  it('documents Retry-After on 429 and 503', () => {
    for (const name of operationNames) {
      for (const status of ['429', '503']) expect(at(operation(name), 'responses', status, 'headers', 'Retry-After')).toBeDefined();
    }
  });

  it("documents API Gateway's own refusal on 401 (players) and 403 (bulk)", () => {
    for (const name of operationNames) {
      const status = operations[name].access === 'player' ? '401' : '403';
      const schema = published(at(operation(name), 'responses', status, 'content', 'application/json', 'schema'));
      expect({ name, gateway: schema.safeParse({ message: status === '401' ? 'Unauthorized' : 'Forbidden' }).success }).toEqual({ name, gateway: true });
    }
  });

  it('an error envelope on 401/403 matches the documented schema (oneOf: exactly one alternative)', () => {
    const envelope = (code: string) => ({ status: -1, code, message: 'refused', requestId: 'req-1' });
    const failures: string[] = [];
    for (const name of operationNames) {
      const status = operations[name].access === 'player' ? '401' : '403';
      const code = status === '401' ? 'UNAUTHENTICATED' : 'TRUSTED_CALLER_ONLY';
      const schema = published(at(operation(name), 'responses', status, 'content', 'application/json', 'schema'));
      const result = schema.safeParse(envelope(code));
      if (!result.success) failures.push(`${name} ${status} ${code}: ${result.error.issues.map((issue) => issue.message).join('; ')}`);
    }
    expect(failures).toEqual([]);
  });
});

describe('the published request schemas accept what the functions accept', () => {
  const id = fc.oneof(
    fc.stringMatching(PLAYER_ID_PATTERN),
    fc.string({ maxLength: 8 }),
    fc.constantFrom('', 'abc', 'a b c d', 'x'.repeat(129), 'bob/../x'),
    fc.integer(),
  );
  const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
  const record = fc
    .record({ userId: maybe(id), friendId: maybe(id), message: maybe(fc.string({ maxLength: MESSAGE_MAX_LENGTH + 2 })), extra: maybe(fc.string()) })
    .map((fields) => Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)));

  it.each([
    ['request-friend', friendRequestInput],
    ['accept-friend', friendPairInput],
    ['end-friendship', friendPairInput],
  ] as const)('%s: exactly the same objects', (name, input) => {
    const schema = published(bodySchema(name));
    fc.assert(
      fc.property(record, (value) => {
        expect({ value, published: schema.safeParse(value).success }).toEqual({ value, published: input.safeParse(value).success });
      }),
      { numRuns: 300 },
    );
  });

  it('bulk: every list the function accepts is valid by the document (the document cannot say "no duplicates")', () => {
    const schema = published(bodySchema('bulk-add-friendships'));
    const pairs = fc.array(fc.record({ userId: id, friendId: id }), { maxLength: BULK_MAX_PAIRS + 2 });
    fc.assert(
      fc.property(pairs, (value) => {
        if (bulkAddInput.safeParse(value).success) expect(schema.safeParse(value).success).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
