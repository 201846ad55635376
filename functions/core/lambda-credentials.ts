/**
 * Bundled in place of `@aws-sdk/credential-provider-node` (lib/bundling.ts).
 *
 * Lambda always hands a function its role's credentials in the environment
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), the first link
 * of the SDK's default chain. The other links (SSO, ini files, process, web
 * identity, IMDS, and the STS/SSO clients they carry) are never reached in a
 * function, yet cost ~135 KB that Node compiles on every cold start. This keeps
 * the one link used; see "Performance" in the README.
 */
import { fromEnv, type FromEnvInit } from '@aws-sdk/credential-provider-env';

/** The name and shape the SDK's runtime config imports from @aws-sdk/credential-provider-node. */
export const defaultProvider = (init?: FromEnvInit) => fromEnv(init);
