/**
 * `npm run explore`: serves the built explorer (dist/explorer/) on http://127.0.0.1:5178/ and prints the
 * address. `--port N` picks another port (0 = any free one). Stop it with Ctrl-C.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { EXPLORER_PORT } from '../../src/explorer/links.ts';
import { EXPLORER_DIR } from './paths.ts';
import { startExplorerServer } from './server.ts';

const portIndex = process.argv.indexOf('--port');
const port = portIndex >= 0 ? Number(process.argv[portIndex + 1]) : EXPLORER_PORT;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`explore: --port must be an integer in [0, 65535]; got ${process.argv[portIndex + 1]}`);
  process.exit(2);
}
if (!existsSync(path.join(EXPLORER_DIR, 'index.html'))) {
  console.error(`explore: ${EXPLORER_DIR} has no index.html; run \`npm run build\` first (npm run explore does).`);
  process.exit(1);
}
try {
  const server = await startExplorerServer({ port });
  console.log(`initlab explorer: ${server.url}  (static files in ${path.relative(process.cwd(), EXPLORER_DIR)}; Ctrl-C stops)`);
  const stop = (): void => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  const code = (error as { code?: string }).code;
  console.error(code === 'EADDRINUSE' ? `explore: port ${port} is in use; try \`npm run explore -- --port 0\`` : `explore: ${String(error)}`);
  process.exit(1);
}
