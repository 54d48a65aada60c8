/** `initlab gain <nonlinearity> [--param x]`: the recommended gain of a nonlinearity (PyTorch's calculate_gain). */
import type { Command } from 'commander';
import { gain, NONLINEARITIES } from '../../src/index.ts';
import { print } from '../output.ts';
import { parseNumber } from '../parse.ts';

/** Registers `gain` on the program. */
export function register(program: Command): void {
  program
    .command('gain')
    .summary('the recommended gain of a nonlinearity')
    .description(
      'Prints the factor by which to scale an initializer\'s std for a nonlinearity (PyTorch\'s calculate_gain): ' +
        'linear, conv*, sigmoid → 1; tanh → 5/3; relu → √2; leaky_relu → √(2/(1 + slope²)); selu → 3/4.',
    )
    .argument('<nonlinearity>', `one of ${NONLINEARITIES.join(', ')}`)
    .option('--param <x>', 'negative slope of leaky_relu (default 0.01); ignored by the others, as in PyTorch')
    .addHelpText('after', '\nExample:\n  initlab gain leaky_relu --param 0.2   # 1.3867504905630728')
    .action((nonlinearity: string, flags: { param?: string }) => {
      const param = flags.param === undefined ? undefined : parseNumber(flags.param, 'gain', '--param');
      print(String(gain(nonlinearity, param)));
    });
}
