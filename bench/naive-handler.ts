/**
 * The naive peer: request-friend written the way a typical first version is.
 * Not shipped; the benchmark builds it as a CommonJS bundle into .bench-tmp/.
 * - full `zod` (the classic chained API, whole library in the bundle);
 * - a new Secrets Manager client, and a secret fetch, on every request;
 * - a new TCP connection to the upstream for every request (no keep-alive);
 * - a console.log line per request.
 * It still validates and answers correctly, so the comparison is like for like.
 */
import http from 'node:http';
import https from 'node:https';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { z } from 'zod';

const playerId = z.string().regex(/^[A-Za-z0-9_-]{4,128}$/);
const RequestFriendBody = z
  .object({
    userId: playerId.optional(),
    friendId: playerId,
    message: z.string().max(256).optional(),
  })
  .strict();

const Env = z.object({
  SECRET_ID: z.string().min(1),
  UPSTREAM_BASE_URL: z.string().url().default('https://dashboard-api.ncloudchat.naverncp.com/v1/api'),
});
const env = Env.parse(process.env);

const Secret = z.object({ apiKey: z.string().min(1), projectId: z.string().min(1) });

const reply = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** One request on a fresh connection: `agent: false` gives a one-off agent without keep-alive. */
function post(url: URL, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(url, { method: 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export const handler = async (event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<APIGatewayProxyStructuredResultV2> => {
  const started = Date.now();
  const userId = event.requestContext.authorizer?.jwt?.claims?.sub;
  if (typeof userId !== 'string') return reply(401, { message: 'unauthorized' });

  let input: z.infer<typeof RequestFriendBody>;
  try {
    input = RequestFriendBody.parse(JSON.parse(event.body ?? '{}'));
  } catch (error) {
    return reply(400, { message: error instanceof z.ZodError ? error.issues[0]?.message : 'invalid JSON' });
  }

  // A new client and a fresh read each time: the usual first version.
  const client = new SecretsManagerClient({});
  let secret: z.infer<typeof Secret>;
  try {
    const output = await client.send(new GetSecretValueCommand({ SecretId: env.SECRET_ID }));
    secret = Secret.parse(JSON.parse(output.SecretString ?? ''));
  } finally {
    // Only so 2,000 bench requests do not pile up idle sockets; a first version often forgets this too.
    client.destroy();
  }

  const body = JSON.stringify({ userId, friendId: input.friendId, message: input.message });
  const upstream = await post(
    new URL(`${env.UPSTREAM_BASE_URL}/friendship/request`),
    {
      'x-api-key': secret.apiKey,
      'x-project-id': secret.projectId,
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
    },
    body,
  );
  console.log(JSON.stringify({ level: 'INFO', message: 'request completed', status: upstream.status, latencyMs: Date.now() - started }));
  return { statusCode: upstream.status, headers: { 'content-type': 'application/json' }, body: upstream.text };
};
