// dynalite ships no types; this is the part the local guard store uses.
declare module 'dynalite' {
  import type http from 'node:http';
  interface DynaliteOptions {
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    /** A LevelDB directory; in memory by default. */
    path?: string;
  }
  export default function dynalite(options?: DynaliteOptions): http.Server;
}
