/**
 * The OpenAPI 3.1 document of the deployed API, generated from the zod schemas
 * and the route table. Game teams generate their Unity, Unreal or web clients
 * from it; `npm start` serves it at /openapi.json and docs/openapi.json is the
 * committed copy.
 */
import * as z from 'zod/mini';
import { errorStatus, type ErrorCode } from '../functions/core/errors.js';
import { MAX_BODY_BYTES } from '../functions/core/http-input.js';
import {
  LIST_DEFAULT_LIMIT,
  PLAYER_ID_PATTERN,
  bulkAddInput,
  friendPairInput,
  friendRequestInput,
  friendshipStatus,
  listFriendshipsInput,
} from '../functions/core/schemas.js';
import { bulkAddResult, errorEnvelope, friendship, friendshipList, friendshipResult } from '../functions/core/response-schemas.js';
import { routes, type OperationName } from '../functions/routes.js';

type Schema = Record<string, unknown>;

const jsonSchema = (schema: z.ZodMiniType): Schema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { unrepresentable: 'any' }) as Schema;
  return rest;
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** Which error codes each kind of route can answer, beyond the upstream and secret faults every route shares. */
const inputCodes: Record<OperationName, ErrorCode[]> = {
  'request-friend': ['INVALID_JSON', 'UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE', 'UNKNOWN_FIELD', 'MISSING_FIELD', 'INVALID_ID', 'INVALID_INPUT', 'SELF_FRIENDSHIP', 'MESSAGE_TOO_LONG', 'IDENTITY_MISMATCH', 'UNAUTHENTICATED', 'INVALID_PLAYER_ID'],
  'accept-friend': ['INVALID_JSON', 'UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE', 'UNKNOWN_FIELD', 'MISSING_FIELD', 'INVALID_ID', 'INVALID_INPUT', 'SELF_FRIENDSHIP', 'IDENTITY_MISMATCH', 'UNAUTHENTICATED', 'INVALID_PLAYER_ID'],
  'reject-friend': ['INVALID_JSON', 'UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE', 'UNKNOWN_FIELD', 'MISSING_FIELD', 'INVALID_ID', 'INVALID_INPUT', 'SELF_FRIENDSHIP', 'IDENTITY_MISMATCH', 'UNAUTHENTICATED', 'INVALID_PLAYER_ID'],
  'end-friendship': ['INVALID_JSON', 'UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE', 'UNKNOWN_FIELD', 'MISSING_FIELD', 'INVALID_ID', 'INVALID_INPUT', 'SELF_FRIENDSHIP', 'IDENTITY_MISMATCH', 'UNAUTHENTICATED', 'INVALID_PLAYER_ID'],
  'list-friendships': ['INVALID_JSON', 'PAYLOAD_TOO_LARGE', 'UNKNOWN_FIELD', 'INVALID_ID', 'INVALID_INPUT', 'INVALID_STATUS', 'INVALID_PAGING', 'IDENTITY_MISMATCH', 'UNAUTHENTICATED', 'INVALID_PLAYER_ID'],
  'bulk-add-friendships': ['INVALID_JSON', 'UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE', 'UNKNOWN_FIELD', 'MISSING_FIELD', 'INVALID_ID', 'INVALID_INPUT', 'SELF_FRIENDSHIP', 'TOO_MANY_PAIRS', 'DUPLICATE_PAIRS', 'TRUSTED_CALLER_ONLY'],
};
/** A GamePot session that loginauth could not check (auth.mode gamepot). */
const playerCodes: ErrorCode[] = ['SESSION_UNAVAILABLE'];
const sharedCodes: ErrorCode[] = ['METHOD_NOT_ALLOWED', 'UPSTREAM_REJECTED', 'UPSTREAM_RATE_LIMITED', 'UPSTREAM_ERROR', 'UPSTREAM_AUTH', 'UPSTREAM_CONFIG', 'UPSTREAM_TIMEOUT', 'SECRET_UNAVAILABLE', 'SECRET_MALFORMED', 'INTERNAL'];

const inputSchemas: Partial<Record<OperationName, z.ZodMiniType>> = {
  'request-friend': friendRequestInput,
  'accept-friend': friendPairInput,
  'reject-friend': friendPairInput,
  'end-friendship': friendPairInput,
  'bulk-add-friendships': bulkAddInput,
};

const resultSchemas: Record<OperationName, string> = {
  'request-friend': 'FriendshipResult',
  'accept-friend': 'FriendshipResult',
  'reject-friend': 'FriendshipResult',
  'end-friendship': 'FriendshipResult',
  'list-friendships': 'FriendshipList',
  'bulk-add-friendships': 'BulkAddResult',
};

const idParameter = (name: string, description: string) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema: { type: 'string', pattern: PLAYER_ID_PATTERN.source },
});

/** A paging parameter with the bounds of the one list schema. */
const pagingParameter = (name: 'offset' | 'limit', fallback: number): Schema => {
  const properties = jsonSchema(listFriendshipsInput).properties as Record<string, Schema>;
  return { name, in: 'query', required: false, schema: { ...properties[name], default: fallback } };
};

const queryParameters: Partial<Record<OperationName, Schema[]>> = {
  'end-friendship': [
    idParameter('friendId', 'The other player, for clients that cannot send a DELETE body.'),
    idParameter('userId', 'Your own id; leave it out (it comes from the session).'),
  ],
  'list-friendships': [
    { name: 'status', in: 'query', required: false, description: 'Which friendships to list. Default: accepted.', schema: { type: 'string', enum: friendshipStatus.options } },
    {
      name: 'filter',
      in: 'query',
      required: false,
      description: 'The vendor form: URL-encoded JSON {"status": S, "user_id": U}. user_id, if given, must be your own id.',
      schema: { type: 'string' },
      example: '{"status":"accepted"}',
    },
    idParameter('userId', 'Your own id; leave it out (it comes from the session).'),
    pagingParameter('offset', 0),
    pagingParameter('limit', LIST_DEFAULT_LIMIT),
  ],
};

/** UPSTREAM_REJECTED keeps the vendor's 4xx status (400 a bad state, 404 no such friendship); a refusal inside a 200 is 409. */
const UPSTREAM_REJECTED_STATUSES = [400, 404, 409] as const;

function errorResponses(name: OperationName): Record<string, Schema> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of [...inputCodes[name], ...(routes[name].access === 'player' ? playerCodes : []), ...sharedCodes]) {
    const status = errorStatus[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  // The vendor's own 4xx refusals pass through with their status.
  for (const status of UPSTREAM_REJECTED_STATUSES) {
    const codes = byStatus.get(status) ?? [];
    if (!codes.includes('UPSTREAM_REJECTED')) byStatus.set(status, [...codes, 'UPSTREAM_REJECTED']);
  }
  const responses: Record<string, Schema> = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: `The error envelope, with code ${codes.join(', ')}.`,
      content: { 'application/json': { schema: ref('ErrorEnvelope') } },
      ...(status === 429 || status === 503 ? { headers: { 'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'string' } } } } : {}),
    };
  }
  const gateway = routes[name].access === 'player' ? '401' : '403';
  const own = responses[gateway];
  responses[gateway] = {
    description: `${String(own?.description ?? '')} API Gateway refuses a request its authorizer rejects with its own body: {"message": "Unauthorized"} for a missing or invalid JWT, or a missing Authorization or X-GamePot-Member-Id header in GamePot mode; {"message": "Forbidden"} for bulk without IAM.`.trim(),
    content: { 'application/json': { schema: { oneOf: [ref('ErrorEnvelope'), ref('GatewayRefusal')] } } },
  };
  return responses;
}

export function buildOpenApiDocument(options: { serverUrl?: string } = {}): Schema {
  const paths: Record<string, Record<string, Schema>> = {};
  for (const [name, route] of Object.entries(routes) as [OperationName, (typeof routes)[OperationName]][]) {
    const input = inputSchemas[name];
    const operation: Schema = {
      operationId: name.replace(/-(\w)/g, (_match, letter: string) => letter.toUpperCase()),
      summary: route.summary,
      tags: ['friendships'],
      // Either scheme, by the stage's auth.mode: a JWT, or the GamePot token and member id together.
      security: route.access === 'player' ? [{ playerSession: [] }, { gamePotToken: [], gamePotMemberId: [] }] : [{ awsIam: [] }],
      ...(queryParameters[name] ? { parameters: queryParameters[name] } : {}),
      ...(input
        ? {
            requestBody: {
              required: route.method !== 'DELETE',
              description: `JSON, at most ${MAX_BODY_BYTES} bytes.`,
              content: { 'application/json': { schema: jsonSchema(input) } },
            },
          }
        : {}),
      responses: {
        '200': { description: 'Success.', content: { 'application/json': { schema: ref(resultSchemas[name]) } } },
        ...errorResponses(name),
      },
    };
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Friendship BFF',
      version: '1.0.0',
      description:
        'A secure proxy to the Ncloud Chat / GamePot friendship API. Players call it with their session; the acting player always comes from the session, never from the body.',
      license: { name: 'UNLICENSED', identifier: 'UNLICENSED' },
    },
    servers: [{ url: options.serverUrl ?? 'https://{apiId}.execute-api.{region}.amazonaws.com', ...(options.serverUrl ? {} : { variables: { apiId: { default: 'your-api-id' }, region: { default: 'ap-northeast-2' } } }) }],
    tags: [{ name: 'friendships', description: 'Friend requests, answers, lists and bulk adds.' }],
    paths,
    components: {
      securitySchemes: {
        playerSession: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: "auth.mode jwt: the player's session token from the game's OIDC issuer." },
        gamePotToken: { type: 'http', scheme: 'bearer', description: 'auth.mode gamepot: the GamePot SDK login token, sent with X-GamePot-Member-Id.' },
        gamePotMemberId: { type: 'apiKey', in: 'header', name: 'X-GamePot-Member-Id', description: 'auth.mode gamepot: the GamePot memberId the token belongs to; it becomes the player id.' },
        awsIam: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'AWS Signature Version 4 (IAM). For game servers and jobs only.' },
      },
      schemas: {
        Friendship: jsonSchema(friendship),
        FriendshipResult: jsonSchema(friendshipResult),
        FriendshipList: jsonSchema(friendshipList),
        BulkAddResult: jsonSchema(bulkAddResult),
        ErrorEnvelope: { ...jsonSchema(errorEnvelope), properties: { ...(jsonSchema(errorEnvelope).properties as Schema), code: { type: 'string', enum: Object.keys(errorStatus) } } },
        GatewayRefusal: {
          type: 'object',
          description: "API Gateway's own refusal, before any function runs.",
          properties: { message: { type: 'string', enum: ['Unauthorized', 'Forbidden'] } },
          required: ['message'],
          additionalProperties: false,
        },
      },
    },
  };
}
