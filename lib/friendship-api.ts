/**
 * The stage's HTTP API: one route per operation of the registry, each with the
 * authorizer of its access (the player authorizer of the stage's auth mode, or
 * IAM), the `$default` stage with its throttling and JSON access log, and the
 * CORS policy of lib/cors.ts when the stage allows any origin.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CorsHttpMethod, HttpApi, HttpMethod, HttpRoute, HttpRouteKey, HttpStage, LogGroupLogDestination, PayloadFormatVersion } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { operationNames, operations, type OperationName } from '../functions/operations.js';
import { authorizerFor, type RouteAuthorizers } from './authorizers.js';
import { corsPolicyOf } from './cors.js';
import { markGrouping } from './logical-ids.js';
import { pascal, stackNameOf } from './names.js';
import type { StageConfig } from './stage-config.js';

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

export interface FriendshipApiProps {
  /** The stage's name: the API is named `FriendshipBff-<stage>`. */
  readonly stage: string;
  /** The function behind each operation's route. */
  readonly functions: Readonly<Record<OperationName, IFunction>>;
  /** The authorizer for each kind of access. */
  readonly authorizers: RouteAuthorizers;
  readonly config: Pick<StageConfig, 'cors' | 'throttle' | 'logs'>;
}

export class FriendshipApi extends Construct {
  readonly api: HttpApi;
  readonly apiStage: HttpStage;
  /** The invoke URL, e.g. `https://abc123.execute-api.eu-west-1.amazonaws.com/`. */
  readonly url: string;
  readonly routes: Readonly<Record<OperationName, HttpRoute>>;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, { stage, functions, authorizers, config }: FriendshipApiProps) {
    super(scope, id);
    markGrouping(this);

    // The same policy the local API applies (lib/cors.ts).
    const cors = corsPolicyOf(config.cors);
    this.api = new HttpApi(this, 'Api', {
      apiName: stackNameOf(stage),
      description: `Friendship BFF (${stage})`,
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

    const routes = {} as Record<OperationName, HttpRoute>;
    for (const name of operationNames) {
      const operation = operations[name];
      routes[name] = new HttpRoute(this.api, pascal(name), {
        httpApi: this.api,
        routeKey: HttpRouteKey.with(operation.path, HttpMethod[operation.method]),
        integration: new HttpLambdaIntegration(`${pascal(name)}Integration`, functions[name], { payloadFormatVersion: PayloadFormatVersion.VERSION_2_0 }),
        authorizer: authorizerFor(authorizers, operation.access),
      });
    }
    this.routes = routes;

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: config.logs.retentionDays,
      removalPolicy: config.logs.removal === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
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
    this.url = this.apiStage.url;
  }
}
