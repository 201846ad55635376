/** The emulator and the Secrets Manager endpoint holding its key: what the bundles talk to in the tests and the bench. */
import type { UpstreamCredentials } from '../functions/core/secret.js';
import { NcloudEmulator } from './ncloud-emulator.js';
import { SecretsManagerEndpoint } from './secrets-manager-endpoint.js';

export interface Upstreams {
  emulator: NcloudEmulator;
  secrets: SecretsManagerEndpoint;
  stop(): Promise<void>;
}

export interface StoredCredentials extends UpstreamCredentials {
  /** The ARN under which the endpoint serves `{apiKey, projectId}`. */
  secretArn: string;
}

export async function startUpstreams({ apiKey, projectId, secretArn }: StoredCredentials): Promise<Upstreams> {
  const emulator = new NcloudEmulator({ apiKey, projectId });
  const secrets = new SecretsManagerEndpoint();
  await Promise.all([emulator.start(), secrets.start()]);
  secrets.put(secretArn, JSON.stringify({ apiKey, projectId }));
  return {
    emulator,
    secrets,
    stop: async () => {
      await Promise.all([emulator.stop(), secrets.stop()]);
    },
  };
}
