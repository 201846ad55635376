/**
 * The floor: the least work request-friend physically needs. It imports the
 * Secrets Manager client (there is no way to read the key without it), caches
 * the secret for the life of the container, and makes the upstream call with
 * plain fetch. No validation, no logging, no error handling. Not shipped.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

interface Event {
  body?: string;
  requestContext: { authorizer?: { jwt?: { claims?: Record<string, unknown> } } };
}

const client = new SecretsManagerClient({});
let credentials: Promise<{ apiKey: string; projectId: string }> | undefined;

export const handler = async (event: Event) => {
  // Caching the promise also makes concurrent cold requests share one fetch.
  credentials ??= client
    .send(new GetSecretValueCommand({ SecretId: process.env.SECRET_ID }))
    .then((output) => JSON.parse(output.SecretString ?? '{}') as { apiKey: string; projectId: string });
  const { apiKey, projectId } = await credentials;
  const { friendId, message } = JSON.parse(event.body ?? '{}') as { friendId?: string; message?: string };
  const response = await fetch(`${process.env.UPSTREAM_BASE_URL}/friendship/request`, {
    method: 'POST',
    headers: { 'x-api-key': apiKey, 'x-project-id': projectId, 'content-type': 'application/json' },
    body: JSON.stringify({ userId: event.requestContext.authorizer?.jwt?.claims?.sub, friendId, message }),
  });
  return { statusCode: response.status, headers: { 'content-type': 'application/json' }, body: await response.text() };
};
