/** The stage's physical and construct names, written once. */
import type { FunctionName } from './bundling.js';

export const stackNameOf = (stage: string) => `FriendshipBff-${stage}`;
export const functionNameOf = (stage: string, name: FunctionName) => `friendship-${stage}-${name}`;
/** `request-friend` as a construct id: `RequestFriend`. */
export const pascal = (name: string) => name.replace(/(^|-)([a-z])/g, (_, _dash: string, letter: string) => letter.toUpperCase());
