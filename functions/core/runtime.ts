/** The per-container parts, built on the first invocation and kept while the container lives. */
import { readConfig, type FunctionConfig } from './config.js';
import { Guard } from './guard.js';
import { GuardStore } from './guard-store.js';
import { SecretCache, secretsManagerReader, type SecretReader } from './secret.js';
import { UpstreamClient } from './upstream.js';

export interface Runtime {
  config: FunctionConfig;
  secrets: SecretCache;
  upstream: UpstreamClient;
  /** The player guard; undefined when GUARD_ENABLED=false. */
  guard: Guard | undefined;
}

export interface RuntimeParts {
  /** @default Secrets Manager's, for the config's secret */
  readSecret?: SecretReader;
  /** @default a store on the environment's DynamoDB client (AWS_ENDPOINT_URL_DYNAMODB locally) */
  guardStore?: GuardStore;
}

/** The parts for a config, on AWS unless a test gives others (a secret from memory, a store on a local DynamoDB). */
export function createRuntime(config: FunctionConfig, parts: RuntimeParts = {}): Runtime {
  const reader = parts.readSecret ?? secretsManagerReader(config.secretId, config.secretTimeoutMs);
  const secrets = new SecretCache(reader, { ttlMs: config.secretTtlSeconds * 1000, timeoutMs: config.secretTimeoutMs });
  const guard = config.guard ? new Guard(parts.guardStore ?? GuardStore.fromEnvironment(config.guard), config.guard) : undefined;
  return { config, secrets, upstream: new UpstreamClient({ baseUrl: config.upstreamBaseUrl, timeoutMs: config.upstreamTimeoutMs }, secrets), guard };
}

let runtime: Runtime | undefined;

/** The container's runtime, from its environment. */
export function containerRuntime(): Runtime {
  runtime ??= createRuntime(readConfig());
  return runtime;
}
