/**
 * The GamePot authorizer bundle against the emulator's loginauth, and the shared
 * core reading its verdict. The authorizer never allows on a failure.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { FunctionContainer } from '../../local/function-container.js';
import { PROJECT_ID, functionEnv, httpEvent, startContainer, startUpstreams, type HttpAnswer, type Upstreams } from '../support/fixtures.js';

let upstreams: Upstreams;
let authorizer: FunctionContainer;
let list: FunctionContainer;

const env = () => functionEnv(upstreams, { GAMEPOT_LOGINAUTH_URL: upstreams.emulator.loginauthUrl, LOGINAUTH_TIMEOUT_MS: '400' });

beforeAll(async () => {
  upstreams = await startUpstreams();
  [authorizer, list] = await Promise.all([startContainer('gamepot-authorizer', env(), 5_000), startContainer('list-friendships', env())]);
});

afterEach(() => {
  upstreams.emulator.clearFaults();
  upstreams.secrets.fault = undefined;
});

afterAll(async () => {
  await Promise.all([authorizer.stop(), list.stop()]);
  await upstreams.stop();
});

function authorizerEvent(headers: Record<string, string>) {
  return { version: '2.0', type: 'REQUEST', headers, requestContext: { requestId: 'auth-1', http: { sourceIp: '203.0.113.9' } } };
}

async function authorize(headers: Record<string, string>) {
  const outcome = await authorizer.invoke(authorizerEvent(headers));
  expect(outcome.functionError).toBeUndefined();
  return { ...(outcome.payload as { isAuthorized: boolean; context: Record<string, string> }), durationMs: outcome.durationMs };
}

describe('the GamePot session check', () => {
  it('lets a valid session in as its member, sending project id, member, token and the client IP', async () => {
    const { token } = upstreams.emulator.loginMember('gp_member_01');
    const before = upstreams.emulator.loginauthCalls;
    const result = await authorize({ authorization: `Bearer ${token}`, 'x-gamepot-member-id': 'gp_member_01' });
    expect(result).toMatchObject({ isAuthorized: true, context: { playerId: 'gp_member_01' } });
    expect(upstreams.emulator.loginauthCalls).toBe(before + 1);
    expect(upstreams.emulator.loginauthBodies.at(-1)).toEqual({ projectId: PROJECT_ID, memberId: 'gp_member_01', token, remoteip: '203.0.113.9' });
  });

  it.each([
    ['a forged token', () => ({ authorization: 'Bearer forged-token-value', 'x-gamepot-member-id': 'gp_member_01' })],
    ['another member’s token', () => ({ authorization: `Bearer ${upstreams.emulator.loginMember('gp_member_02').token}`, 'x-gamepot-member-id': 'gp_member_01' })],
    ['a missing member header', () => ({ authorization: `Bearer ${upstreams.emulator.loginMember('gp_member_01').token}` })],
    ['a missing token', () => ({ 'x-gamepot-member-id': 'gp_member_01' })],
    ['a non-bearer authorization', () => ({ authorization: 'Basic Zm9vOmJhcg==', 'x-gamepot-member-id': 'gp_member_01' })],
  ])('refuses %s as an invalid session', async (_title, headers) => {
    expect(await authorize(headers())).toEqual(expect.objectContaining({ context: { denied: 'SESSION_INVALID' } }));
  });

  it('refuses an expired session', async () => {
    const { token } = upstreams.emulator.loginMember('gp_member_03');
    const realNow = upstreams.emulator.now;
    upstreams.emulator.now = () => realNow() + 61 * 60 * 1000;
    try {
      expect((await authorize({ authorization: `Bearer ${token}`, 'x-gamepot-member-id': 'gp_member_03' })).context).toEqual({ denied: 'SESSION_INVALID' });
    } finally {
      upstreams.emulator.now = realNow;
    }
  });

  it('denies with SESSION_UNAVAILABLE on a malformed secret, and its log says which fault, without calling loginauth', async () => {
    const badArn = 'arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:friendship-bff/no-project-AbCdEf';
    upstreams.secrets.put(badArn, JSON.stringify({ apiKey: 'k-not-logged-9f2' }));
    const misconfigured = await startContainer('gamepot-authorizer', { ...env(), SECRET_ID: badArn }, 5_000);
    try {
      const { token } = upstreams.emulator.loginMember('gp_member_0b');
      const before = upstreams.emulator.loginauthCalls;
      const outcome = await misconfigured.invoke(authorizerEvent({ authorization: `Bearer ${token}`, 'x-gamepot-member-id': 'gp_member_0b' }));
      expect(outcome.payload).toMatchObject({ isAuthorized: true, context: { denied: 'SESSION_UNAVAILABLE' } });
      expect(upstreams.emulator.loginauthCalls).toBe(before);
      const logs = misconfigured.logs.join('\n');
      expect(logs).toMatch(/"code":"SECRET_MALFORMED"/);
      expect(logs).not.toContain('k-not-logged-9f2');
    } finally {
      await misconfigured.stop();
    }
  });

  it('denies with SESSION_UNAVAILABLE when loginauth is down', async () => {
    const { token } = upstreams.emulator.loginMember('gp_member_04');
    upstreams.emulator.inject({ fault: { kind: 'reset' }, path: '/loginauth' });
    expect((await authorize({ authorization: `Bearer ${token}`, 'x-gamepot-member-id': 'gp_member_04' })).context).toEqual({ denied: 'SESSION_UNAVAILABLE' });
  });

  it('denies with SESSION_UNAVAILABLE when loginauth answers 5xx', async () => {
    const { token } = upstreams.emulator.loginMember('gp_member_05');
    upstreams.emulator.inject({ fault: { kind: 'http-status', status: 503 }, path: '/loginauth' });
    expect((await authorize({ authorization: `Bearer ${token}`, 'x-gamepot-member-id': 'gp_member_05' })).context).toEqual({ denied: 'SESSION_UNAVAILABLE' });
  });

  it('denies within its deadline when loginauth is slow', async () => {
    const { token } = upstreams.emulator.loginMember('gp_member_06');
    upstreams.emulator.inject({ fault: { kind: 'delay', ms: 3_000 }, path: '/loginauth' });
    const result = await authorize({ authorization: `Bearer ${token}`, 'x-gamepot-member-id': 'gp_member_06' });
    expect(result.context).toEqual({ denied: 'SESSION_UNAVAILABLE' });
    expect(result.durationMs).toBeLessThan(1_500);
  });

  it('never logs the token', async () => {
    const { token } = upstreams.emulator.loginMember('gp_member_07');
    await authorize({ authorization: `Bearer ${token}`, 'x-gamepot-member-id': 'gp_member_07' });
    expect(authorizer.logs.join('\n')).not.toContain(token);
    expect(authorizer.logs.join('\n')).not.toContain(PROJECT_ID);
  });
});

describe('the shared core reads the authorizer verdict through the identity module', () => {
  const lambdaEvent = (context: Record<string, string>) => {
    const event = httpEvent('list-friendships', {});
    (event.requestContext as Record<string, unknown>).authorizer = { lambda: context };
    return event;
  };

  it('acts as the member', async () => {
    const before = upstreams.emulator.requests.length;
    const answer = (await list.invoke(lambdaEvent({ playerId: 'gp_member_01' }))).payload as HttpAnswer;
    expect(answer.statusCode).toBe(200);
    expect(upstreams.emulator.requests.length).toBe(before + 1);
    expect(JSON.parse(upstreams.emulator.requests.at(-1)!.query.filter!)).toEqual({ status: 'accepted', user_id: 'gp_member_01' });
  });

  it.each([
    ['SESSION_INVALID', 401, 'UNAUTHENTICATED'],
    ['SESSION_UNAVAILABLE', 503, 'SESSION_UNAVAILABLE'],
  ])('turns %s into %s in our envelope, with nothing sent upstream', async (denied, status, code) => {
    const before = upstreams.emulator.requests.length;
    const answer = (await list.invoke(lambdaEvent({ denied }))).payload as HttpAnswer;
    expect({ status: answer.statusCode, code: (JSON.parse(answer.body) as { code: string }).code }).toEqual({ status, code });
    expect(upstreams.emulator.requests.length).toBe(before);
  });
});
