import { defineOperation } from './core/operation.js';
import { friendshipFromReply } from './core/friendship-shape.js';

export const handler = defineOperation('request-friend', {
  upstream: (input) => ({ method: 'POST', path: '/friendship/request', body: input }),
  result: friendshipFromReply,
});
