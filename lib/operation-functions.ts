/**
 * The stage's Lambda functions: one per operation of the registry, and in
 * `auth.mode: gamepot` the session authorizer. Each is an OperationFunction (its
 * own log group and role) that may read the upstream secret; each gets the
 * variables of functions/core/config.ts and a timeout derived from its deadlines.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { functionEnvironment, rateLimitNames, settings } from '../functions/core/config.js';
import { operationNames, operations, type OperationName } from '../functions/operations.js';
import type { FunctionName } from './bundling.js';
import { guardActionsOf, type GuardTable } from './guard-table.js';
import { markGrouping } from './logical-ids.js';
import { functionNameOf, pascal } from './names.js';
import { OperationFunction } from './operation-function.js';
import type { StageConfig } from './stage-config.js';
import { authorizerTimeoutMs, functionTimeoutMs } from './timeouts.js';
import type { UpstreamSecret } from './upstream-secret.js';

export interface OperationFunctionsProps {
  /** The stage's name: part of every function's name (`friendship-<stage>-<operation>`). */
  readonly stage: string;
  /** The secret every function may read, and whose id it gets as SECRET_ID. */
  readonly secret: UpstreamSecret;
  /** The player guard's table: its name goes to every operation as GUARD_TABLE_NAME, its item actions to those that use them. */
  readonly guardTable: GuardTable;
  /** The stage's sections the functions are built from. */
  readonly config: Pick<StageConfig, 'secret' | 'upstream' | 'auth' | 'functions' | 'logs' | 'guard'>;
}


export class OperationFunctions extends Construct {
  readonly functions: Readonly<Record<OperationName, NodejsFunction>>;
  /** The deployed timeout of every operation, from its deadlines (lib/timeouts.ts). */
  readonly functionTimeout: Duration;
  /** `auth.mode: gamepot` only: the Lambda REQUEST authorizer of the player routes, and its timeout. */
  readonly gamepotAuthorizer: NodejsFunction | undefined;
  readonly authorizerTimeout: Duration | undefined;

  constructor(scope: Construct, id: string, { stage, secret, guardTable, config }: OperationFunctionsProps) {
    super(scope, id);
    markGrouping(this);
    const logRemoval = config.logs.removal === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    /** Every function, the authorizer included, is built the same way: bundling, log group, own role, secret read. */
    const build = (name: FunctionName, description: string, timeout: Duration, environment: Record<string, string>, guardActions: readonly string[] = []): NodejsFunction => {
      const built = new OperationFunction(this, pascal(name), {
        name,
        functionName: functionNameOf(stage, name),
        description: `Friendship BFF (${stage}): ${description}`,
        timeout,
        memoryMb: config.functions.memoryMb,
        reservedConcurrency: config.functions.reservedConcurrency,
        logLevel: config.functions.logLevel,
        logRetention: config.logs.retentionDays,
        logRemoval,
        environment,
      });
      secret.grantRead(built.role);
      guardTable.grantItemActions(built.role, guardActions);
      return built.function;
    };

    // SECRET_ID names the secret; its value is read at run time.
    const secretEnvironment: Record<string, string> = {
      ...functionEnvironment({ secretId: secret.secretId, secretTtlSeconds: config.secret.ttlSeconds, secretTimeoutMs: config.secret.timeoutMs }),
      POWERTOOLS_SERVICE_NAME: 'friendship-bff',
    };

    if (config.auth.mode === 'gamepot') {
      const loginauthTimeoutMs = settings.loginauthTimeoutMs.default;
      this.authorizerTimeout = Duration.millis(authorizerTimeoutMs({ secretTimeoutMs: config.secret.timeoutMs, loginauthTimeoutMs }));
      // It reads the secret (for the project id) and calls loginauth; it never calls the friendship API.
      this.gamepotAuthorizer = build('gamepot-authorizer', 'the GamePot session authorizer of the player routes', this.authorizerTimeout, {
        ...secretEnvironment,
        // Written out, so the deployed function says where it checks sessions.
        // The authorizer guards nothing: rate limits are the operations' step.
        ...functionEnvironment({ loginauthUrl: settings.loginauthUrl.default, loginauthTimeoutMs, guardEnabled: false }),
      });
    } else {
      this.gamepotAuthorizer = undefined;
      this.authorizerTimeout = undefined;
    }

    this.functionTimeout = Duration.millis(
      functionTimeoutMs({ secretTimeoutMs: config.secret.timeoutMs, upstreamTimeoutMs: config.upstream.timeoutMs, guardTimeoutMs: config.guard.enabled ? config.guard.timeoutMs : 0 }),
    );
    const environment: Record<string, string> = {
      ...secretEnvironment,
      ...functionEnvironment({
        provider: config.upstream.provider,
        upstreamTimeoutMs: config.upstream.timeoutMs,
        // In gamepot mode the functions read the authorizer's `playerId` context key instead, and no claim is named.
        playerIdClaim: config.auth.mode === 'jwt' ? config.auth.playerIdClaim : undefined,
        upstreamBaseUrl: config.upstream.baseUrl,
      }),
      ...functionEnvironment({
        guardEnabled: config.guard.enabled,
        guardTableName: guardTable.table.tableName,
        guardTimeoutMs: config.guard.timeoutMs,
        ...Object.fromEntries(rateLimitNames.map((name) => [name, config.guard.limits[name]])),
      }),
    };
    const functions = {} as Record<OperationName, NodejsFunction>;
    for (const name of operationNames) {
      functions[name] = build(name, `${operations[name].method} ${operations[name].path}`, this.functionTimeout, environment, guardActionsOf(operations[name]));
    }
    this.functions = functions;
  }

  /** Every function the stage runs, the authorizer included: what monitoring watches. */
  get all(): Readonly<Record<string, NodejsFunction>> {
    return this.gamepotAuthorizer ? { ...this.functions, 'gamepot-authorizer': this.gamepotAuthorizer } : this.functions;
  }
}
