/**
 * `initlab sample <initializer> --shape 64,3,3,3 [--layout tf|torch] [--seed N] [--dtype float32|float64|bfloat16|float16]
 * [--<option> value ...] [--out FILE.npy] [--json]`: draws one weight tensor and prints what it should be (fans,
 * formula, target mean and std) next to what it is (measured mean, std, min, max), or writes it as a NumPy file.
 */
import { constants as bufferConstants } from 'node:buffer';
import {
  DEFINITIONS,
  DTYPE_BYTES,
  type Dtype,
  type OutputArray,
  outputValues,
  findDefinition,
  fromSpec,
  type Initializer,
  type Key,
  type Layout,
  type Shape,
  sizeOf,
  formatNumber,
  moments,
} from '../../src/index.ts';
import { type CommandSpec, declaredFlags } from '../command.ts';
import { UsageError } from '../errors.ts';
import { writeFileAtomic } from '../../src/node/index.ts';
import { isSystemError, outputError } from '../io.ts';
import { encodeNpy, npyDescr, pythonTuple } from '../npy.ts';
import { columns, print, printJson } from '../output.ts';
import { initializerOptions, LAYOUT_FLAG, optionFlags, parseSeed, parseShape, withFlags } from '../parse.ts';

const WHERE = 'sample';

/** Measured statistics of a sample, in float64; `undefined` for an empty tensor. */
export interface Statistics {
  readonly mean?: number;
  readonly std?: number;
  readonly min?: number;
  readonly max?: number;
}

/** Mean and population standard deviation (the library's `moments`), min and max. */
export function statistics(values: Float32Array | Float64Array): Statistics {
  if (values.length === 0) return {};
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const { mean, std } = moments(values);
  return { mean, std, min, max };
}

/** `initlab sample`. */
export const command: CommandSpec = {
  name: 'sample',
  summary: 'draw weights from an initializer; print their statistics or write a .npy file',
  description:
    'Draws a weight tensor from an initializer and prints its spec, fans, the formula with numbers, the target mean and std ' +
    'next to the measured ones, min and max; or writes it as a NumPy .npy file with --out. ' +
    'The same initializer, options, shape, layout, seed and dtype always give the same bits.',
  operands: ['<initializer>'],
  flags: {
    shape: { type: 'string', value: 'dims', help: 'comma-separated dimensions, e.g. 64,3,3,3', required: true },
    layout: LAYOUT_FLAG,
    seed: { type: 'string', value: 'n', help: 'integer seed: any safe integer, or up to 64 bits', default: '0' },
    dtype: { type: 'string', value: 'dtype', help: 'element type: float32, float64, bfloat16 or float16', default: 'float32' },
    out: {
      type: 'string',
      value: 'file',
      help: 'write the weights to this NumPy .npy file instead of printing statistics (float32, float64 or float16: NumPy has no bfloat16)',
    },
    json: { type: 'boolean', help: 'print the result as JSON' },
  },
  open: true, // the initializer's own options are only known once its name is
  helpAfter: initializerOptionsHelp,
  run: ({ operands, flags, extra }) => {
    if (operands.length !== 1) {
      throw new UsageError(`${WHERE}: expected exactly one initializer name; got ${operands.map((o) => `'${o}'`).join(', ')}.`);
    }
    const definition = findDefinition(operands[0]);
    const init = fromSpec({ name: definition.name, ...initializerOptions(definition, extra, declaredFlags(command)) });
    run(init, {
      shape: parseShape(String(flags['shape']), WHERE),
      layout: String(flags['layout']),
      dtype: String(flags['dtype']),
      ...parseSeed(String(flags['seed']), WHERE),
      out: typeof flags['out'] === 'string' ? flags['out'] : undefined,
      json: flags['json'] === true,
    });
  },
};

/** What `sample` draws and where it goes, parsed from its flags (layout and dtype as typed: the library checks them). */
interface SampleRequest {
  readonly shape: Shape;
  readonly layout: string;
  readonly dtype: string;
  readonly seed: number | bigint;
  readonly key: Key;
  readonly out: string | undefined;
  readonly json: boolean;
}

function initializerOptionsHelp(): string {
  const rows = DEFINITIONS.map((d) => [`  ${d.name}`, optionFlags(d).join(' ') || '(none)']);
  return [
    '',
    'Initializer options: the camelCase option names in kebab case, each followed by a value',
    '(--negative-slope 0.2, --mode fan_out, --gain 1.5); `initlab list` shows their defaults.',
    columns(rows),
    '',
    'Examples:',
    '  initlab sample he_normal --shape 3,3,64,128 --seed 1',
    '  initlab sample kaiming_uniform --shape 128,64,3,3 --layout torch --negative-slope 0.2 --nonlinearity leaky_relu',
    '  initlab sample glorot_uniform --shape 784,256 --out w.npy   # python3 -c "import numpy; print(numpy.load(\'w.npy\').std())"',
  ].join('\n');
}

function run(init: Initializer, request: SampleRequest): void {
  const { shape, seed, key, json } = request;
  // As typed: the library checks layout and dtype, and withFlags names the flag in its error.
  const layout = request.layout as Layout;
  const dtype = request.dtype as Dtype;
  const checked = { layout: '--layout', dtype: '--dtype' };
  const description = withFlags(WHERE, checked, () => init.describe(shape, layout)); // also checks the shape
  if (request.out !== undefined && dtype === 'bfloat16') {
    throw new UsageError(
      `${WHERE}: --dtype must be float32, float64 or float16 with --out, since a .npy file has no bfloat16 type; got 'bfloat16' (write float32 and cast in Python: torch.from_numpy(a).to(torch.bfloat16) gives the same bits).`,
    );
  }
  const values = withFlags(WHERE, checked, () => draw(init, shape, key, layout, dtype));

  if (request.out !== undefined) {
    const target = request.out;
    const chunks = encodeNpy(values, shape);
    try {
      writeFileAtomic(target, chunks);
    } catch (error) {
      if (isSystemError(error)) throw outputError(WHERE, '--out', target, error);
      throw error;
    }
    const bytes = chunks[0].length + chunks[1].length;
    if (json) printJson({ out: target, bytes, descr: npyDescr(values), shape, layout, seed, spec: init.spec });
    else
      print(
        `wrote ${target}: ${npyDescr(values)} array of shape ${pythonTuple(shape)} (${bytes} bytes), ${JSON.stringify(init.spec)}, layout ${layout}, seed ${seed}`,
      );
    return;
  }

  const measured = statistics(outputValues(values, dtype));
  if (json) {
    printJson(
      {
        spec: init.spec,
        shape,
        layout,
        dtype,
        seed,
        size: values.length,
        ...(description.fans && { fans: description.fans }),
        formula: description.formula,
        target: { mean: description.mean, std: description.std },
        measured: { mean: measured.mean ?? null, std: measured.std ?? null, min: measured.min ?? null, max: measured.max ?? null },
      },
      true,
    );
    return;
  }
  const fans = description.fans;
  print(
    columns([
      ['initializer', JSON.stringify(init.spec)],
      ['shape', `[${shape.join(', ')}] (${values.length} values, ${dtype})`],
      ['layout', layout],
      ['seed', String(seed)],
      ...(fans ? [['fans', `fanIn ${fans.fanIn}, fanOut ${fans.fanOut}, receptiveField ${fans.receptiveField}`]] : []),
      ['formula', description.formula],
    ]),
  );
  print();
  print(
    columns([
      ['', 'target', 'measured'],
      ['mean', formatNumber(description.mean), formatNumber(measured.mean)],
      ['std', formatNumber(description.std), formatNumber(measured.std)],
      ['min', '', formatNumber(measured.min)],
      ['max', '', formatNumber(measured.max)],
    ]),
  );
}

/** Draws the tensor, turning an allocation failure for a huge shape into a usage error naming --shape. */
function draw(init: Initializer, shape: Shape, key: Key, layout: Layout, dtype: Dtype): OutputArray {
  const size = sizeOf(shape);
  const bytesPerElement = DTYPE_BYTES[dtype] ?? 4; // an unknown dtype is rejected by the call below
  const tooLarge = (): UsageError =>
    new UsageError(`${WHERE}: --shape must have few enough elements to fit in memory; got ${size} ${dtype} elements (${formatBytes(size * bytesPerElement)}).`);
  if (size * bytesPerElement > bufferConstants.MAX_LENGTH) throw tooLarge();
  try {
    return init(shape, key, { layout, dtype });
  } catch (error) {
    if (error instanceof RangeError && /allocation|invalid typed array length|array buffer/i.test(error.message)) throw tooLarge();
    throw error;
  }
}

function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${formatNumber(Number(value.toPrecision(3)))} ${units[unit]}`;
}
