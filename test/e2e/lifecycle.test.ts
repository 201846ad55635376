/**
 * End to end over real HTTP against the local stack (the built bundles behind
 * the local HTTP API, the JWT authorizer, the Ncloud emulator): the whole
 * friendship lifecycle for two players, the reject path, and two players acting
 * on the same pair at once.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { Api, NOTHING, friendshipOf, only, outcome, type HttpReply, type Player } from '../support/http.js';
import { lifecycle, seenBy } from '../support/lifecycle.js';

let stack: LocalStack;
let api: Api;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, quiet: true, functionLogs: false });
  api = new Api(stack);
});

afterAll(async () => {
  await stack?.stop();
});

const players = (a: string, b: string) => Promise.all([api.player(a), api.player(b)]);

describe('the whole lifecycle for two players', () => {
  let alice: Player;
  let bob: Player;
  beforeAll(async () => {
    [alice, bob] = await players('life_alice', 'life_bob01');
  });

  it('1. a request', async () => {
    const before = api.upstreamRequests;
    const sent = await lifecycle.request(alice, bob, 'gg, add me');
    expect(sent.headers['x-request-id']).toEqual(expect.any(String));
    // The acting player came from the session, not from anything the client wrote.
    expect(stack.emulator!.requests.slice(before)).toEqual([expect.objectContaining({ method: 'POST', body: { userId: alice.id, friendId: bob.id, message: 'gg, add me' } })]);
  });

  it('2. the sender sees it under requested and the recipient under pending', () => lifecycle.seeRequested(alice, bob, 'gg, add me'));
  it('3. accept', () => lifecycle.accept(alice, bob));
  it('4. both see an accepted friendship (the default list)', () => lifecycle.seeFriends(alice, bob));
  it('5. end (through the query, as a client that cannot send a DELETE body)', () => lifecycle.end(alice, bob));
  it('6. both lists are empty, in every status', () => lifecycle.seeNothing(alice, bob));

  it('and the two may start again', async () => {
    expect((await bob.request(alice.id)).status).toBe(200);
    expect(await seenBy(alice, bob)).toEqual([only('pending', bob.id), only('requested', alice.id)]);
    expect((await bob.end(alice.id, 'body')).status).toBe(200);
    expect(await seenBy(alice, bob)).toEqual([NOTHING, NOTHING]);
  });
});

describe('the reject path', () => {
  let carol: Player;
  let dave: Player;
  beforeAll(async () => {
    [carol, dave] = await players('rej_carol1', 'rej_dave01');
  });

  it('a rejected request shows as rejected on both sides', async () => {
    expect((await carol.request(dave.id)).status).toBe(200);
    await lifecycle.reject(carol, dave);
    await lifecycle.seeRejected(carol, dave);
  });

  it('a rejected request can no longer be accepted or rejected: 400 UPSTREAM_REJECTED', async () => {
    const accept = await dave.accept(carol.id);
    expect(outcome(accept)).toEqual({ status: 400, code: 'UPSTREAM_REJECTED' });
    expect(accept.body).toMatchObject({ status: -1, message: expect.stringMatching(/no pending request/) });
    expect(outcome(await dave.reject(carol.id))).toEqual({ status: 400, code: 'UPSTREAM_REJECTED' });
    expect(await seenBy(carol, dave)).toEqual([only('rejected', dave.id), only('rejected', carol.id)]);
  });

  it('after a reject, a new request is allowed and replaces it', async () => {
    const again = await carol.request(dave.id, 'second try');
    expect(again.status).toBe(200);
    expect(friendshipOf(again)).toMatchObject({ status: 'requested', message: 'second try' });
    expect(await seenBy(carol, dave)).toEqual([only('requested', dave.id), only('pending', carol.id)]);
    expect((await dave.accept(carol.id)).status).toBe(200);
    expect(await seenBy(carol, dave)).toEqual([only('accepted', dave.id), only('accepted', carol.id)]);
  });

  it('the rejecting side may send the new request too', async () => {
    const [erin, frank] = await players('rej_erin01', 'rej_frank1');
    expect((await erin.request(frank.id)).status).toBe(200);
    expect((await frank.reject(erin.id)).status).toBe(200);
    expect((await frank.request(erin.id)).status).toBe(200);
    expect(await seenBy(erin, frank)).toEqual([only('pending', frank.id), only('requested', erin.id)]);
  });

  it('rejecting when nothing is pending is 400 UPSTREAM_REJECTED and changes nothing', async () => {
    const [gina, hank] = await players('rej_gina01', 'rej_hank01');
    expect(outcome(await gina.reject(hank.id))).toEqual({ status: 400, code: 'UPSTREAM_REJECTED' });
    // The sender cannot answer its own request either.
    expect((await gina.request(hank.id)).status).toBe(200);
    expect(outcome(await gina.reject(hank.id))).toEqual({ status: 400, code: 'UPSTREAM_REJECTED' });
    expect(outcome(await gina.accept(hank.id))).toEqual({ status: 400, code: 'UPSTREAM_REJECTED' });
    expect(await seenBy(gina, hank)).toEqual([only('requested', hank.id), only('pending', gina.id)]);
  });
});

/** Whichever of two concurrent calls landed first, as the two answers show it. */
const succeeded = (reply: HttpReply) => reply.status === 200;

describe('two players acting on the same pair at once', () => {
  it('cross requests: exactly one wins (requested), the other is refused (400 UPSTREAM_REJECTED), and both lists agree', async () => {
    for (let round = 0; round < 4; round += 1) {
      const [ivan, judy] = await players(`race_ivan${round}`, `race_judy${round}`);
      const before = api.upstreamRequests;
      const [fromIvan, fromJudy] = await Promise.all([ivan.request(judy.id), judy.request(ivan.id)]);
      expect(api.upstreamRequests - before).toBe(2);
      expect([fromIvan, fromJudy].filter(succeeded)).toHaveLength(1);
      const [winner, loser, winnerReply, loserReply] = succeeded(fromIvan) ? [ivan, judy, fromIvan, fromJudy] : [judy, ivan, fromJudy, fromIvan];
      expect(friendshipOf(winnerReply)).toMatchObject({ status: 'requested', user_id: winner.id, friend_id: loser.id });
      expect(outcome(loserReply)).toEqual({ status: 400, code: 'UPSTREAM_REJECTED' });
      expect(loserReply.body).toMatchObject({ message: expect.stringMatching(/already sent you a request/) });
      expect(await seenBy(winner, loser)).toEqual([only('requested', loser.id), only('pending', winner.id)]);
      // The refused side does what the message says, and the pair converges.
      expect((await loser.accept(winner.id)).status).toBe(200);
      expect(await seenBy(winner, loser)).toEqual([only('accepted', loser.id), only('accepted', winner.id)]);
    }
  });

  /** Holds back the next upstream call on `path` so the other call lands first. */
  const holdBack = (path: string) => stack.emulator!.inject({ fault: { kind: 'delay', ms: 800 }, times: 1, path });

  it('accept while the other side ends, end landing first: end 200, accept 400 UPSTREAM_REJECTED, nothing left', async () => {
    const [kate, liam] = await players('race_kate01', 'race_liam01');
    expect((await kate.request(liam.id)).status).toBe(200);
    holdBack('/friendship/accept');
    const [accepted, ended] = await Promise.all([liam.accept(kate.id), kate.end(liam.id)]);
    expect(ended.status).toBe(200);
    expect(friendshipOf(ended)).toMatchObject({ status: 'deleted', user_id: kate.id, friend_id: liam.id });
    expect(outcome(accepted)).toEqual({ status: 400, code: 'UPSTREAM_REJECTED' });
    expect(await seenBy(kate, liam)).toEqual([NOTHING, NOTHING]);
  });

  it('accept while the other side ends, accept landing first: both 200, the friendship is ended, nothing left', async () => {
    const [mona, nick] = await players('race_mona01', 'race_nick01');
    expect((await mona.request(nick.id)).status).toBe(200);
    holdBack('/friendship');
    const [accepted, ended] = await Promise.all([nick.accept(mona.id), mona.end(nick.id)]);
    expect(accepted.status).toBe(200);
    expect(friendshipOf(accepted)).toMatchObject({ status: 'accepted' });
    expect(ended.status).toBe(200);
    expect(friendshipOf(ended)).toMatchObject({ status: 'deleted' });
    expect(await seenBy(mona, nick)).toEqual([NOTHING, NOTHING]);
  });

  it('accept while the other side ends, truly at once: end always succeeds, and whatever accept answered, both sides are empty', async () => {
    for (let round = 0; round < 4; round += 1) {
      const [olga, pete] = await players(`race_olga${round}`, `race_pete${round}`);
      expect((await olga.request(pete.id)).status).toBe(200);
      const [accepted, ended] = await Promise.all([pete.accept(olga.id), olga.end(pete.id)]);
      expect(ended.status).toBe(200);
      expect([200, 400]).toContain(accepted.status);
      if (accepted.status === 400) expect(outcome(accepted)).toEqual({ status: 400, code: 'UPSTREAM_REJECTED' });
      expect(await seenBy(olga, pete)).toEqual([NOTHING, NOTHING]);
    }
  });

  it('both sides end at once: one 200, the other 404 UPSTREAM_REJECTED, nothing left', async () => {
    const [quin, rosa] = await players('race_quin01', 'race_rosa01');
    expect((await quin.request(rosa.id)).status).toBe(200);
    expect((await rosa.accept(quin.id)).status).toBe(200);
    const answers = await Promise.all([quin.end(rosa.id), rosa.end(quin.id, 'query')]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 404]);
    expect(outcome(answers.find((answer) => answer.status === 404)!)).toEqual({ status: 404, code: 'UPSTREAM_REJECTED' });
    expect(await seenBy(quin, rosa)).toEqual([NOTHING, NOTHING]);
  });

  it('the same request sent twice at once: one 200, the other 400 UPSTREAM_REJECTED, one request open', async () => {
    const [sara, tom] = await players('race_sara01', 'race_tom001');
    const answers = await Promise.all([sara.request(tom.id), sara.request(tom.id)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 400]);
    expect(answers.find((answer) => answer.status === 400)?.body).toMatchObject({ code: 'UPSTREAM_REJECTED', message: expect.stringMatching(/already sent/) });
    expect(await seenBy(sara, tom)).toEqual([only('requested', tom.id), only('pending', sara.id)]);
  });
});

describe('the OpenAPI contract', () => {
  it('documents every status, code and body this file was answered', () => {
    expect(api.contract.answers.length).toBeGreaterThan(50);
    expect(api.contract.problems()).toEqual([]);
  });
});
