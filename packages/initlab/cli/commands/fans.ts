/** `initlab fans --shape 3,3,64,128 [--layout tf|torch]`: the fans of a weight shape, as JSON. */
import { computeFans, type Layout } from '../../src/index.ts';
import type { CommandSpec } from '../command.ts';
import { printJson } from '../output.ts';
import { LAYOUT_FLAG, parseShape, withFlags } from '../parse.ts';

const WHERE = 'fans';

/** `initlab fans`. */
export const command: CommandSpec = {
  name: 'fans',
  summary: 'fanIn, fanOut and receptive field of a weight shape, as JSON',
  description:
    'Prints {"fanIn", "fanOut", "receptiveField"} of a weight shape: receptiveField is the product of the kernel dimensions, ' +
    'fanIn = in · receptiveField and fanOut = out · receptiveField. In the tf layout a 1-D shape [n] has fanIn = fanOut = n ' +
    '(as Keras); the torch layout needs at least 2 dimensions (as PyTorch).',
  flags: {
    shape: { type: 'string', value: 'dims', help: 'comma-separated dimensions, e.g. 3,3,64,128', required: true },
    layout: LAYOUT_FLAG,
  },
  helpAfter: () => '\nExamples:\n  initlab fans --shape 3,3,64,128\n  initlab fans --shape 128,64,3,3 --layout torch',
  run({ flags }) {
    const shape = parseShape(String(flags['shape']), WHERE);
    const layout = String(flags['layout']) as Layout; // as typed: computeFans checks it, withFlags names the flag
    printJson(withFlags(WHERE, { layout: '--layout', shape: '--shape' }, () => computeFans(shape, layout)));
  },
};
