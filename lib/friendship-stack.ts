/**
 * The friendship BFF: an HTTP API with one Lambda function per friendship
 * operation, the upstream key in Secrets Manager, access logs, alarms and a
 * dashboard; in `auth.mode: gamepot` a seventh function, the Lambda authorizer
 * of the player routes. The routes come from functions/operations.ts, never restated here.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Grant, IGrantable } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import { Construct } from 'constructs';
import { operationNames, operations, type OperationName } from '../functions/operations.js';
import { functionEnvironment, settings } from '../functions/core/config.js';
import { authorizerFor, routeAuthorizers } from './authorizers.js';
import { corsPolicyOf } from './cors.js';
import type { FunctionName } from './bundling.js';
import { Monitoring } from './monitoring.js';
import { acknowledge } from './nag.js';
import { OperationFunction } from './operation-function.js';
import type { StageConfig } from './stage-config.js';
import { authorizerTimeoutMs, functionTimeoutMs } from './timeouts.js';
import { UpstreamSecret } from './upstream-secret.js';

export interface FriendshipStackProps extends StackProps {
  readonly config: StageConfig;
}

export const stackNameOf = (stage: string) => `FriendshipBff-${stage}`;
export const functionNameOf = (stage: string, name: FunctionName) => `friendship-${stage}-${name}`;

/** JSON access log lines: who asked for what, what they got, how long it took, and why it failed. */
export const accessLogFields = {
  requestId: '$context.requestId',
  routeKey: '$context.routeKey',
  status: '$context.status',
  responseLatencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  error: '$context.error.message',
  method: '$context.httpMethod',
  path: '$context.path',
  protocol: '$context.protocol',
  requestTime: '$context.requestTime',
  sourceIp: '$context.identity.sourceIp',
  responseLength: '$context.responseLength',
} as const;

/** The key under which the access log writes `variable`, e.g. `status` for `$context.status`. */
export function accessLogKeyOf(variable: (typeof accessLogFields)[keyof typeof accessLogFields]): keyof typeof accessLogFields {
  const entry = Object.entries(accessLogFields).find(([, value]) => value === variable);
  if (!entry) throw new Error(`the access log does not write ${variable}`);
  return entry[0] as keyof typeof accessLogFields;
}

const pascal = (name: string) => name.replace(/(^|-)([a-z])/g, (_, _dash: string, letter: string) => letter.toUpperCase());

export class FriendshipStack extends Stack {
  readonly config: StageConfig;
  readonly api: HttpApi;
  readonly apiStage: HttpStage;
  /** The invoke URL, e.g. `https://abc123.execute-api.eu-west-1.amazonaws.com/`. */
  readonly apiUrl: string;
  readonly functions: Readonly<Record<OperationName, NodejsFunction>>;
  readonly routes: Readonly<Record<OperationName, HttpRoute>>;
  readonly upstreamSecret: UpstreamSecret;
  readonly accessLogs: LogGroup;
  readonly monitoring: Monitoring;
  /** The deployed function timeout, derived from the functions' deadlines (lib/timeouts.ts). */
  readonly functionTimeout: Duration;
  /** `auth.mode: gamepot` only: the Lambda REQUEST authorizer of the player routes, and its timeout. */
  readonly gamepotAuthorizer: NodejsFunction | undefined;
  readonly authorizerTimeout: Duration | undefined;

  constructor(scope: Construct, id: string, props: FriendshipStackProps) {
    super(scope, id, {
      description: `Friendship BFF (${props.config.stage}): HTTP API and one Lambda function per friendship operation, proxying the ${props.config.upstream.provider} friendship API.`,
      ...props,
    });
    const { config } = props;
    this.config = config;
    Tags.of(this).add('project', 'friendship-bff');
    Tags.of(this).add('stage', config.stage);

    this.upstreamSecret = new UpstreamSecret(this, 'UpstreamSecret', { stage: config.stage, config: config.secret });
    const logRemoval = config.logs.removal === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    this.functionTimeout = Duration.millis(functionTimeoutMs({ secretTimeoutMs: config.secret.timeoutMs, upstreamTimeoutMs: config.upstream.timeoutMs }));

    /** Every function, the authorizer included, is built the same way: bundling, log group, own role, secret read. */
    const buildFunction = (name: FunctionName, description: string, timeout: Duration, environment: Record<string, string>): NodejsFunction => {
      const built = new OperationFunction(this, pascal(name), {
        name,
        functionName: functionNameOf(config.stage, name),
        description: `Friendship BFF (${config.stage}): ${description}`,
        timeout,
        memoryMb: config.functions.memoryMb,
        reservedConcurrency: config.functions.reservedConcurrency,
        logLevel: config.functions.logLevel,
        logRetention: config.logs.retentionDays,
        logRemoval,
        environment,
      });
      this.upstreamSecret.grantRead(built.role);
      return built.function;
    };

    // The variables of functions/core/config.ts. SECRET_ID names the secret; its value is read at run time.
    const secretEnvironment: Record<string, string> = {
      ...functionEnvironment({ secretId: this.upstreamSecret.secretId, secretTtlSeconds: config.secret.ttlSeconds, secretTimeoutMs: config.secret.timeoutMs }),
      POWERTOOLS_SERVICE_NAME: 'friendship-bff',
    };

    if (config.auth.mode === 'gamepot') {
      const loginauthTimeoutMs = settings.loginauthTimeoutMs.default;
      this.authorizerTimeout = Duration.millis(authorizerTimeoutMs({ secretTimeoutMs: config.secret.timeoutMs, loginauthTimeoutMs }));
      // It reads the secret (for the project id) and calls loginauth; it never calls the friendship API.
      this.gamepotAuthorizer = buildFunction('gamepot-authorizer', 'the GamePot session authorizer of the player routes', this.authorizerTimeout, {
        ...secretEnvironment,
        // Written out, so the deployed function says where it checks sessions.
        ...functionEnvironment({ loginauthUrl: settings.loginauthUrl.default, loginauthTimeoutMs }),
      });
    } else {
      this.gamepotAuthorizer = undefined;
      this.authorizerTimeout = undefined;
    }
    const authorizers = routeAuthorizers(config.auth, { gamepotAuthorizer: this.gamepotAuthorizer });

    const environment: Record<string, string> = {
      ...secretEnvironment,
      ...functionEnvironment({
        provider: config.upstream.provider,
        upstreamTimeoutMs: config.upstream.timeoutMs,
        // In gamepot mode the functions read the authorizer's `playerId` context key instead, and no claim is named.
        playerIdClaim: authorizers.playerIdClaim,
        upstreamBaseUrl: config.upstream.baseUrl,
      }),
    };

    const functions = {} as Record<OperationName, NodejsFunction>;
    for (const name of operationNames) {
      functions[name] = buildFunction(name, `${operations[name].method} ${operations[name].path}`, this.functionTimeout, environment);
    }
    this.functions = functions;

    // The same policy the local API applies (lib/cors.ts).
    const cors = corsPolicyOf(config.cors);
    this.api = new HttpApi(this, 'Api', {
      apiName: stackNameOf(config.stage),
      description: `Friendship BFF (${config.stage})`,
      // Our own stage below carries the throttling and the access log.
      createDefaultStage: false,
      corsPreflight: cors
        ? {
            allowOrigins: [...cors.allowOrigins],
            allowMethods: cors.allowMethods.map((method) => CorsHttpMethod[method]),
            allowHeaders: [...cors.allowHeaders],
            exposeHeaders: [...cors.exposeHeaders],
            maxAge: Duration.seconds(cors.maxAgeSeconds),
          }
        : undefined,
    });

    const routeResources = {} as Record<OperationName, HttpRoute>;
    for (const name of operationNames) {
      const route = operations[name];
      routeResources[name] = new HttpRoute(this.api, pascal(name), {
        httpApi: this.api,
        routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
        integration: new HttpLambdaIntegration(`${pascal(name)}Integration`, functions[name], {
          payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
        }),
        authorizer: authorizerFor(authorizers, route.access),
      });
    }
    this.routes = routeResources;

    this.accessLogs = new LogGroup(this, 'AccessLogs', { retention: config.logs.retentionDays, removalPolicy: logRemoval });
    this.apiStage = new HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: config.throttle.rateLimit, burstLimit: config.throttle.burstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(accessLogFields)),
      },
    });
    this.apiUrl = this.apiStage.url;

    this.monitoring = new Monitoring(this, 'Monitoring', {
      stage: config.stage,
      api: this.api,
      // The authorizer too: if it fails or is throttled, every player route answers 500.
      functions: this.gamepotAuthorizer ? { ...functions, 'gamepot-authorizer': this.gamepotAuthorizer } : functions,
      // The 429s the stage's throttle answers never reach a function: only the access log sees them.
      accessLog: { logGroup: this.accessLogs, statusKey: accessLogKeyOf('$context.status') },
      alarms: config.alarms,
    });

    this.outputs();
  }

  /**
   * Lets `grantee` invoke the functions directly (lambda:InvokeFunction), as the
   * typed client FriendshipClient does: all six by default, or the named ones.
   * The cdk-nag AwsSolutions-IAM5 findings this raises on the grantee (`<function ARN>:*`)
   * are acknowledged with their reason (see acknowledgeGrantWildcards).
   */
  grantInvoke(grantee: IGrantable, operations: OperationName | readonly OperationName[] = operationNames): Grant {
    const names = typeof operations === 'string' ? [operations] : operations;
    const grants = names.map((name) => this.functions[name].grantInvoke(grantee));
    const [first, ...rest] = grants;
    if (!first) throw new Error('grantInvoke: name at least one operation');
    const grant = rest.reduce((all, next) => all.combine(next), first);
    this.acknowledgeGrantWildcards(
      grantee,
      grant,
      "FriendshipStack.grantInvoke: Lambda's own grant adds <function ARN>:*, the versions and aliases of those same friendship functions (the stack publishes none); no other function is reachable.",
    );
    return grant;
  }

  /**
   * Lets `grantee` call the bulk route over HTTP with SigV4: execute-api:Invoke on
   * that one route. HTTP APIs have no resource policy, so this is the only way in.
   * Its AwsSolutions-IAM5 finding on the grantee (the route ARN's `*` stage) is acknowledged.
   */
  grantBulkInvoke(grantee: IGrantable): Grant {
    const grant = this.routes['bulk-add-friendships'].grantInvoke(grantee);
    this.acknowledgeGrantWildcards(
      grantee,
      grant,
      'FriendshipStack.grantBulkInvoke: execute-api:Invoke on POST /v1/api/friendship/bulk of this one API only; the * is the stage segment of the route ARN, and the API has only its $default stage.',
    );
    return grant;
  }

  /**
   * The grants above put a wildcard in the grantee's policy (`<function ARN>:*`; the
   * bulk route's stage), which cdk-nag reports as AwsSolutions-IAM5 findings on the
   * grantee, each named by the resource as the grantee's template holds it: a
   * cross-stack reference becomes the export's name, which nobody should have to
   * copy from a synth log. The grant knows why the wildcard is there, so it
   * acknowledges exactly those findings (with that reason) on the grantee, and
   * nothing else: a finding about the grantee's own permissions stays.
   */
  private acknowledgeGrantWildcards(grantee: IGrantable, grant: Grant, reason: string): void {
    const principal = grantee.grantPrincipal;
    // An account or service principal gets a resource policy instead: no policy of its own to report on.
    if (!Construct.isConstruct(principal)) return;
    const crossStack = Stack.of(principal) !== this;
    // In another stack, each reference to a resource of this one reads `{"Fn::ImportValue": <export>}`
    // (the export CDK creates for that reference anyway; exportValue only names it earlier).
    const references = new Map<string, string>();
    if (crossStack) {
      for (const token of [...operationNames.map((name) => this.functions[name].functionArn), this.api.apiId]) references.set(JSON.stringify(this.resolve(token)), token);
    }
    const asGranteeSees = (node: unknown): unknown => {
      const token = references.get(JSON.stringify(node));
      if (token !== undefined) return this.resolve(this.exportValue(token));
      if (Array.isArray(node)) return node.map(asGranteeSees);
      if (typeof node === 'object' && node !== null) return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, asGranteeSees(value)]));
      return node;
    };
    const findings = new Set<string>();
    for (const statement of grant.principalStatements) {
      for (const resource of statement.resources) {
        const flat = flattenCfnReference(asGranteeSees(this.resolve(resource)));
        if (flat.includes('*')) findings.add(`AwsSolutions::AwsSolutions-IAM5[Resource::${flat}]`);
      }
    }
    acknowledge(principal, ...[...findings].map((id) => ({ id, reason })));
  }

  private outputs(): void {
    const exportPrefix = this.stackName;
    new CfnOutput(this, 'ApiUrl', { value: this.apiUrl, description: 'The API base URL', exportName: `${exportPrefix}-ApiUrl` });
    // For IAM policies written outside this app: execute-api:Invoke on arn:aws:execute-api:<region>:<account>:<ApiId>/*/POST/v1/api/friendship/bulk.
    new CfnOutput(this, 'ApiId', { value: this.api.apiId, description: 'The API id (for execute-api ARNs)', exportName: `${exportPrefix}-ApiId` });
    new CfnOutput(this, 'SecretArn', {
      value: this.upstreamSecret.secretArn,
      description: 'The upstream credentials secret {"apiKey", "projectId"}',
      exportName: `${exportPrefix}-SecretArn`,
    });
    for (const name of operationNames) {
      const fn = this.functions[name];
      new CfnOutput(this, `${pascal(name)}FunctionName`, { value: fn.functionName, description: `${name}: function name`, exportName: `${exportPrefix}-${pascal(name)}FunctionName` });
      new CfnOutput(this, `${pascal(name)}FunctionArn`, { value: fn.functionArn, description: `${name}: function ARN`, exportName: `${exportPrefix}-${pascal(name)}FunctionArn` });
    }
    if (this.gamepotAuthorizer) {
      // Its name, to find its logs and metrics. Only API Gateway invokes it: grantInvoke does not offer it.
      new CfnOutput(this, 'GamepotAuthorizerFunctionName', {
        value: this.gamepotAuthorizer.functionName,
        description: 'gamepot-authorizer: function name (API Gateway invokes it; no grant is offered)',
        exportName: `${exportPrefix}-GamepotAuthorizerFunctionName`,
      });
    }
  }
}
