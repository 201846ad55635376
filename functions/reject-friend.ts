import { defineOperation } from './core/operation.js';
import { friendshipFromReply } from './core/friendship-shape.js';

export const handler = defineOperation('reject-friend', {
  upstream: (input) => ({ method: 'POST', path: '/friendship/reject', body: input }),
  result: friendshipFromReply,
});
