export { FriendshipClient, FriendshipError, type FriendshipClientOptions } from './friendship-client.js';
export * from './generated.js';
