/**
 * `npm start`: the whole product on loopback, with no AWS account and no Ncloud key.
 * `npm start -- --auth gamepot` (or AUTH_MODE=gamepot) checks GamePot sessions instead of JWTs.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_SHUTDOWN_GRACE_MS } from '../local/api-server.js';
import { LOCAL_CREDENTIAL_VARIABLES } from '../local/local-credentials.js';
import { portFrom } from '../local/local-settings.js';
import { LocalConfigError, PortInUseError, startLocalStack, type AuthMode, type LocalStack } from '../local/stack.js';

const TOKEN = `sed -E 's/.*"token":"([^"]+)".*/\\1/'`;

function walkthrough(stack: LocalStack): string {
  const u = stack.url;
  const json = `-H 'content-type: application/json'`;
  const session = (player: string) =>
    stack.auth === 'gamepot'
      ? `curl -s -X POST ${u}/local/gamepot/login ${json} -d '{"memberId":"${player}"}' | ${TOKEN}`
      : `curl -s -X POST ${u}/local/session ${json} -d '{"playerId":"${player}"}' | ${TOKEN}`;
  const as = (variable: string, player: string) =>
    stack.auth === 'gamepot' ? `-H "authorization: Bearer $${variable}" -H 'x-gamepot-member-id: ${player}'` : `-H "authorization: Bearer $${variable}"`;
  const alice = as('ALICE', 'alice_01');
  const bob = as('BOB', 'bob_0002');
  return [
    `  ALICE=$(${session('alice_01')})`,
    `  BOB=$(${session('bob_0002')})`,
    `  curl -s -X POST ${u}/v1/api/friendship/request ${alice} ${json} -d '{"friendId":"bob_0002","message":"gg"}'; echo`,
    `  curl -s "${u}/v1/api/friendships?status=requested" ${alice}; echo`,
    `  curl -s "${u}/v1/api/friendships?status=pending" ${bob}; echo`,
    `  curl -s -X POST ${u}/v1/api/friendship/accept ${bob} ${json} -d '{"friendId":"alice_01"}'; echo`,
    `  curl -s "${u}/v1/api/friendships" ${alice}; echo`,
    `  curl -s -X DELETE "${u}/v1/api/friendship?friendId=bob_0002" ${alice}; echo`,
    `  curl -s "${u}/v1/api/friendships" ${bob}; echo`,
  ].join('\n');
}

function banner(stack: LocalStack): string {
  const u = stack.url;
  const upstream = stack.emulator
    ? `embedded Ncloud emulator at ${stack.upstreamBaseUrl} (state is kept in memory and lost on exit)`
    : `the real vendor at ${stack.upstreamBaseUrl}`;
  const sessions =
    stack.auth === 'gamepot'
      ? `GamePot sessions    POST ${u}/local/gamepot/login   {"memberId": "..."}  → send "Authorization: Bearer <token>" and "X-GamePot-Member-Id"`
      : `player sessions     POST ${u}/local/session   {"playerId": "..."}  (JWKS: ${u}/local/jwks.json)`;
  const cors = stack.cors ? `browsers from ${stack.cors.allowOrigins.join(', ')}` : 'off (no origin allowed)';
  return `
Friendship BFF, running locally (player auth: ${stack.auth})
  HTTP API            ${u}
  ${sessions}
  Lambda Invoke API   AWS_ENDPOINT_URL_LAMBDA=${u}   (function names: request-friend, accept-friend, ...)
  AWS credentials     AWS_ACCESS_KEY_ID=${stack.credentials.accessKeyId} AWS_SECRET_ACCESS_KEY=${stack.credentials.secretAccessKey}
                      (local only; sign the Lambda Invoke API and the bulk route with them; ${LOCAL_CREDENTIAL_VARIABLES.accessKeyId} / ${LOCAL_CREDENTIAL_VARIABLES.secretAccessKey} replace them)
  CORS                ${cors}
  OpenAPI             ${u}/openapi.json
  upstream            ${upstream}
  Secrets Manager     embedded endpoint at ${stack.secrets.url}
  player guard        ${stack.guardStore ? `on: rate limits in table ${stack.guardStore.tableName}, embedded DynamoDB (dynalite) at ${stack.guardStore.url} (GUARD_ENABLED=false turns it off)` : 'off (GUARD_ENABLED=false)'}

Walk through a friendship (copy and paste):
${walkthrough(stack)}

Press Ctrl+C to stop.
`;
}

const { values } = parseArgs({ options: { auth: { type: 'string' } }, allowPositionals: false });
const auth = (values.auth ?? process.env.AUTH_MODE ?? 'jwt') as AuthMode;
if (auth !== 'jwt' && auth !== 'gamepot') {
  console.error(`Unknown auth mode "${String(auth)}": use --auth jwt or --auth gamepot.`);
  process.exit(2);
}
try {
  const stack = await startLocalStack({ port: portFrom(process.env), auth });
  console.log(banner(stack));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping… (the requests in flight get ${DEFAULT_SHUTDOWN_GRACE_MS / 1000} s to finish)`);
    void stack.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (error) {
  if (error instanceof PortInUseError) {
    console.error(`Port ${error.port} is already in use. Stop what is using it, or start on another port: PORT=3001 npm start`);
    process.exit(1);
  }
  if (error instanceof LocalConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
