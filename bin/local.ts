/** `npm start`: the whole product on loopback, with no AWS account and no Ncloud key. */
import { PortInUseError, startLocalStack, type LocalStack } from '../local/stack.js';

function banner(stack: LocalStack): string {
  const u = stack.url;
  const token = `sed -E 's/.*"token":"([^"]+)".*/\\1/'`;
  const upstream = stack.emulator
    ? `embedded Ncloud emulator at ${stack.upstreamBaseUrl} (state is kept in memory and lost on exit)`
    : `the real vendor at ${stack.upstreamBaseUrl}`;
  return `
Friendship BFF, running locally
  HTTP API            ${u}
  player sessions     POST ${u}/local/session   {"playerId": "..."}  (JWKS: ${u}/local/jwks.json)
  Lambda Invoke API   AWS_ENDPOINT_URL_LAMBDA=${u}   (function names: request-friend, accept-friend, ...)
  OpenAPI             ${u}/openapi.json
  upstream            ${upstream}
  Secrets Manager     embedded endpoint at ${stack.secrets.url}

Walk through a friendship (copy and paste):
  ALICE=$(curl -s -X POST ${u}/local/session -H 'content-type: application/json' -d '{"playerId":"alice_01"}' | ${token})
  BOB=$(curl -s -X POST ${u}/local/session -H 'content-type: application/json' -d '{"playerId":"bob_0002"}' | ${token})
  curl -s -X POST ${u}/v1/api/friendship/request -H "authorization: Bearer $ALICE" -H 'content-type: application/json' -d '{"friendId":"bob_0002","message":"gg"}'; echo
  curl -s "${u}/v1/api/friendships?status=pending" -H "authorization: Bearer $BOB"; echo
  curl -s -X POST ${u}/v1/api/friendship/accept -H "authorization: Bearer $BOB" -H 'content-type: application/json' -d '{"friendId":"alice_01"}'; echo
  curl -s "${u}/v1/api/friendships" -H "authorization: Bearer $ALICE"; echo
  curl -s -X DELETE "${u}/v1/api/friendship?friendId=bob_0002" -H "authorization: Bearer $ALICE"; echo
  curl -s "${u}/v1/api/friendships" -H "authorization: Bearer $BOB"; echo

Press Ctrl+C to stop.
`;
}

const port = process.env.PORT ? Number(process.env.PORT) : 3000;
try {
  const stack = await startLocalStack({ port });
  console.log(banner(stack));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    void stack.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (error) {
  if (error instanceof PortInUseError) {
    console.error(`Port ${error.port} is already in use. Stop what is using it, or start on another port: PORT=3001 npm start`);
    process.exit(1);
  }
  throw error;
}
