/** `initlab gain <nonlinearity> [--definition d] [--param x]`: the recommended gain of a nonlinearity. */
import { fail, gain, GAIN_DEFINITIONS, NONLINEARITIES, PYTORCH_NONLINEARITIES, suggestion, type GainDefinition } from '../../src/index.ts';
import type { CommandSpec } from '../command.ts';
import { print } from '../output.ts';
import { parseNumber } from '../parse.ts';

/** `initlab gain`. */
export const command: CommandSpec = {
  name: 'gain',
  summary: 'the recommended gain of a nonlinearity',
  description:
    "Prints the factor by which to scale an initializer's std for a nonlinearity. Definitions: pytorch (PyTorch's calculate_gain: " +
    'linear, conv*, sigmoid → 1; tanh → 5/3; relu → √2; leaky_relu → √(2/(1 + slope²)); selu → 3/4), ' +
    'forward = 1/√E[φ(z)²] (keeps the activations’ second moment), backward = 1/√E[φ′(z)²] (keeps the gradients’), z ~ N(0, 1). ' +
    `The default is pytorch for ${PYTORCH_NONLINEARITIES.join(', ')} and forward for the others. ` +
    `The nonlinearity is one of ${NONLINEARITIES.join(', ')}.`,
  operands: ['<nonlinearity>'],
  flags: {
    definition: { type: 'string', value: 'd', help: `${GAIN_DEFINITIONS.join(', ')} (default: pytorch when PyTorch has a value, else forward)` },
    param: { type: 'string', value: 'x', help: 'negative slope of leaky_relu (default 0.01); ignored by the others, as in PyTorch' },
  },
  helpAfter: () =>
    '\nExamples:\n  initlab gain leaky_relu --param 0.2          # 1.3867504905630728\n  initlab gain gelu --definition forward        # 1.5335304411955348',
  run({ operands, flags }) {
    const text = flags['param'];
    const negativeSlope = typeof text === 'string' ? parseNumber(text, 'gain', '--param') : undefined;
    const definition = flags['definition'];
    if (definition !== undefined && !(typeof definition === 'string' && (GAIN_DEFINITIONS as readonly string[]).includes(definition))) {
      fail('invalid_option', 'gain', '--definition', `one of ${GAIN_DEFINITIONS.join(', ')}${suggestion(definition, GAIN_DEFINITIONS)}`, definition);
    }
    const options = {
      ...(definition !== undefined && { definition: definition as GainDefinition }),
      ...(negativeSlope !== undefined && { negativeSlope }),
    };
    print(String(gain(operands[0]!, options)));
  },
};
