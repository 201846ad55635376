import { defineOperation } from './core/operation.js';
import { friendshipListFromReply } from './core/friendship-shape.js';
import { listQuery } from './core/http-input.js';
import { listFriendshipsInput } from './core/schemas.js';
import { vendorListQuery } from './core/vendor-terms.js';

export const handler = defineOperation({
  name: 'list-friendships',
  input: listFriendshipsInput,
  http: listQuery,
  upstream: (input) => ({ method: 'GET', path: '/friendships', query: vendorListQuery(input) }),
  result: friendshipListFromReply,
});
