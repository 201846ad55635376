import { defineOperation } from './core/operation.js';
import { endedFriendshipFromReply } from './core/friendship-shape.js';

export const handler = defineOperation('end-friendship', {
  upstream: (input) => ({ method: 'DELETE', path: '/friendship', body: input }),
  result: endedFriendshipFromReply,
});
