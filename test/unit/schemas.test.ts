/** The input rules, as properties over generated input. */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { FriendshipFault } from '../../functions/core/errors.js';
import { bulkAddInput, friendPairInput, friendRequestInput, listFriendshipsInput } from '../../functions/core/schemas.js';
import { parseInput } from '../../functions/core/validate.js';

const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-'.split('');
const validId = fc.array(fc.constantFrom(...ID_CHARS), { minLength: 4, maxLength: 128 }).map((chars) => chars.join(''));

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof FriendshipFault) return error.code;
    throw error;
  }
}

describe('player ids follow the vendor member-id rule', () => {
  it('accepts every id of 4 to 128 characters of [A-Za-z0-9_-]', () => {
    fc.assert(fc.property(validId, (id) => codeOf(() => parseInput(friendPairInput, { friendId: id })) === undefined));
  });

  it('refuses every other non-empty string as INVALID_ID', () => {
    const invalid = fc.string({ minLength: 1, maxLength: 200 }).filter((value) => !/^[A-Za-z0-9_-]{4,128}$/.test(value));
    fc.assert(fc.property(invalid, (id) => codeOf(() => parseInput(friendPairInput, { friendId: id })) === 'INVALID_ID'));
  });

  it('calls a missing or empty id MISSING_FIELD', () => {
    expect(codeOf(() => parseInput(friendPairInput, {}))).toBe('MISSING_FIELD');
    expect(codeOf(() => parseInput(friendPairInput, { friendId: '' }))).toBe('MISSING_FIELD');
  });

  it('refuses any unknown field', () => {
    const extraKey = fc.string({ minLength: 1, maxLength: 20 }).filter((key) => !['userId', 'friendId', 'message', '__proto__'].includes(key));
    fc.assert(fc.property(validId, extraKey, (id, key) => codeOf(() => parseInput(friendRequestInput, { friendId: id, [key]: 1 })) === 'UNKNOWN_FIELD'));
  });
});

describe('messages, statuses, paging and bulk', () => {
  it('allows a message of up to 256 characters', () => {
    expect(codeOf(() => parseInput(friendRequestInput, { friendId: 'abcd', message: 'm'.repeat(256) }))).toBeUndefined();
    expect(codeOf(() => parseInput(friendRequestInput, { friendId: 'abcd', message: 'm'.repeat(257) }))).toBe('MESSAGE_TOO_LONG');
  });

  it('takes limits 1 to 100 and any non-negative offset', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), (limit) => {
        const code = codeOf(() => parseInput(listFriendshipsInput, { limit }));
        return limit >= 1 && limit <= 100 ? code === undefined : code === 'INVALID_PAGING';
      }),
    );
    expect(codeOf(() => parseInput(listFriendshipsInput, { offset: 1.5 }))).toBe('INVALID_PAGING');
  });

  it('takes only the four list statuses', () => {
    for (const status of ['requested', 'pending', 'accepted', 'rejected']) expect(codeOf(() => parseInput(listFriendshipsInput, { status }))).toBeUndefined();
    expect(codeOf(() => parseInput(listFriendshipsInput, { status: 'deleted' }))).toBe('INVALID_STATUS');
  });

  it('takes 1 to 100 distinct bulk pairs', () => {
    const pairs = fc.uniqueArray(fc.tuple(validId, validId).filter(([a, b]) => a !== b), { minLength: 1, maxLength: 130, selector: ([a, b]) => `${a} ${b}` });
    fc.assert(
      fc.property(pairs, (tuples) => {
        const code = codeOf(() => parseInput(bulkAddInput, tuples.map(([userId, friendId]) => ({ userId, friendId }))));
        return tuples.length <= 100 ? code === undefined : code === 'TOO_MANY_PAIRS';
      }),
      { numRuns: 50 },
    );
  });
});
