/**
 * The typed client's types are generated from the zod schemas and the route
 * table (lib/client-types.ts); the committed client/src/generated.ts must be
 * what the generator writes today.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { errorCodes, operationNames, type Friendship, type PayloadOf } from '@friendship-bff/client';
import { errorStatus } from '../../functions/core/errors.js';
import { friendshipResultStatus } from '../../functions/core/schemas.js';
import { operations } from '../../functions/operations.js';
import { generatedClientFile, renderClientTypes } from '../../lib/client-types.js';

describe('client/src/generated.ts', () => {
  it('is current (regenerate it with `npm run client:generate`)', async () => {
    expect(readFileSync(generatedClientFile, 'utf8')).toBe(await renderClientTypes());
  });

  it('names every operation of the route table and every code of the error table', () => {
    expect([...operationNames]).toEqual(Object.keys(operations));
    expect([...errorCodes]).toEqual(Object.keys(errorStatus));
  });

  it("types a friendship's status as the statuses an answer can carry, not as any string", () => {
    const statuses: Friendship['status'][] = [...friendshipResultStatus.options];
    expect(statuses).toEqual(['requested', 'pending', 'accepted', 'rejected', 'deleted']);
    // @ts-expect-error 'blocked' is no status the API answers (checked by `npm run typecheck`)
    const notAStatus: Friendship['status'] = 'blocked';
    expect(friendshipResultStatus.options).not.toContain(notAStatus);
  });

  it('makes the acting player required in a direct invocation of a player operation', () => {
    // @ts-expect-error userId is required: over HTTP it comes from the session, here nothing fills it in
    const withoutPlayer: PayloadOf<'accept-friend'> = { friendId: 'bob_0002' };
    expect(withoutPlayer).not.toHaveProperty('userId');
  });
});
