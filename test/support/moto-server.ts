/**
 * moto_server (moto 5.2, the AWS emulator from the machine image) on a free
 * loopback port, with its request recorder, and the AWS settings that point the
 * SDK clients and the CDK CLI at it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { killGroup, tail } from './command.js';

export const MOTO_ACCOUNT = '123456789012';
export const MOTO_REGION = 'ap-northeast-2';
const START_DEADLINE_MS = 20_000;

/** One request moto received, as its recorder writes it. */
export interface RecordedAwsCall {
  method: string;
  url: string;
  headers: Record<string, string>;
}

export class MotoServer {
  private output = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    /** A scratch directory of its own, outside the project. */
    readonly workDir: string,
  ) {
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
  }

  /**
   * Starts moto_server on 127.0.0.1, on a port it picks itself (`-p 0`), and waits
   * until it listens. `settings` are moto's own variables, e.g.
   * INITIAL_NO_AUTH_ACTION_COUNT to enforce IAM after that many calls.
   */
  static async start(settings: Record<string, string> = {}): Promise<MotoServer> {
    const workDir = await mkdtemp(path.join(tmpdir(), 'moto-'));
    const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', '0'], {
      cwd: workDir,
      env: { ...process.env, ...settings, MOTO_RECORDER_FILEPATH: path.join(workDir, 'recording.jsonl'), PYTHONUNBUFFERED: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    let printed = '';
    const port = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`moto_server did not start within ${START_DEADLINE_MS / 1000} s:\n${tail(printed)}`)), START_DEADLINE_MS);
      const onData = (chunk: Buffer) => {
        printed += chunk.toString('utf8');
        const match = /Running on http:\/\/127\.0\.0\.1:(\d+)/.exec(printed);
        if (!match?.[1]) return;
        clearTimeout(timer);
        child.stderr?.off('data', onData);
        resolve(match[1]);
      };
      child.stderr?.on('data', onData);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`moto_server exited (${code}) before it listened:\n${tail(printed)}`));
      });
    });
    child.removeAllListeners('exit');
    const server = new MotoServer(child, `http://127.0.0.1:${port}`, workDir);
    server.output = printed;
    return server;
  }

  /**
   * What the AWS SDK and the CDK CLI need to talk to moto. The CLI builds the
   * template URL from the S3 endpoint, and moto reads the first label of a host
   * as the bucket ("127"): a dotless `localhost` URL is read path-style. moto
   * only parses that URL; nothing connects to it.
   */
  get awsEnvironment(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL: this.url,
      AWS_ENDPOINT_URL_S3_FOR_CLOUDFORMATION: this.url.replace('127.0.0.1', 'localhost'),
      AWS_REGION: MOTO_REGION,
      AWS_DEFAULT_REGION: MOTO_REGION,
      AWS_ACCESS_KEY_ID: 'AKIAMOTOREHEARSAL000',
      AWS_SECRET_ACCESS_KEY: 'moto-rehearsal-secret-access-key',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
  }

  /** The client settings for an SDK client in this process. */
  get clientConfig() {
    const env = this.awsEnvironment;
    return {
      endpoint: this.url,
      region: MOTO_REGION,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
      // moto's S3 takes buckets in the path.
      forcePathStyle: true,
    };
  }

  /** Forgets every resource in every service. */
  async reset(): Promise<void> {
    await this.control('POST', '/moto-api/reset');
    this.output = '';
  }

  /** What moto printed since the last reset (its "No Moto CloudFormation support for …" lines among it). */
  get log(): string {
    return this.output;
  }

  async startRecording(): Promise<void> {
    await this.control('POST', '/moto-api/recorder/reset-recording');
    await this.control('POST', '/moto-api/recorder/start-recording');
  }

  /** The calls recorded since startRecording, as moto's recorder hands them out. */
  async recordedCalls(): Promise<RecordedAwsCall[]> {
    const answer = await fetch(`${this.url}/moto-api/recorder/download-recording`, { signal: AbortSignal.timeout(10_000) });
    const text = await answer.text();
    if (!answer.ok) throw new Error(`moto's recorder answered ${answer.status}`);
    return text
      .split('\n')
      .filter((line) => line.trim().length > 0)
      .map((line) => JSON.parse(line) as RecordedAwsCall);
  }

  private async control(method: string, route: string): Promise<void> {
    const answer = await fetch(`${this.url}${route}`, { method, signal: AbortSignal.timeout(10_000) });
    await answer.arrayBuffer();
    if (!answer.ok) throw new Error(`moto ${route} answered ${answer.status}`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      killGroup(this.child.pid);
      await exited;
    }
    await rm(this.workDir, { recursive: true, force: true });
  }
}

/** The X-Amz-Target of a recorded JSON-protocol call, e.g. `secretsmanager.GetSecretValue`. */
export const targetOf = (call: RecordedAwsCall) =>
  Object.entries(call.headers).find(([name]) => name.toLowerCase() === 'x-amz-target')?.[1];
