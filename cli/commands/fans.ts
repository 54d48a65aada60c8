/** `initlab fans --shape 3,3,64,128 [--layout tf|torch]`: the fans of a weight shape, as JSON. */
import type { Command } from 'commander';
import { computeFans } from '../../src/index.ts';
import { printJson } from '../output.ts';
import { parseLayout, parseShape } from '../parse.ts';

const WHERE = 'fans';

/** Registers `fans` on the program. */
export function register(program: Command): void {
  program
    .command('fans')
    .summary('fanIn, fanOut and receptive field of a weight shape, as JSON')
    .description(
      'Prints {"fanIn", "fanOut", "receptiveField"} of a weight shape: receptiveField is the product of the kernel dimensions, ' +
        'fanIn = in · receptiveField and fanOut = out · receptiveField. In the tf layout a 1-D shape [n] has fanIn = fanOut = n ' +
        '(as Keras); the torch layout needs at least 2 dimensions (as PyTorch).',
    )
    .requiredOption('--shape <dims>', 'comma-separated dimensions, e.g. 3,3,64,128 (required)')
    .option('--layout <layout>', 'weight layout: tf ([in, out], [...kernel, in, out]) or torch ([out, in, ...kernel])', 'tf')
    .addHelpText('after', '\nExamples:\n  initlab fans --shape 3,3,64,128\n  initlab fans --shape 128,64,3,3 --layout torch')
    .action((flags: { shape: string; layout: string }) => {
      printJson(computeFans(parseShape(flags.shape, WHERE), parseLayout(flags.layout, WHERE)));
    });
}
