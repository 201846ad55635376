/**
 * One friendship operation (or, in `auth.mode: gamepot`, the session authorizer)
 * as a Lambda function: bundled by NodejsFunction with
 * the local esbuild and the options of `npm run build` (lib/bundling.ts), its own
 * log group and its own role, which may write to that log group and read the
 * upstream secret, and nothing else.
 */
import path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { ApplicationLogLevel, Architecture, LoggingFormat, Runtime, SystemLogLevel } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { bundleOptions, entryOf, esbuildCliArgs, projectRoot, type FunctionName } from './bundling.js';
import { acknowledge } from './nag.js';

/** Node 24: the newest Lambda runtime for Node (cdk-nag's L1 and LambdaLatestVersion ask for it); the bundles target node22 and run on it unchanged. */
export const FUNCTION_RUNTIME = Runtime.NODEJS_24_X;
export const FUNCTION_ARCHITECTURE = Architecture.ARM_64;

export interface OperationFunctionProps {
  readonly name: FunctionName;
  /** The physical name, e.g. `friendship-dev-request-friend`. */
  readonly functionName: string;
  readonly description: string;
  readonly timeout: Duration;
  readonly memoryMb: number;
  readonly reservedConcurrency?: number;
  readonly logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  readonly logRetention: RetentionDays;
  readonly logRemoval: RemovalPolicy;
  /** The functions' variables (functions/core/config.ts); never a secret value. */
  readonly environment: Readonly<Record<string, string>>;
}

export class OperationFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: OperationFunctionProps) {
    super(scope, id);

    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: props.logRemoval });

    // Our own role instead of AWSLambdaBasicExecutionRole: it can write to this log group only.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Friendship BFF ${props.functionName}: its log group and the upstream secret`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      functionName: props.functionName,
      description: props.description,
      entry: entryOf(props.name),
      handler: 'handler',
      projectRoot,
      depsLockFilePath: path.join(projectRoot, 'package-lock.json'),
      runtime: FUNCTION_RUNTIME,
      architecture: FUNCTION_ARCHITECTURE,
      memorySize: props.memoryMb,
      timeout: props.timeout,
      reservedConcurrentExecutions: props.reservedConcurrency,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      // Lambda filters by the same level Powertools logs at; REPORT lines (INFO) are kept.
      applicationLogLevelV2: ApplicationLogLevel[props.logLevel],
      systemLogLevelV2: SystemLogLevel.INFO,
      environment: {
        ...props.environment,
        POWERTOOLS_LOG_LEVEL: props.logLevel,
        // Stack traces point at the TypeScript sources through the bundled source map.
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        // The options of `npm run build`, so what the bundle tests run is what ships.
        format: OutputFormat.ESM,
        target: bundleOptions.target,
        minify: bundleOptions.minify,
        sourceMap: bundleOptions.sourcemap,
        mainFields: [...bundleOptions.mainFields],
        banner: bundleOptions.banner,
        esbuildArgs: esbuildCliArgs,
        // NodejsFunction leaves @aws-sdk/* out by default; we ship the SDK version we tested.
        bundleAwsSDK: true,
        // esbuild's per-file size lines on every synth are noise; its warnings and errors still show.
        logLevel: LogLevel.WARNING,
        // The local esbuild from node_modules; never Docker.
        forceDockerBundling: false,
      },
    });

    acknowledge(
      this.function,
      {
        id: 'Serverless::Serverless-LambdaDLQ',
        reason:
          props.name === 'gamepot-authorizer'
            ? 'Invoked only by API Gateway, synchronously, as the routes\' authorizer: a failure is the caller\'s answer, so there is no event to dead-letter.'
            : 'Built for synchronous calls only (API Gateway, and RequestResponse invocations by FriendshipClient): the caller gets the error in the answer, so there is no event to dead-letter.',
      },
      {
        id: 'Serverless::Serverless-LambdaTracing',
        reason: "X-Ray is off to keep each role to its secret read and the cost per request flat; API Gateway's request id is in the access log, every function log line and the upstream call, which is how a request is followed.",
      },
    );
  }
}
