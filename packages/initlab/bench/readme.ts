/**
 * `npm run bench:readme`: regenerates the README's speed table from a benchmark run.
 *
 *   node dist/bench/readme.js [--from FILE]
 *
 * With `--from FILE` (a results.json written by `npm run bench`), copies it to bench/results-readme.json first, the
 * tracked file the table is generated from; then rewrites the block between the speed-table markers of the root
 * README.md from bench/results-readme.json (bench/readme-table.ts). test/bench/readme-table.test.ts checks that the
 * committed README holds exactly that block.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { replaceSpeedTable, speedTable } from './readme-table.ts';
import type { Results } from './stats.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const packageRoot = path.resolve(here, '..', '..');
const readmePath = path.resolve(packageRoot, '..', '..', 'README.md');
const tracked = path.join(packageRoot, 'bench', 'results-readme.json');

const args = process.argv.slice(2);
if (args.length > 0) {
  if (args[0] !== '--from' || args.length !== 2) throw new Error('usage: readme.js [--from results.json]');
  const from = path.resolve(args[1]!);
  JSON.parse(readFileSync(from, 'utf8')); // refuse a file that is not JSON before copying it
  copyFileSync(from, tracked);
  console.log(`copied ${path.relative(process.cwd(), from)} to ${path.relative(process.cwd(), tracked)}`);
}
const results = JSON.parse(readFileSync(tracked, 'utf8')) as Results;
writeFileSync(readmePath, replaceSpeedTable(readFileSync(readmePath, 'utf8'), speedTable(results)));
console.log(`regenerated the speed table of ${path.relative(process.cwd(), readmePath)} from ${path.relative(process.cwd(), tracked)}`);
