/**
 * The guard's store on loopback: dynalite (a DynamoDB-compatible server in pure
 * JavaScript, in memory) behind a LoopbackServer that counts calls and can be
 * made slow or down. The table is created with CreateTable from the one key
 * declaration (functions/core/guard-keys.ts), as the stack creates it. dynalite
 * has no TTL: the stack's table expires items, this one keeps them until exit.
 */
import type http from 'node:http';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { guardTableSchema } from '../functions/core/guard-keys.js';
import { sufferFault, type TransportFault } from './injected-fault.js';
import { LoopbackServer } from './loopback-server.js';

export const LOCAL_GUARD_TABLE = 'friendship-local-guard';

export type GuardStoreFault = TransportFault;

/** CreateTable's key schema, from the one declaration; the CDK table uses the same (lib/guard-table.ts). */
export const guardTableKeySchema = {
  AttributeDefinitions: [
    { AttributeName: guardTableSchema.partitionKey, AttributeType: 'S' as const },
    { AttributeName: guardTableSchema.sortKey, AttributeType: 'S' as const },
  ],
  KeySchema: [
    { AttributeName: guardTableSchema.partitionKey, KeyType: 'HASH' as const },
    { AttributeName: guardTableSchema.sortKey, KeyType: 'RANGE' as const },
  ],
};

export class GuardStoreServer {
  private readonly dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  private readonly server = new LoopbackServer((req, res) => this.handle(req, res));
  fault: GuardStoreFault | undefined;
  /** DynamoDB calls received (CreateTable included), the failed ones too. */
  calls = 0;

  constructor(readonly tableName: string = LOCAL_GUARD_TABLE) {}

  /** Starts on loopback and creates the table. */
  async start(port = 0, host = '127.0.0.1'): Promise<void> {
    await this.server.start(port, host);
    const client = new DynamoDBClient({
      endpoint: this.url,
      region: 'ap-northeast-2',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      await client.send(new CreateTableCommand({ TableName: this.tableName, BillingMode: 'PAY_PER_REQUEST', ...guardTableKeySchema }));
    } finally {
      client.destroy();
    }
  }

  get url(): string {
    return this.server.origin;
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.calls += 1;
    if (await sufferFault(req, this.fault)) return;
    this.dynamo.emit('request', req, res);
  }
}
