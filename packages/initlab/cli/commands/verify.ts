/**
 * `initlab verify DIR [--threads N] [--json]`: recomputes every tensor of a checkpoint from its manifest and compares
 * it, and the bytes on disk, with the manifest's SHA-256s.
 */
import { verifyCheckpoint } from '../../src/node/index.ts';
import type { CommandSpec } from '../command.ts';
import { UsageError } from '../errors.ts';
import { isSystemError } from '../io.ts';
import { print, printJson } from '../output.ts';
import { liveLine, shareLine } from '../progress.ts';
import { parseThreads } from '../parse.ts';

/** `initlab verify`. */
export const command: CommandSpec = {
  name: 'verify',
  summary: "check a checkpoint against its manifest: the files' hashes, and every tensor recomputed",
  description:
    'Reads initlab-manifest.json in DIR, then for every file and tensor checks the bytes on disk against the SHA-256 the manifest records, ' +
    "and recomputes the tensor from the manifest's model, seed and dtype with this initlab, byte for byte; also the headers and the " +
    'index. Prints a line when everything matches; otherwise one line with the number of differences and the first (exit code 2).',
  operands: ['<dir>'],
  flags: {
    threads: { type: 'string', value: 'n', help: 'threads for the recomputation (default: every core)' },
    json: { type: 'boolean', help: 'print the result as JSON (and still exit 2 on a difference)' },
  },
  run: ({ operands, flags }) => {
    const dir = operands[0]!;
    const threads = parseThreads(typeof flags['threads'] === 'string' ? flags['threads'] : undefined, 'verify');
    let result: ReturnType<typeof verifyCheckpoint>;
    const start = performance.now();
    const live = liveLine(process.stderr);
    try {
      result = verifyCheckpoint(dir, {
        ...(threads !== undefined && { threads }),
        onBytes: (done, total) => live.update(() => shareLine('verify', done, total, (performance.now() - start) / 1000)),
      });
    } catch (error) {
      live.clear();
      if (isSystemError(error)) throw new UsageError(`verify: <dir> must be a readable checkpoint directory; got '${dir}' (${error.code}).`);
      throw error;
    }
    live.clear();
    if (flags['json'] === true) printJson(result, true);
    if (result.problems.length > 0) {
      throw new UsageError(
        `verify: ${dir} must match its manifest; got ${result.problems.length} difference${result.problems.length === 1 ? '' : 's'}, first: ${result.problems[0]}`,
      );
    }
    if (flags['json'] !== true)
      print(
        `verified ${dir}: ${result.tensors} tensor${result.tensors === 1 ? '' : 's'} in ${result.files} file${result.files === 1 ? '' : 's'} match the manifest, on disk and recomputed`,
      );
  },
};
