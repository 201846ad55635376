/**
 * The routes only the local stack has: player sessions from the local issuer
 * (and its JWKS), GamePot logins from the emulator, and the OpenAPI document.
 */
import type http from 'node:http';
import { PLAYER_ID_PATTERN } from '../functions/core/schemas.js';
import { sendJson, type ReceivedRequest, type Served } from './http-io.js';
import type { NcloudEmulator } from './ncloud-emulator.js';
import type { SessionIssuer } from './session-issuer.js';

export type LocalEndpoint = (request: ReceivedRequest, res: http.ServerResponse) => Promise<Served> | Served;

export interface LocalEndpointsOptions {
  issuer: SessionIssuer;
  /** Undefined when proxying to the real vendor: then there are no GamePot logins to emulate. */
  emulator: NcloudEmulator | undefined;
  openapi: unknown;
}

const ID_RULE = 'with 4 to 128 characters of A-Z, a-z, 0-9, _ or -';

function idField(body: Buffer, field: string): string | undefined {
  try {
    const value = (JSON.parse(body.toString('utf8')) as Record<string, unknown>)[field];
    return typeof value === 'string' && PLAYER_ID_PATTERN.test(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function reply(res: http.ServerResponse, by: string, status: number, value: unknown): Served {
  sendJson(res, status, value);
  return { by, status };
}

/** Each endpoint under its `METHOD /path`. */
export function localEndpoints({ issuer, emulator, openapi }: LocalEndpointsOptions): ReadonlyMap<string, LocalEndpoint> {
  const issueSession: LocalEndpoint = async ({ body }, res) => {
    const playerId = idField(body, 'playerId');
    if (!playerId) return reply(res, 'local-issuer', 400, { message: `send {"playerId": "..."} ${ID_RULE}` });
    return reply(res, 'local-issuer', 200, await issuer.issue(playerId));
  };
  /** What the GamePot SDK's login gives a client: a member id and a login token. */
  const gamePotLogin: LocalEndpoint = ({ body }, res) => {
    if (!emulator) return reply(res, 'gamepot-emulator', 404, { message: 'GamePot logins are emulated only with the embedded emulator' });
    const memberId = idField(body, 'memberId');
    if (!memberId) return reply(res, 'gamepot-emulator', 400, { message: `send {"memberId": "..."} ${ID_RULE}` });
    return reply(res, 'gamepot-emulator', 200, emulator.loginMember(memberId));
  };
  return new Map<string, LocalEndpoint>([
    ['POST /local/session', issueSession],
    ['POST /local/gamepot/login', gamePotLogin],
    ['GET /local/jwks.json', (_request, res) => reply(res, 'local-issuer', 200, issuer.jwks)],
    ['GET /openapi.json', (_request, res) => reply(res, 'openapi', 200, openapi)],
  ]);
}
