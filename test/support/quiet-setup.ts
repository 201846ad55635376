/**
 * Keeps `npm test` output to the results: runs before every test file.
 * - The SDK's Node 20 notice is about this machine's Node, not about the code under test.
 * - In-process loggers are silent unless a test captures them; the built bundles run in
 *   child processes with their own environment and are unaffected.
 * - The SDK's Lambda invoke store puts `globalThis.awslambda` on import (Lambda's own global);
 *   Jest's cleanup between files then warns when the SDK reads it. In-process, there is no Lambda.
 * - CDK prints "Bundling asset <path>..." straight to stderr for every NodejsFunction it
 *   bundles; that one line is dropped, anything else on stderr still shows.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA = 'true';

const BUNDLING_NOTICE = /^Bundling asset \S+\.\.\.\r?\n$/;
const write = process.stderr.write.bind(process.stderr);
process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) =>
  typeof chunk === 'string' && BUNDLING_NOTICE.test(chunk) ? true : write(chunk, ...rest)) as typeof process.stderr.write;
