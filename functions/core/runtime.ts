/** The per-container parts, built on the first invocation and kept while the container lives. */
import { readConfig, type FunctionConfig } from './config.js';
import { SecretCache, secretsManagerReader } from './secret.js';
import { UpstreamClient } from './upstream.js';

export interface Runtime {
  config: FunctionConfig;
  secrets: SecretCache;
  upstream: UpstreamClient;
}

let runtime: Runtime | undefined;

export function containerRuntime(): Runtime {
  if (runtime) return runtime;
  const config = readConfig();
  const secrets = new SecretCache(secretsManagerReader(config.secretId, config.secretTimeoutMs), {
    ttlMs: config.secretTtlSeconds * 1000,
    timeoutMs: config.secretTimeoutMs,
  });
  runtime = { config, secrets, upstream: new UpstreamClient({ baseUrl: config.upstreamBaseUrl, timeoutMs: config.upstreamTimeoutMs }, secrets) };
  return runtime;
}
