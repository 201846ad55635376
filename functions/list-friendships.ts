import { defineOperation } from './core/operation.js';
import { friendshipListFromReply } from './core/friendship-shape.js';
import { vendorListQuery } from './core/vendor-terms.js';

export const handler = defineOperation('list-friendships', {
  upstream: (input) => ({ method: 'GET', path: '/friendships', query: vendorListQuery(input) }),
  result: friendshipListFromReply,
});
