/**
 * The player guard's DynamoDB table (docs/guard.md): one `AWS::DynamoDB::Table`,
 * on demand, with TTL on `expiresAt` and, where the stage asks for it,
 * point-in-time recovery. Its key schema is the one declaration the functions
 * and the local table use too (functions/core/guard-keys.ts). Each function is
 * granted only the item actions it uses, on this table alone.
 */
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { guardTableSchema } from '../functions/core/guard-keys.js';
import type { Operation } from '../functions/operations.js';
import { acknowledge } from './nag.js';

export interface GuardTableProps {
  /** The stage's name: the table is `friendship-<stage>-guard`. */
  readonly stage: string;
  /**
   * Point-in-time recovery (35 days of restores).
   * @default false
   */
  readonly pointInTimeRecovery?: boolean;
  /**
   * What happens to the table when it leaves the stack.
   * @default RemovalPolicy.DESTROY (rate-limit buckets are disposable)
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The item actions an operation's function uses: rate limits read and update their buckets; nothing else. */
export function guardActionsOf(operation: Pick<Operation, 'rateLimits'>): string[] {
  return operation.rateLimits.length > 0 ? ['dynamodb:GetItem', 'dynamodb:UpdateItem'] : [];
}

export class GuardTable extends Construct {
  readonly table: Table;
  /** Built from the table's name (a Ref), not Fn::GetAtt, so every CloudFormation implementation resolves it. */
  readonly tableArn: string;

  constructor(scope: Construct, id: string, { stage, pointInTimeRecovery = false, removalPolicy = RemovalPolicy.DESTROY }: GuardTableProps) {
    super(scope, id);
    this.table = new Table(this, 'Resource', {
      tableName: `friendship-${stage}-guard`,
      partitionKey: { name: guardTableSchema.partitionKey, type: AttributeType.STRING },
      sortKey: { name: guardTableSchema.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: guardTableSchema.timeToLiveAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: pointInTimeRecovery },
      removalPolicy,
    });
    this.tableArn = Stack.of(this).formatArn({ service: 'dynamodb', resource: 'table', resourceName: this.table.tableName });
    if (!pointInTimeRecovery) {
      acknowledge(this.table, {
        id: 'AwsSolutions::AwsSolutions-DDB3',
        reason: 'Point-in-time recovery is on where the stage sets guard.pointInTimeRecovery (prod); other stages hold only rate-limit buckets that refill by themselves within a day.',
      });
    }
  }

  /** Exactly `actions` on this table's items, and nothing when there are none. */
  grantItemActions(grantee: IGrantable, actions: readonly string[]): void {
    if (actions.length === 0) return;
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: [...actions], resources: [this.tableArn] }));
  }
}
