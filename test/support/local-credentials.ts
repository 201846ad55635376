/** The local stack's credential pair, declared once in local/local-credentials.ts (LOCAL_ACCESS_KEY_ID / LOCAL_SECRET_ACCESS_KEY replace it there). */
export { DEFAULT_LOCAL_CREDENTIALS as localCredentials } from '../../local/local-credentials.js';
