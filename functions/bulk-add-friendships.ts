import { defineOperation } from './core/operation.js';
import { jsonBody } from './core/http-input.js';
import { bulkAddInput } from './core/schemas.js';

export const handler = defineOperation({
  name: 'bulk-add-friendships',
  input: bulkAddInput,
  http: jsonBody,
  upstream: (pairs) => ({ method: 'POST', path: '/friendship/bulk', body: pairs }),
  // The vendor echoes the array or says "Friends added successfully"; either way these pairs were added.
  result: (_reply, pairs) => ({ added: pairs.map(({ userId, friendId }) => ({ userId, friendId })) }),
});
