import { defineOperation } from './core/operation.js';
import { friendshipFromReply } from './core/friendship-shape.js';

export const handler = defineOperation('accept-friend', {
  upstream: (input) => ({ method: 'POST', path: '/friendship/accept', body: input }),
  result: friendshipFromReply,
});
