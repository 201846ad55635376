/**
 * The upstream credentials `{apiKey, projectId}`: a secret the stack creates, or
 * an existing one imported by ARN or by name. The value never enters the
 * template: a created secret starts with a random value that the README's one
 * CLI command replaces; the functions get only SECRET_ID.
 */
import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge } from './nag.js';
import type { SecretConfig } from './stage-config.js';

/** A complete secret ARN ends with "-" and the 6 characters Secrets Manager adds. */
const COMPLETE_ARN = /:secret:.+-[A-Za-z0-9]{6}$/;

export const defaultSecretName = (stage: string) => `friendship-bff/${stage}/upstream`;

export interface UpstreamSecretProps {
  readonly stage: string;
  readonly config: SecretConfig;
}

export class UpstreamSecret extends Construct {
  readonly secret: ISecret;
  /** What the functions get as SECRET_ID: the ARN, or the name of a secret imported by name. */
  readonly secretId: string;
  /** For the outputs: the ARN (a partial one for a secret imported by name). */
  readonly secretArn: string;
  /** The customer-managed key, if the secret uses one. */
  readonly kmsKeyArn: string | undefined;

  constructor(scope: Construct, id: string, { stage, config }: UpstreamSecretProps) {
    super(scope, id);
    this.kmsKeyArn = config.kmsKeyArn;

    switch (config.source) {
      case 'create': {
        const created = new Secret(this, 'Resource', {
          secretName: config.name ?? defaultSecretName(stage),
          description: `Friendship BFF (${stage}): the upstream credentials {"apiKey", "projectId"}. Set with put-secret-value; see the README.`,
          encryptionKey: config.kmsKeyArn ? Key.fromKeyArn(this, 'Key', config.kmsKeyArn) : undefined,
          // Kept when the stack is deleted: the key is issued by the vendor and cannot be recreated here.
          removalPolicy: RemovalPolicy.RETAIN,
        });
        acknowledge(created, {
          id: 'AwsSolutions::AwsSolutions-SMG4',
          reason:
            'The API key is issued by the vendor (Ncloud Chat / GamePot console); no rotation Lambda can mint one. Rotation is the manual runbook in the README, and the functions re-read a rejected key without a redeploy.',
        });
        this.secret = created;
        this.secretId = created.secretArn;
        this.secretArn = created.secretArn;
        break;
      }
      case 'arn': {
        this.secret = Secret.fromSecretAttributes(
          this,
          'Resource',
          COMPLETE_ARN.test(config.arn) ? { secretCompleteArn: config.arn } : { secretPartialArn: config.arn },
        );
        this.secretId = config.arn;
        this.secretArn = config.arn;
        break;
      }
      case 'name': {
        // The partial ARN in this stack's account and region; grants then match `<name>-??????` and nothing wider.
        const secretPartialArn = Stack.of(this).formatArn({
          service: 'secretsmanager',
          resource: 'secret',
          resourceName: config.name,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        });
        this.secret = Secret.fromSecretAttributes(this, 'Resource', { secretPartialArn });
        this.secretId = config.name;
        this.secretArn = secretPartialArn;
        break;
      }
    }
  }

  /**
   * secretsmanager:GetSecretValue and DescribeSecret on this one secret; with a
   * customer-managed key also kms:Decrypt on that key, only via Secrets Manager.
   */
  grantRead(grantee: IGrantable): Grant {
    const read = this.secret.grantRead(grantee);
    if (!this.kmsKeyArn) return read;
    // CDK grants kms:Decrypt only in the policy of a key the stack owns; a key of its own account is granted on the role.
    const decrypt = Grant.addToPrincipal({
      grantee,
      actions: ['kms:Decrypt'],
      resourceArns: [this.kmsKeyArn],
      conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` } },
    });
    return read.combine(decrypt);
  }
}
