import { defineOperation } from './core/operation.js';
import { friendshipFromReply } from './core/friendship-shape.js';
import { jsonBody } from './core/http-input.js';
import { friendRequestInput } from './core/schemas.js';

export const handler = defineOperation({
  name: 'request-friend',
  input: friendRequestInput,
  http: jsonBody,
  upstream: (input) => ({ method: 'POST', path: '/friendship/request', body: input }),
  result: friendshipFromReply,
});
