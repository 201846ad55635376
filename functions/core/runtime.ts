/** The per-container parts, built on the first invocation and kept while the container lives. */
import { readConfig, type FunctionConfig } from './config.js';
import { SecretCache, secretsManagerReader, type SecretReader } from './secret.js';
import { UpstreamClient } from './upstream.js';

export interface Runtime {
  config: FunctionConfig;
  secrets: SecretCache;
  upstream: UpstreamClient;
}

/** The parts for a config; the secret is read from Secrets Manager unless another reader is given (a test's). */
export function createRuntime(config: FunctionConfig, read: SecretReader = secretsManagerReader(config.secretId, config.secretTimeoutMs)): Runtime {
  const secrets = new SecretCache(read, { ttlMs: config.secretTtlSeconds * 1000, timeoutMs: config.secretTimeoutMs });
  return { config, secrets, upstream: new UpstreamClient({ baseUrl: config.upstreamBaseUrl, timeoutMs: config.upstreamTimeoutMs }, secrets) };
}

let runtime: Runtime | undefined;

/** The container's runtime, from its environment. */
export function containerRuntime(): Runtime {
  runtime ??= createRuntime(readConfig());
  return runtime;
}
