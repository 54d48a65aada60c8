/**
 * `@initlab/lab/cli`: the commands the lab adds to the `initlab` command line (`initlab lab`, `initlab report`, `initlab diagnose`),
 * built with `initlab/cli`. `initlab` loads this entry only when one of them runs.
 *
 * @module
 */
import type { CommandSpec } from 'initlab/cli';
import { diagnoseCommand } from './diagnose.ts';
import { labCommand } from './lab.ts';
import { reportCommand } from './report.ts';

export { LAB_EXPERIMENTS, splitInitList, parseExperimentOptions, optionsHelp, configText } from './lab.ts';

/** The lab's commands, in the order `initlab --help` lists them. */
export const commands: readonly CommandSpec[] = [labCommand, reportCommand, diagnoseCommand];
