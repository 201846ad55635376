import { defineOperation } from './core/operation.js';
import { friendshipFromReply } from './core/friendship-shape.js';
import { jsonBody } from './core/http-input.js';
import { friendPairInput } from './core/schemas.js';

export const handler = defineOperation({
  name: 'accept-friend',
  input: friendPairInput,
  http: jsonBody,
  upstream: (input) => ({ method: 'POST', path: '/friendship/accept', body: input }),
  result: friendshipFromReply,
});
