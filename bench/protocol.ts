/**
 * The messages between the benchmark (parent) and a bench child: one fresh Node
 * process that loads one bundle, as a Lambda container would. Types only, so the
 * child's compiled script stays free of any parent code.
 */

/** What the bench sends a handler: an HTTP API v2 event. Plain JSON, so it crosses IPC as is. */
export type BenchEvent = Record<string, unknown>;

export type ChildCommand =
  /** Import the bundle and run the first invocation; time both. */
  | { kind: 'cold'; event: BenchEvent }
  /** Import the bundle and start every event at once (the concurrency check). */
  | { kind: 'burst'; events: BenchEvent[] }
  /** Sequential invocations on the already-loaded bundle, each timed. */
  | { kind: 'run'; events: BenchEvent[] }
  | { kind: 'exit' };

/** A response the bench did not expect, kept short for the report. */
export interface BadResponse {
  statusCode: number | undefined;
  body: string;
}

/** The child's memory after the work, for the cost estimate. */
export interface MemorySample {
  rssMiB: number;
  heapUsedMiB: number;
  /** Peak resident set since the process started. */
  maxRssMiB: number;
}

export type ChildReply =
  | { kind: 'ready' }
  | {
      kind: 'cold';
      /** From just before `import()` to the end of the first invocation. */
      totalMs: number;
      /** The `import()` alone: parse, compile and module-level work. */
      importMs: number;
      statusCode: number | undefined;
      bad: BadResponse | undefined;
      memory: MemorySample;
      /** The same span on the monotonic clock (µs) that --cpu-prof timestamps use. */
      windowUs: { start: number; imported: number; end: number };
    }
  | { kind: 'burst'; okCount: number; bad: BadResponse | undefined; totalMs: number }
  | { kind: 'run'; latenciesMs: number[]; okCount: number; bad: BadResponse | undefined; memory: MemorySample }
  | { kind: 'error'; message: string };
