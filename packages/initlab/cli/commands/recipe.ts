/**
 * `initlab recipe show --recipe llama --config config.json [--dtype bfloat16] [--json]` (or `--model my-model.json`):
 * every parameter of a model with its shape, initializer and std, then the total parameters and bytes;
 * `initlab recipe list`: the built-in recipes and the sources they follow.
 */
import { checkDtype, DTYPE_BYTES, type Dtype, formatInitializerText, formatNumber, fromSpec, type ModelPlan, RECIPES, sizeOf } from '../../src/index.ts';
import type { CommandSpec } from '../command.ts';
import { usageFail } from '../errors.ts';
import { columns, print, printJson } from '../output.ts';
import { loadModelPlan } from '../model-source.ts';
import { withFlags } from '../parse.ts';

const WHERE = 'recipe';
const ACTIONS = ['show', 'list'] as const;

/** `initlab recipe`. */
export const command: CommandSpec = {
  name: 'recipe',
  summary: 'the parameters of a model recipe (gpt2, llama, bert, …) or of your own model JSON, with initializers and sizes',
  description:
    '`recipe show` builds a model from a built-in recipe and a Hugging Face config.json (--recipe, --config), or from your own ' +
    'model JSON (--model: a list of {name, shape, init} or {rules, parameters}), and prints every parameter in state-dict order ' +
    'with its shape, initializer and std, then the number of parameters and the bytes of a checkpoint in --dtype. ' +
    '`recipe list` lists the built-in recipes and the source files they follow.',
  operands: ['<action>'],
  flags: {
    recipe: { type: 'string', value: 'name', help: `a built-in recipe: ${RECIPES.map((r) => r.name).join(', ')}` },
    config: { type: 'string', value: 'file', help: "the model's config.json (Hugging Face fields; torchvision keyword arguments for resnet)" },
    model: { type: 'string', value: 'file', help: 'your own model as JSON, instead of --recipe' },
    dtype: { type: 'string', value: 'dtype', help: 'element type for the byte count: float32, float64, bfloat16 or float16', default: 'float32' },
    json: { type: 'boolean', help: 'print the result as JSON' },
  },
  helpAfter: () =>
    [
      '',
      'Examples:',
      '  initlab recipe list',
      '  initlab recipe show --recipe gpt2 --config gpt2/config.json',
      '  initlab recipe show --recipe llama --config config.json --dtype bfloat16 --json',
      '  initlab recipe show --model my-model.json',
    ].join('\n'),
  run({ operands, flags }) {
    const action = operands[0];
    if (action === 'list') return list(flags['json'] === true);
    if (action !== 'show') usageFail(WHERE, 'the action', `one of ${ACTIONS.join(', ')}`, action);
    const dtype = withFlags(WHERE, { dtype: '--dtype' }, () => checkDtype(flags['dtype'], WHERE));
    const plan = loadModelPlan(WHERE, flags);
    show(plan, dtype, flags['json'] === true);
  },
};

function list(json: boolean): void {
  if (json) {
    printJson(RECIPES.map((r) => ({ name: r.name, summary: r.summary, source: r.source, fields: r.fields })));
    return;
  }
  print(columns(RECIPES.map((r) => [r.name, r.summary])));
  print();
  for (const r of RECIPES) print(`${r.name}: ${r.source}`);
}

/** Bytes of a tensor in a checkpoint of `dtype`: int64 buffers keep 8 bytes per element. */
function tensorBytes(elements: number, dtype: Dtype, own: 'int64' | undefined): number {
  return elements * (own === 'int64' ? 8 : DTYPE_BYTES[dtype]);
}

function show(plan: ModelPlan, dtype: Dtype, json: boolean): void {
  const rows = plan.parameters.map((p) => {
    const elements = sizeOf(p.shape);
    const { std } = fromSpec(p.init).describe(p.shape, p.layout);
    return { p, elements, std, text: formatInitializerText(p.init), bytes: tensorBytes(elements, dtype, p.dtype) };
  });
  const parameters = rows.filter((r) => !r.p.role.startsWith('buffer')).reduce((n, r) => n + r.elements, 0);
  const buffers = rows.filter((r) => r.p.role.startsWith('buffer')).reduce((n, r) => n + r.elements, 0);
  const bytes = rows.reduce((n, r) => n + r.bytes, 0);
  if (json) {
    printJson(
      {
        recipe: plan.recipe,
        dtype,
        parameters: rows.map((r) => ({
          name: r.p.name,
          shape: r.p.shape,
          layout: r.p.layout,
          role: r.p.role,
          init: r.p.init,
          initializer: r.text,
          std: r.std,
          elements: r.elements,
          ...(r.p.dtype && { dtype: r.p.dtype }),
        })),
        total: { tensors: rows.length, parameters, bufferElements: buffers, bytes },
      },
      true,
    );
    return;
  }
  print(
    columns([
      ['name', 'shape', 'initializer', 'std', 'role'],
      ...rows.map((r) => [r.p.name, `[${r.p.shape.join(', ')}]`, r.text, formatNumber(r.std), r.p.dtype ? `${r.p.role} (${r.p.dtype})` : r.p.role]),
    ]),
  );
  print();
  print(
    `${plan.recipe}: ${rows.length} tensors, ${parameters.toLocaleString('en-US')} parameters` +
      (buffers > 0 ? ` (+ ${buffers.toLocaleString('en-US')} buffer elements)` : '') +
      `, ${bytes.toLocaleString('en-US')} bytes as ${dtype} (${formatGigabytes(bytes)})`,
  );
}

function formatGigabytes(bytes: number): string {
  return bytes >= 1e9 ? `${formatNumber(Number((bytes / 1e9).toPrecision(4)))} GB` : `${formatNumber(Number((bytes / 1e6).toPrecision(4)))} MB`;
}
