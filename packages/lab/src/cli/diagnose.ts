/**
 * `initlab diagnose model.json [--batch data.json | --batch-size N --seed S]`: the initialization diagnostics of
 * initlab/tfjs (`diagnose`) on a saved TF.js model, as a table, JSON, or a signal-propagation figure.
 *
 * TensorFlow.js is imported inside the action only.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fail, fillNormal, keyFromSeed, parseDecimal } from 'initlab';
import { type CommandInput, type CommandSpec, print, printJson, usageFail } from 'initlab/cli';

/** `initlab diagnose`. */
export const diagnoseCommand: CommandSpec = {
  name: 'diagnose',
  summary: 'per-layer signal statistics, gradients and mean-field predictions of a saved TF.js model',
  description:
    'Loads a TF.js layers model (model.json and its weight files) and runs initlab/tfjs diagnose on a batch: per layer the ' +
    "output's mean and std beside the std that mean-field theory predicts from the weights, the fraction of dead ReLU units " +
    'or saturated tanh/sigmoid outputs, the gradient norm of each kernel for the loss ½·mean(y²), and the update ratio ' +
    'lr·|∇W|/|W|; layers where the signal vanishes or explodes are flagged. The batch is given as JSON (an array of ' +
    'examples) or drawn from a standard normal with a seed.',
  operands: ['<model.json>'],
  flags: {
    batch: { type: 'string', value: 'file', help: 'JSON file with the inputs: an array of examples, each of the input shape' },
    'batch-size': { type: 'string', value: 'n', help: 'examples of the random batch (default 128)' },
    seed: { type: 'string', value: 's', help: 'seed of the random batch (default 0)' },
    'learning-rate': { type: 'string', value: 'lr', help: 'learning rate of the update ratio (default 0.01)' },
    json: { type: 'boolean', help: 'print the diagnosis as JSON' },
    figure: { type: 'string', value: 'file.svg', help: 'also write the signal-propagation figure (std per layer, measured and predicted) as SVG' },
  },
  helpAfter: () =>
    [
      '',
      'Examples:',
      '  initlab diagnose model/model.json',
      '  initlab diagnose model.json --batch-size 256 --seed 3 --figure signal.svg',
      '  initlab diagnose model.json --batch x.json --json',
    ].join('\n'),
  run,
};

async function run({ operands, flags }: CommandInput): Promise<void> {
  if (operands.length !== 1) usageFail('diagnose', 'model', 'one model.json path', operands.join(' ') || 'none');
  const integer = (flag: string, fallback: number, min: number): number => {
    const text = flags[flag];
    if (typeof text !== 'string') return fallback;
    const value = parseDecimal(text, 'diagnose', `--${flag}`);
    if (!Number.isSafeInteger(value) || value < min) fail('invalid_option', 'diagnose', `--${flag}`, `an integer ≥ ${min}`, text);
    return value;
  };
  const batchFile = flags['batch'];
  if (typeof batchFile === 'string' && (flags['batch-size'] !== undefined || flags['seed'] !== undefined)) {
    usageFail('diagnose', '--batch', 'given without --batch-size and --seed (they describe a random batch)', batchFile);
  }
  const batchSize = integer('batch-size', 128, 1);
  const seed = integer('seed', 0, 0);
  const lrText = flags['learning-rate'];
  const learningRate = typeof lrText === 'string' ? parseDecimal(lrText, 'diagnose', '--learning-rate') : 0.01;
  if (!(learningRate > 0) || !Number.isFinite(learningRate)) fail('invalid_option', 'diagnose', '--learning-rate', 'a positive number', lrText);

  const [tf, { setupBackend }, { loadModelFiles }, { diagnose, formatDiagnosis }] = await Promise.all([
    import('@tensorflow/tfjs'),
    import('../engine/backend.ts'),
    import('../engine/model-files.ts'),
    import('initlab/tfjs'),
  ]);
  await setupBackend();
  const model = await loadModelFiles(operands[0]!);
  const inputShape = (model.inputs[0]?.shape ?? []).slice(1);
  let batch: InstanceType<typeof tf.Tensor>;
  if (typeof batchFile === 'string') {
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(batchFile, 'utf8'));
    } catch (error) {
      return fail('invalid_argument', 'diagnose', '--batch', `a readable JSON file (${(error as Error).message.split('\n')[0]})`, batchFile);
    }
    if (!Array.isArray(data)) fail('invalid_argument', 'diagnose', '--batch', 'a JSON array of examples', batchFile);
    if (data.length === 0) fail('invalid_argument', 'diagnose', '--batch', 'a non-empty batch (at least one example)', batchFile);
    try {
      batch = tf.tensor(data as number[][], undefined, 'float32');
    } catch {
      return fail('invalid_argument', 'diagnose', '--batch', 'a rectangular JSON array of numbers', batchFile);
    }
  } else {
    if (inputShape.some((d) => d === null))
      fail('invalid_argument', 'diagnose', 'model', 'a model with a fixed input shape for a random batch (or give --batch)', operands[0]);
    const size = inputShape.reduce((a: number, d) => a * (d ?? 1), 1);
    batch = tf.tensor(fillNormal(keyFromSeed(seed), new Float32Array(batchSize * size)), [batchSize, ...(inputShape as number[])]);
  }
  const diagnosis = diagnose(model, batch, { learningRate });
  const figure = flags['figure'];
  if (typeof figure === 'string') {
    const [{ vegaLiteToSvg }, { diagnosisFigureSpec }] = await Promise.all([import('../plot/render.ts'), import('../plot/signal-figures.ts')]);
    writeFileSync(figure, await vegaLiteToSvg(diagnosisFigureSpec(diagnosis, `Signal propagation: ${operands[0]}`)));
  }
  if (flags['json'] === true) printJson(diagnosis);
  else print(formatDiagnosis(diagnosis));
  batch.dispose();
  model.dispose();
}
