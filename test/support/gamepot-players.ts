/**
 * GamePot players for the end-to-end tests. A member logs in through the local
 * stack's emulated GamePot login (`POST /local/gamepot/login`), which gives what
 * the GamePot SDK gives a game client: a member id and a login token. Every call
 * then carries `Authorization: Bearer <token>` and `X-GamePot-Member-Id: <memberId>`.
 */
import { Player, send, type Api, type SendOptions } from './http.js';

export const MEMBER_ID_HEADER = 'x-gamepot-member-id';

export interface GamePotLogin {
  memberId: string;
  token: string;
}

/** A GamePot login over HTTP, as a game client gets it from the SDK. */
export async function gamePotLogin(api: Api, memberId: string): Promise<GamePotLogin> {
  const reply = await send(api.url, 'POST', '/local/gamepot/login', { json: { memberId } });
  const body = reply.body as Partial<GamePotLogin> | undefined;
  if (reply.status !== 200 || typeof body?.token !== 'string' || body.memberId !== memberId) {
    throw new Error(`no GamePot login for ${memberId}: ${reply.status} ${reply.text}`);
  }
  return { memberId, token: body.token };
}

/**
 * The two identity headers as request options. Either may be left out (or be
 * empty), for the cases where API Gateway refuses before the authorizer runs.
 */
export function gamePotCredentials(credentials: { token?: string; memberId?: string }): SendOptions {
  return {
    ...(credentials.token !== undefined ? { token: credentials.token } : {}),
    headers: credentials.memberId !== undefined ? { [MEMBER_ID_HEADER]: credentials.memberId } : {},
  };
}

/** Request options with the credentials laid over them (headers merged, the credentials winning). */
export function withCredentials(options: SendOptions, credentials: SendOptions): SendOptions {
  return { ...options, ...credentials, headers: { ...options.headers, ...credentials.headers } };
}

/** One GamePot member with a login, acting through the HTTP API: a Player whose session is the two GamePot headers. */
export class GamePotPlayer extends Player {
  static async login(api: Api, memberId: string): Promise<GamePotPlayer> {
    const { token } = await gamePotLogin(api, memberId);
    return new GamePotPlayer(api, memberId, token);
  }

  override get credentials(): SendOptions {
    return gamePotCredentials({ token: this.token, memberId: this.id });
  }
}
