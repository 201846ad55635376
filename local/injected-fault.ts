/** The faults a local stand-in of an AWS endpoint can be given: down (the connection dropped) or slow. */
import type http from 'node:http';

export type TransportFault = { kind: 'down' } | { kind: 'delay'; ms: number };

/** Applies `fault` to a request: true when the request was dropped, so there is nothing to answer. */
export async function sufferFault(req: http.IncomingMessage, fault: TransportFault | undefined): Promise<boolean> {
  if (fault?.kind === 'down') {
    req.socket.destroy();
    return true;
  }
  if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms).unref());
  return false;
}
