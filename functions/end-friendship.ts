import { defineOperation } from './core/operation.js';
import { endedFriendshipFromReply } from './core/friendship-shape.js';
import { jsonBodyOrQuery } from './core/http-input.js';
import { friendPairInput } from './core/schemas.js';

export const handler = defineOperation({
  name: 'end-friendship',
  input: friendPairInput,
  http: jsonBodyOrQuery(['friendId', 'userId']),
  upstream: (input) => ({ method: 'DELETE', path: '/friendship', body: input }),
  result: endedFriendshipFromReply,
});
