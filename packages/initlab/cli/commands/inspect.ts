/**
 * `initlab inspect FILE|DIR [--no-stats] [--json]`: the header, dtypes and shapes of a safetensors file or checkpoint
 * directory, with each tensor's mean, std, min and max, after the safetensors parser's checks.
 */
import { formatNumber } from '../../src/index.ts';
import { inspectCheckpoint } from '../../src/node/index.ts';
import type { CommandSpec } from '../command.ts';
import { UsageError } from '../errors.ts';
import { isSystemError } from '../io.ts';
import { columns, print, printJson } from '../output.ts';
import { formatSize } from '../progress.ts';

/** `initlab inspect`. */
export const command: CommandSpec = {
  name: 'inspect',
  summary: 'check and describe a safetensors file or checkpoint directory: header, dtypes, shapes, statistics',
  description:
    'Reads a safetensors file, or a checkpoint directory (model.safetensors, or the files model.safetensors.index.json lists), with the ' +
    "checks of safetensors' own parser (header at most 100,000,000 bytes, valid UTF-8 JSON, known dtypes, offsets contiguous from 0 to " +
    'the end of the file, byte lengths = numel × item size, and the index consistent with the files), then prints the metadata and ' +
    'every tensor with its mean, std, min and max (BF16 and F16 decoded exactly). A malformed file gives one line naming what is wrong.',
  operands: ['<path>'],
  flags: {
    'no-stats': { type: 'boolean', help: 'read the headers only (no pass over the data)' },
    json: { type: 'boolean', help: 'print the result as JSON' },
  },
  run: ({ operands, flags }) => {
    const path = operands[0]!;
    let result: ReturnType<typeof inspectCheckpoint>;
    try {
      result = inspectCheckpoint(path, { stats: flags['no-stats'] !== true });
    } catch (error) {
      if (isSystemError(error)) throw new UsageError(`inspect: <path> must be a readable file or directory; got '${path}' (${error.code}).`);
      throw error;
    }
    if (flags['json'] === true) {
      printJson(result, true);
      return;
    }
    for (const file of result.files) print(`${file.path}: ${formatSize(file.size)}, metadata ${JSON.stringify(file.metadata ?? {})}`);
    print(`${result.tensors.length} tensors, ${formatSize(result.totalSize)} of data`);
    print();
    const several = result.files.length > 1;
    const rows = [['name', 'dtype', 'shape', ...(several ? ['file'] : []), 'mean', 'std', 'min', 'max']];
    for (const t of result.tensors) {
      const s = t.stats;
      const cell = (v: number | undefined): string => (v === undefined ? '' : formatNumber(Number(v.toPrecision(6))));
      rows.push([
        t.name,
        t.dtype,
        `[${t.shape.join(', ')}]`,
        ...(several ? [t.file.split('/').pop()!] : []),
        cell(s?.mean),
        cell(s?.std),
        cell(s?.min),
        cell(s?.max),
      ]);
    }
    print(columns(rows));
  },
};
