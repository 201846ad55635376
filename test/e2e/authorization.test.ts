/**
 * The authorization matrix over real HTTP: every way a request can fail to be a
 * player acting as itself is refused with 401 or 403, on every route, and not
 * one of them reaches the upstream.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { OperationName } from '../../functions/operations.js';
import { LOCAL_AUDIENCE, SessionIssuer } from '../../local/session-issuer.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import {
  Api,
  outcome,
  publicKeyHmacToken,
  send,
  tamperedPayload,
  tamperedSignature,
  unsignedToken,
  type HttpReply,
  type SendOptions,
} from '../support/http.js';
import { actingAs, playerRoutes, wellFormedInput } from '../support/lifecycle.js';

let stack: LocalStack;
let api: Api;

const ALICE = 'authz_alice';
const BOB = 'authz_bob01';
const CAROL = 'authz_carol';

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, quiet: true, functionLogs: false });
  api = new Api(stack);
});

afterAll(async () => {
  await stack?.stop();
});

const validInput = wellFormedInput(ALICE, BOB);

const UNAUTHORIZED = { status: 401, body: { message: 'Unauthorized' } };
const FORBIDDEN = { status: 403, body: { message: 'Forbidden' } };

/** Calls a route and checks that the upstream saw nothing. */
async function refused(operation: OperationName, options: SendOptions): Promise<HttpReply> {
  const before = api.upstreamRequests;
  const reply = await api.call(operation, options);
  expect(api.upstreamRequests).toBe(before);
  return reply;
}

type BadCredentials = [title: string, credentials: () => Promise<SendOptions>];

const badCredentials: BadCredentials[] = [
  ['no token', async () => ({})],
  ['an empty bearer token', async () => ({ authorization: 'Bearer ' })],
  ['a token that is not a JWT', async () => ({ token: 'not-a-jwt' })],
  ['an expired token', async () => ({ token: (await stack.issuer.issue(ALICE, { ttlSeconds: -60 })).token })],
  ['a token for another audience', async () => ({ token: (await stack.issuer.issue(ALICE, { audience: 'some-other-api' })).token })],
  ['a token with no audience at all', async () => ({ token: (await stack.issuer.issue(ALICE, { audience: null })).token })],
  [
    'a token whose aud is another API, whatever its client_id says',
    async () => ({ token: (await stack.issuer.issue(ALICE, { audience: 'some-other-api', claims: { client_id: LOCAL_AUDIENCE } })).token }),
  ],
  ['a token from another issuer', async () => ({ token: (await stack.issuer.issue(ALICE, { issuer: 'https://evil.example/' })).token })],
  ['a tampered signature', async () => ({ token: tamperedSignature(await api.session(ALICE)) })],
  ["a payload rewritten to another player, the signature kept", async () => ({ token: tamperedPayload(await api.session(ALICE), BOB) })],
  ['alg: none', async () => ({ token: unsignedToken(stack, ALICE) })],
  ['HS256 signed with the public key (algorithm confusion)', async () => ({ token: await publicKeyHmacToken(stack, ALICE) })],
  [
    'a token signed by another key with the same issuer',
    async () => ({ token: (await (await SessionIssuer.create(stack.issuer.issuer)).issue(ALICE)).token }),
  ],
  ['an IAM signature on a player route', async () => ({ iam: true })],
  ['a valid token sent without the Bearer scheme', async () => ({ authorization: await api.session(ALICE) })],
];

describe('the authorization matrix', () => {
  it('a valid session works on every player route (the control: the matrix below is not vacuous)', async () => {
    const alice = await api.session(ALICE);
    const bob = await api.session(BOB);
    const before = api.upstreamRequests;
    expect((await api.call('request-friend', { token: alice, json: { friendId: BOB } })).status).toBe(200);
    expect((await api.call('list-friendships', { token: bob, query: { status: 'pending' } })).status).toBe(200);
    expect((await api.call('accept-friend', { token: bob, json: { friendId: ALICE } })).status).toBe(200);
    expect((await api.call('end-friendship', { token: alice, json: { friendId: BOB } })).status).toBe(200);
    expect((await api.call('request-friend', { token: alice, json: { friendId: BOB } })).status).toBe(200);
    expect((await api.call('reject-friend', { token: bob, json: { friendId: ALICE } })).status).toBe(200);
    expect(api.upstreamRequests - before).toBe(6);
  });

  it.each(badCredentials)('%s: 401 on every player route, nothing reaches the upstream', async (_title, credentials) => {
    const options = await credentials();
    for (const operation of playerRoutes) {
      const reply = await refused(operation, { ...validInput[operation], ...options });
      expect({ operation, status: reply.status, body: reply.body }).toEqual({ operation, ...UNAUTHORIZED });
    }
  });

  // An IAM signature is what bulk does accept: that row is the control further down.
  const notIam = badCredentials.filter(([title]) => !title.startsWith('an IAM signature'));
  it.each(notIam)('%s: 403 on bulk, nothing reaches the upstream', async (_title, credentials) => {
    const options = await credentials();
    const reply = await refused('bulk-add-friendships', { ...validInput['bulk-add-friendships'], ...options });
    expect({ status: reply.status, body: reply.body }).toEqual(FORBIDDEN);
  });

  it('a token without aud that names this API in client_id passes, as API Gateway lets it (Cognito access tokens)', async () => {
    const { token } = await stack.issuer.issue(ALICE, { audience: null, claims: { client_id: LOCAL_AUDIENCE } });
    const reply = await api.call('list-friendships', { token, query: { status: 'accepted' } });
    expect(reply.status).toBe(200);
  });

  it('a verified token without the player-id claim passes the authorizer, and the function answers 401 UNAUTHENTICATED without calling the upstream', async () => {
    const { token } = await stack.issuer.issue(ALICE, { subject: null });
    const reply = await refused('list-friendships', { token });
    expect(outcome(reply)).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
  });

  it('an expired token says why in WWW-Authenticate, as API Gateway does', async () => {
    const { token } = await stack.issuer.issue(ALICE, { ttlSeconds: -60 });
    const reply = await refused('list-friendships', { token });
    expect(reply.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
    expect(reply.headers['www-authenticate']).toMatch(/exp/);
  });

  describe("another player's userId: 403 IDENTITY_MISMATCH, nothing reaches the upstream", () => {
    let alice: string;
    beforeAll(async () => {
      alice = await api.session(ALICE);
    });


    it.each(actingAs(BOB, CAROL))('%s', async (_title, operation, options) => {
      const reply = await refused(operation, { ...options, token: alice });
      expect(outcome(reply)).toEqual({ status: 403, code: 'IDENTITY_MISMATCH' });
      expect(reply.body).toEqual({ status: -1, code: 'IDENTITY_MISMATCH', message: expect.any(String), requestId: expect.any(String) });
    });

    it('naming yourself as userId is allowed', async () => {
      const reply = await api.call('list-friendships', { token: alice, query: { userId: ALICE, status: 'requested' } });
      expect(reply.status).toBe(200);
      expect(stack.emulator!.requests.at(-1)?.query.filter).toBe(JSON.stringify({ status: 'requested', user_id: ALICE }));
    });
  });

  describe('bulk is for IAM callers only', () => {
    it('a valid player token on bulk: 403 Forbidden, nothing reaches the upstream', async () => {
      const reply = await refused('bulk-add-friendships', { ...validInput['bulk-add-friendships'], token: await api.session(ALICE) });
      expect({ status: reply.status, body: reply.body }).toEqual(FORBIDDEN);
    });

    it('an IAM-signed request is let through (the control)', async () => {
      const before = api.upstreamRequests;
      const pairs = [{ userId: 'authz_dave1', friendId: 'authz_erin1' }];
      const reply = await api.call('bulk-add-friendships', { iam: true, json: pairs });
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ added: pairs });
      expect(api.upstreamRequests).toBe(before + 1);
    });
  });

  it('the local session endpoint refuses an id that breaks the vendor rule', async () => {
    const reply = await send(api.url, 'POST', '/local/session', { json: { playerId: 'x' } });
    expect(reply.status).toBe(400);
  });
});

describe('the OpenAPI contract', () => {
  it('documents every status, code and body this file was answered', () => {
    expect(api.contract.answers.length).toBeGreaterThan(80);
    expect(api.contract.problems()).toEqual([]);
  });
});
