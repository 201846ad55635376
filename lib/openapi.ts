/**
 * The OpenAPI 3.1 document of the deployed API, generated from the zod schemas
 * and the route table. Game teams generate their Unity, Unreal or web clients
 * from it; `npm start` serves it at /openapi.json and docs/openapi.json is the
 * committed copy.
 */
import * as z from 'zod/mini';
import { errorStatus, type ErrorCode } from '../functions/core/errors.js';
import { MAX_BODY_BYTES } from '../functions/core/http-input.js';
import { answers, errorEnvelope, friendship } from '../functions/core/response-schemas.js';
import { operations, type Operation, type OperationName, type QueryParameter } from '../functions/operations.js';

type Schema = Record<string, unknown>;

const jsonSchema = (schema: z.ZodMiniType): Schema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { unrepresentable: 'any' }) as Schema;
  return rest;
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** A query parameter, with the schema of the input field it fills. */
function queryParameter(operation: Operation, parameter: QueryParameter): Schema {
  const fields = (jsonSchema(operation.input).properties ?? {}) as Record<string, Schema>;
  const schema = parameter.raw ? { type: 'string' } : { ...fields[parameter.name], ...(parameter.default !== undefined ? { default: parameter.default } : {}) };
  return {
    name: parameter.name,
    in: 'query',
    required: false,
    description: parameter.description,
    schema,
    ...(parameter.raw ? { example: parameter.raw.example } : {}),
  };
}

/** The body's schema, unless the input comes in the query alone. */
const bodySchema = (operation: Operation): z.ZodMiniType | undefined => (operation.http.kind === 'list-query' ? undefined : operation.input);

/** UPSTREAM_REJECTED keeps the vendor's 4xx status (400 a bad state, 404 no such friendship); a refusal inside a 200 is 409. */
const UPSTREAM_REJECTED_STATUSES = [400, 404, 409] as const;

function errorResponses(name: OperationName): Record<string, Schema> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of operations[name].errors) {
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
  const gateway = operations[name].access === 'player' ? '401' : '403';
  const own = responses[gateway];
  responses[gateway] = {
    description: `${String(own?.description ?? '')} API Gateway refuses a request its authorizer rejects with its own body: {"message": "Unauthorized"} for a missing or invalid JWT, or a missing Authorization or X-GamePot-Member-Id header in GamePot mode; {"message": "Forbidden"} for bulk without IAM.`.trim(),
    content: { 'application/json': { schema: { oneOf: [ref('ErrorEnvelope'), ref('GatewayRefusal')] } } },
  };
  return responses;
}

export function buildOpenApiDocument(options: { serverUrl?: string } = {}): Schema {
  const paths: Record<string, Record<string, Schema>> = {};
  for (const [name, route] of Object.entries(operations) as [OperationName, Operation][]) {
    const input = bodySchema(route);
    const parameters = route.http.kind === 'body' ? [] : route.http.query.map((parameter) => queryParameter(route, parameter));
    const operation: Schema = {
      operationId: name.replace(/-(\w)/g, (_match, letter: string) => letter.toUpperCase()),
      summary: route.summary,
      tags: ['friendships'],
      // Either scheme, by the stage's auth.mode: a JWT, or the GamePot token and member id together.
      security: route.access === 'player' ? [{ playerSession: [] }, { gamePotToken: [], gamePotMemberId: [] }] : [{ awsIam: [] }],
      ...(parameters.length > 0 ? { parameters } : {}),
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
        '200': { description: 'Success.', content: { 'application/json': { schema: ref(route.answer) } } },
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
        ...Object.fromEntries(Object.entries(answers).map(([answerName, schema]) => [answerName, jsonSchema(schema)])),
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
