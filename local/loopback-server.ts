/** An HTTP server on loopback that counts its connections and closes them all on stop. */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export class LoopbackServer {
  private server: http.Server | undefined;
  private readonly sockets = new Set<Socket>();
  /** TCP connections accepted since start. */
  connections = 0;

  constructor(private readonly handler: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> | void) {}

  async start(port = 0, host = '127.0.0.1'): Promise<void> {
    const server = http.createServer((req, res) => void this.handler(req, res));
    server.keepAliveTimeout = 5_000;
    server.on('connection', (socket) => {
      this.connections += 1;
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
  }

  get origin(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('server not started');
    return `http://127.0.0.1:${address.port}`;
  }

  /** Closes every connection not carrying a request or awaiting its answer, as a server's keep-alive timeout does. */
  closeIdleConnections(): void {
    this.server?.closeIdleConnections();
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }
}
