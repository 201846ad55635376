/**
 * `npm run load`: a load test of the local API (local/stack.ts: the HTTP API in
 * front of the built bundles, each in its own container process, with the
 * embedded Ncloud emulator and Secrets Manager endpoint). autocannon sends
 * `POST /v1/api/friendship/request` at a fixed rate for a fixed time, each with
 * a new friendId (the emulator refuses a repeated pair), and this reports the
 * throughput, the latency percentiles and every error. Zero errors are expected:
 * any error, timeout or non-2xx answer exits 1. Not part of `npm test`.
 *
 * Options: --rate N (requests per second, default 200), --duration S (default 10),
 * --connections N (default 10), --json (print the summary as JSON too).
 */
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { machine, round } from './harness.js';
import { startLocalStack } from '../local/stack.js';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '200' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    json: { type: 'boolean', default: false },
  },
});
const RATE = Number(values.rate);
const DURATION_S = Number(values.duration);
const CONNECTIONS = Number(values.connections);
const PLAYER = 'load_player';

const log = (line: string) => process.stderr.write(`${line}\n`);
const print = (line: string) => process.stdout.write(`${line}\n`);

// Port 0: never collide with an `npm start` already running on 3000.
const stack = await startLocalStack({ port: 0, quiet: true, functionLogs: false, log });
let exitCode = 0;
try {
  const session = await fetch(`${stack.url}/local/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ playerId: PLAYER }),
  });
  if (!session.ok) throw new Error(`POST /local/session answered ${session.status}: ${await session.text()}`);
  const { token } = (await session.json()) as { token: string };

  // One request by hand first, so a broken stack fails loudly instead of as 2,000 errors.
  const probe = await fetch(`${stack.url}/v1/api/friendship/request`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ friendId: 'load_probe' }),
  });
  if (probe.status !== 200) throw new Error(`the probe request answered ${probe.status}: ${await probe.text()}`);

  let sequence = 0;
  const failures = new Map<number, { count: number; sample: string }>();
  log(`load: ${RATE} requests/s for ${DURATION_S} s over ${CONNECTIONS} connections against ${stack.url}…`);
  const result = await autocannon({
    url: stack.url,
    connections: CONNECTIONS,
    duration: DURATION_S,
    overallRate: RATE,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path: '/v1/api/friendship/request',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        // A new friend every time: the emulator keeps state and refuses a repeated request.
        setupRequest: (request) => ({ ...request, body: JSON.stringify({ friendId: `load_friend_${(sequence += 1)}` }) }),
        onResponse: (status, body) => {
          if (status >= 200 && status < 300) return;
          const seen = failures.get(status);
          failures.set(status, { count: (seen?.count ?? 0) + 1, sample: seen?.sample ?? body.slice(0, 300) });
        },
      },
    ],
  });

  const summary = {
    machine: machine(),
    target: { rate: RATE, durationS: DURATION_S, connections: CONNECTIONS, route: 'POST /v1/api/friendship/request' },
    requests: { completed: result.requests.total, ok2xx: result['2xx'] },
    throughputPerSecond: { mean: round(result.requests.average, 1), min: result.requests.min, max: result.requests.max },
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p97_5: result.latency.p97_5,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: round(result.latency.mean, 2),
    },
    errors: { connectionErrors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx, byStatus: Object.fromEntries(failures) },
    /** Every 2xx reached the emulator; the probe and requests still in flight at the end add a few. */
    upstreamFriendshipRequests: stack.emulator?.requests.length,
  };

  print(`\nLoad test: ${summary.target.route}, ${RATE} req/s target, ${DURATION_S} s, ${CONNECTIONS} connections — ${summary.machine.cpu}, ${summary.machine.cores} cores, Node ${summary.machine.node}`);
  print(`requests   answered ${summary.requests.completed}, 2xx ${summary.requests.ok2xx}, friendship requests at the upstream ${summary.upstreamFriendshipRequests ?? 'n/a'} (with the probe and any still in flight at the end)`);
  print(`throughput ${summary.throughputPerSecond.mean} req/s mean (per-second min ${summary.throughputPerSecond.min}, max ${summary.throughputPerSecond.max})`);
  const l = summary.latencyMs;
  print(`latency    p50 ${l.p50} ms, p90 ${l.p90} ms, p97.5 ${l.p97_5} ms, p99 ${l.p99} ms, max ${l.max} ms, mean ${l.mean} ms`);
  print(`errors     connection ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx}`);
  for (const [status, { count, sample }] of failures) print(`  ${count} × HTTP ${status}, e.g. ${sample}`);
  if (values.json) print(JSON.stringify(summary, null, 2));

  const errors = result.errors + result.timeouts + result.non2xx;
  if (errors > 0 || result['2xx'] === 0) {
    print(`FAIL: ${errors} errors; zero are expected.`);
    exitCode = 1;
  } else {
    print('OK: zero errors.');
  }
} finally {
  await stack.stop();
}
process.exit(exitCode);
