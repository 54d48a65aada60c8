/** The installed version of initlab, for the CLI, checkpoint metadata and the lab's report. */
import { readFileSync } from 'node:fs';

let version: string | undefined;

/**
 * The `version` of the initlab package.json this module was installed with (read once). The module sits at
 * dist/src/node/version.js, three folders below that package.json.
 *
 * @example
 * initlabVersion(); // '0.4.0'
 */
export function initlabVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return version;
}
