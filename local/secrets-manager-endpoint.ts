/**
 * A loopback endpoint that speaks Secrets Manager's `GetSecretValue` (AWS JSON
 * 1.1), so the real SDK client runs its real code path through
 * AWS_ENDPOINT_URL_SECRETS_MANAGER. Counts calls; can be made slow or down.
 */
import http from 'node:http';
import { readBody, sendJson } from './http-io.js';
import { sufferFault, type TransportFault } from './injected-fault.js';
import { LoopbackServer } from './loopback-server.js';

const AWS_JSON = 'application/x-amz-json-1.1';

export type SecretsFault = TransportFault | { kind: 'error'; status: number; type: string };

export class SecretsManagerEndpoint {
  private readonly server = new LoopbackServer((req, res) => this.handle(req, res));
  private readonly secrets = new Map<string, { value: string; version: number }>();
  fault: SecretsFault | undefined;
  /** GetSecretValue calls received, the failed ones included. */
  calls = 0;

  /** Stores a secret under its ARN (and its name, as the real service resolves both). */
  put(arn: string, value: string): void {
    const version = (this.secrets.get(arn)?.version ?? 0) + 1;
    this.secrets.set(arn, { value, version });
  }

  start(port = 0, host = '127.0.0.1'): Promise<void> {
    return this.server.start(port, host);
  }

  get url(): string {
    return this.server.origin;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const text = (await readBody(req)).toString('utf8');
    const target = req.headers['x-amz-target'];
    if (req.url?.startsWith('/__secrets/')) return this.control(req, text, res);
    if (target !== 'secretsmanager.GetSecretValue') return this.error(res, 400, 'InvalidRequestException', `unsupported target ${String(target)}`);
    this.calls += 1;
    const fault = this.fault;
    if (await sufferFault(req, fault?.kind === 'error' ? undefined : fault)) return;
    if (fault?.kind === 'error') return this.error(res, fault.status, fault.type, 'injected failure');
    let secretId: unknown;
    try {
      secretId = (JSON.parse(text) as { SecretId?: unknown }).SecretId;
    } catch {
      return this.error(res, 400, 'InvalidRequestException', 'the body is not JSON');
    }
    const secret = typeof secretId === 'string' ? this.secrets.get(secretId) : undefined;
    if (typeof secretId !== 'string' || !secret) {
      return this.error(res, 400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    }
    const answer = {
      ARN: secretId,
      Name: secretId.split(':').at(-1),
      SecretString: secret.value,
      VersionId: `v${secret.version}`,
      VersionStages: ['AWSCURRENT'],
      CreatedDate: Math.floor(Date.now() / 1000),
    };
    sendJson(res, 200, answer, { 'content-type': AWS_JSON });
  }

  /** For a process that cannot reach this object: set or clear a fault, read the count. */
  private control(req: http.IncomingMessage, text: string, res: http.ServerResponse): void {
    if (req.url === '/__secrets/fault' && req.method === 'POST') this.fault = text ? (JSON.parse(text) as SecretsFault) : undefined;
    if (req.url === '/__secrets/fault' && req.method === 'DELETE') this.fault = undefined;
    sendJson(res, 200, { calls: this.calls, fault: this.fault ?? null });
  }

  private error(res: http.ServerResponse, status: number, type: string, message: string): void {
    sendJson(res, status, { __type: type, message }, { 'content-type': AWS_JSON, 'x-amzn-errortype': type });
  }
}
