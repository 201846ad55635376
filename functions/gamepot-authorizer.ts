import { authorizeGamePotSession } from './core/gamepot-session.js';

/** The Lambda REQUEST authorizer of the player routes in `auth.mode: gamepot`. */
export const handler = authorizeGamePotSession;
