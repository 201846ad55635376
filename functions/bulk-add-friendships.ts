import { defineOperation } from './core/operation.js';

export const handler = defineOperation('bulk-add-friendships', {
  upstream: (pairs) => ({ method: 'POST', path: '/friendship/bulk', body: pairs }),
  // The vendor echoes the array or says "Friends added successfully"; either way these pairs were added.
  result: (_reply, pairs) => ({ added: pairs.map(({ userId, friendId }) => ({ userId, friendId })) }),
});
