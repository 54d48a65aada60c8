/** `initlab gain <nonlinearity> [--param x]`: the recommended gain of a nonlinearity (PyTorch's calculate_gain). */
import { gain, NONLINEARITIES } from '../../src/index.ts';
import type { CommandSpec } from '../command.ts';
import { print } from '../output.ts';
import { parseNumber } from '../parse.ts';

/** `initlab gain`. */
export const command: CommandSpec = {
  name: 'gain',
  summary: 'the recommended gain of a nonlinearity',
  description:
    "Prints the factor by which to scale an initializer's std for a nonlinearity (PyTorch's calculate_gain): " +
    'linear, conv*, sigmoid → 1; tanh → 5/3; relu → √2; leaky_relu → √(2/(1 + slope²)); selu → 3/4. ' +
    `The nonlinearity is one of ${NONLINEARITIES.join(', ')}.`,
  operands: ['<nonlinearity>'],
  flags: {
    param: { type: 'string', value: 'x', help: 'negative slope of leaky_relu (default 0.01); ignored by the others, as in PyTorch' },
  },
  helpAfter: () => '\nExample:\n  initlab gain leaky_relu --param 0.2   # 1.3867504905630728',
  run({ operands, flags }) {
    const text = flags['param'];
    const param = typeof text === 'string' ? parseNumber(text, 'gain', '--param') : undefined;
    print(String(gain(operands[0]!, param)));
  },
};
