/**
 * The friendship BFF: the upstream secret, one Lambda function per operation of
 * the registry (functions/operations.ts) and, in `auth.mode: gamepot`, the
 * session authorizer; the HTTP API in front of them; alarms and a dashboard.
 * Each is a construct of its own; this stack composes them, offers the grants
 * other stacks need, and names the outputs.
 */
import { CfnOutput, RemovalPolicy, Stack, Tags, type CfnElement, type StackProps } from 'aws-cdk-lib';
import type { Duration } from 'aws-cdk-lib';
import type { HttpApi, HttpRoute, HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Grant, IGrantable } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { operationNames, operations, type OperationName } from '../functions/operations.js';
import { routeAuthorizers } from './authorizers.js';
import { flattenCfnReference } from './cfn-reference.js';
import { accessLogKeyOf, FriendshipApi } from './friendship-api.js';
import { GuardTable } from './guard-table.js';
import { isGrouping } from './logical-ids.js';
import { Monitoring } from './monitoring.js';
import { acknowledge } from './nag.js';
import { pascal } from './names.js';
import { OperationFunctions } from './operation-functions.js';
import type { StageConfig } from './stage-config.js';
import { UpstreamSecret } from './upstream-secret.js';

export interface FriendshipStackProps extends StackProps {
  /** The stage's validated configuration (lib/stage-config.ts). */
  readonly config: StageConfig;
}

export class FriendshipStack extends Stack {
  readonly config: StageConfig;
  readonly upstreamSecret: UpstreamSecret;
  readonly guardTable: GuardTable;
  readonly operationFunctions: OperationFunctions;
  readonly friendshipApi: FriendshipApi;
  readonly monitoring: Monitoring;
  /** Shortcuts to the parts other stacks and the tests use most. */
  readonly functions: Readonly<Record<OperationName, NodejsFunction>>;
  readonly gamepotAuthorizer: NodejsFunction | undefined;
  readonly functionTimeout: Duration;
  readonly authorizerTimeout: Duration | undefined;
  readonly api: HttpApi;
  readonly apiStage: HttpStage;
  /** The invoke URL, e.g. `https://abc123.execute-api.eu-west-1.amazonaws.com/`. */
  readonly apiUrl: string;
  readonly routes: Readonly<Record<OperationName, HttpRoute>>;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: FriendshipStackProps) {
    super(scope, id, {
      description: `Friendship BFF (${props.config.stage}): HTTP API and one Lambda function per friendship operation, proxying the ${props.config.upstream.provider} friendship API.`,
      ...props,
    });
    const { config } = props;
    const { stage } = config;
    this.config = config;
    Tags.of(this).add('project', 'friendship-bff');
    Tags.of(this).add('stage', stage);

    this.upstreamSecret = new UpstreamSecret(this, 'UpstreamSecret', { stage, config: config.secret });
    this.guardTable = new GuardTable(this, 'GuardTable', {
      stage,
      pointInTimeRecovery: config.guard.pointInTimeRecovery,
      removalPolicy: config.guard.removal === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.operationFunctions = new OperationFunctions(this, 'Functions', { stage, secret: this.upstreamSecret, guardTable: this.guardTable, config });
    const authorizers = routeAuthorizers(config.auth, { gamepotAuthorizer: this.operationFunctions.gamepotAuthorizer });
    this.friendshipApi = new FriendshipApi(this, 'FriendshipApi', { stage, functions: this.operationFunctions.functions, authorizers, config });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      stage,
      api: this.friendshipApi.api,
      // The authorizer too: if it fails or is throttled, every player route answers 500.
      functions: this.operationFunctions.all,
      // Only the rate-limited operations run the guard; the bulk route never does.
      guardedFunctions: Object.fromEntries(operationNames.filter((name) => operations[name].rateLimits.length > 0).map((name) => [name, this.operationFunctions.functions[name]])),
      // The 429s the stage's throttle answers never reach a function: only the access log sees them.
      accessLog: { logGroup: this.friendshipApi.accessLogs, statusKey: accessLogKeyOf('$context.status') },
      alarms: config.alarms,
    });

    this.functions = this.operationFunctions.functions;
    this.gamepotAuthorizer = this.operationFunctions.gamepotAuthorizer;
    this.functionTimeout = this.operationFunctions.functionTimeout;
    this.authorizerTimeout = this.operationFunctions.authorizerTimeout;
    this.api = this.friendshipApi.api;
    this.apiStage = this.friendshipApi.apiStage;
    this.apiUrl = this.friendshipApi.url;
    this.routes = this.friendshipApi.routes;
    this.accessLogs = this.friendshipApi.accessLogs;
    this.outputs();
  }

  /**
   * A grouping construct's id is left out of its resources' logical IDs (lib/logical-ids.ts),
   * so the IDs are those of a stack that held the resources itself. CDK's own rule computes
   * the ID from the remaining path.
   */
  protected override allocateLogicalId(element: CfnElement): string {
    const scopes = element.node.scopes.filter((scope) => !isGrouping(scope));
    return super.allocateLogicalId({ stack: element.stack, node: { scopes } } as unknown as CfnElement);
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
