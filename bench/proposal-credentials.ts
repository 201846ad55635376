/**
 * PROPOSED as functions/core/lambda-credentials.ts, with lib/bundling.ts aliasing
 * `@aws-sdk/credential-provider-node` to it (see the Performance findings).
 * Until then the bench uses it only for `npm run bench -- --proposal` and
 * bench/levers.ts.
 *
 * Lambda always gives a function its execution role's credentials in the
 * environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), and
 * the SDK's default chain tries the environment first. The chain's other links
 * (SSO, ini files, process, web identity, IMDS, plus the STS/SSO clients they
 * carry) are never reached in a function, yet they are ~135 KB of every bundle
 * that Node parses and compiles on each cold start. This keeps the one link used.
 */
import { fromEnv, type FromEnvInit } from '@aws-sdk/credential-provider-env';

/** The name and shape the SDK's runtime config imports from @aws-sdk/credential-provider-node. */
export const defaultProvider = (init?: FromEnvInit) => fromEnv(init);
