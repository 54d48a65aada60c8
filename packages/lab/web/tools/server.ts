/**
 * A static server for the explorer's folder on 127.0.0.1 only (sirv behind node:http), used by
 * `npm run explore` and by the browser tests. It adds no cross-origin-isolation headers, so the page runs the
 * single-threaded wasm binary, the same one the lab uses in Node (the condition for equal numbers).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import sirv from 'sirv';
import { EXPLORER_DIR } from './paths.ts';

/** A running server. */
export interface ExplorerServer {
  /** The page's address, e.g. `http://127.0.0.1:5178/`. */
  readonly url: string;
  /** Stops accepting connections and closes the open ones. */
  close(): Promise<void>;
}

/**
 * Serves `root` (default dist/explorer) on 127.0.0.1:`port` (0 = any free port).
 *
 * @throws Error (EADDRINUSE…) when the port cannot be used.
 * @example
 * const server = await startExplorerServer({ port: 0 });
 * console.log(server.url); // http://127.0.0.1:40123/
 * await server.close();
 */
export function startExplorerServer(options: { readonly port?: number; readonly root?: string } = {}): Promise<ExplorerServer> {
  const serve = sirv(options.root ?? EXPLORER_DIR, { dev: false, etag: true });
  const server = createServer((request, response) => serve(request, response));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
