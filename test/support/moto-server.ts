/**
 * moto_server (moto 5.2, on PATH) on a free loopback port, for the suites that run
 * the same AWS SDK code against a second implementation of an AWS API. Where it
 * is missing, `startMotoServer` answers undefined and the suite says so in one
 * line; under CI=true a missing moto_server fails instead.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';

export interface MotoServer {
  readonly url: string;
  stop(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

export const motoAvailable = (): boolean => spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status === 0;

async function waitUntilUp(url: string, child: ChildProcess, withinMs: number): Promise<void> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`moto_server exited (code ${child.exitCode})`);
    try {
      await fetch(`${url}/moto-api/`);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`moto_server did not answer at ${url} within ${withinMs} ms`);
}

export async function startMotoServer(): Promise<MotoServer | undefined> {
  if (!motoAvailable()) {
    if (process.env.CI === 'true') throw new Error('moto_server is not on PATH (CI=true requires it)');
    return undefined;
  }
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(url, child, 20_000);
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
