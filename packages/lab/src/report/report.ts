/**
 * `initlab report` as a library function: runs every experiment of the registry with its default (or quick)
 * settings and one seed, and writes a self-contained report directory:
 *
 * - `index.html`: header, summary table of the seed's claims, one section per experiment (inline SVG figures);
 * - `results.json`: every config, result, claim and reading;
 * - `figures/<name>.svg`, `.png` (twice the SVG's size) and `.vl.json` (the Vega-Lite spec with inline data).
 *
 * Everything is written into a temporary sibling directory that replaces `out` only at the end, so `out` is never
 * half-written: a failed or interrupted run leaves the previous report (if any) as it was.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InitError } from 'initlab';
import { initlabVersion } from 'initlab/node';
import { setupBackend } from '../engine/backend.ts';
import type { Claim, NumbersTable } from '../experiments/experiment.ts';
import { EXPERIMENTS, type AnyExperiment } from '../experiments/index.ts';
import { svgToPng, vegaLiteToSvg } from '../plot/render.ts';
import { DEFAULT_EXPLORER_URL } from '../explorer/links.ts';
import { renderHtml, scopeSvgIds, type PageExperiment, type PageFigure } from './html.ts';

/** What the report says about the random numbers. */
export const RNG_DESCRIPTION =
  'Threefry-2x32-20 (counter-based, as JAX): keys from integer seeds, one named stream per weight tensor and data set (fold), ' +
  'the same bits on every platform';

/** Default output directory of `initlab report`. */
export const DEFAULT_REPORT_DIR = 'report';

/** Marker in results.json that identifies a directory as an initlab report (so it may be replaced). */
const GENERATOR = 'initlab report';

/** Callbacks of {@link runReport}, for progress display. */
export interface ReportEvents {
  /** An experiment starts (index is 0-based). */
  start?(experiment: AnyExperiment, index: number, count: number): void;
  /** Progress of the running experiment, in its own units. */
  progress?(experiment: AnyExperiment, done: number, total: number): void;
  /** An experiment finished, figures written. */
  end?(experiment: AnyExperiment, outcome: ExperimentOutcome): void;
  /** A one-line notice (e.g. the cpu fallback). */
  notice?(message: string): void;
}

/** Options of {@link runReport}. */
export interface ReportOptions {
  /** Output directory (default `report`): created, or replaced when it is empty or an earlier report. */
  readonly out?: string;
  /** Quick settings: fewer iterations and samples, same claims (default false). Forced on the cpu backend. */
  readonly quick?: boolean;
  /** Seed of every experiment (default 0). */
  readonly seed?: number;
  /** The experiments to run, in order (default: the whole registry). */
  readonly experiments?: readonly AnyExperiment[];
  /** Also write PNGs (default true). */
  readonly png?: boolean;
  /** The date printed in the header (default now). */
  readonly date?: Date;
  readonly events?: ReportEvents;
  /** The explorer's address the figures link to (default `DEFAULT_EXPLORER_URL`, where `npm run explore` serves it). */
  readonly explorerUrl?: string;
}

/** A figure as written. */
export interface FigureFiles {
  readonly name: string;
  readonly caption: string;
  /** Paths relative to the report directory. */
  readonly svg: string;
  readonly png: string | null;
  readonly spec: string;
}

/** One experiment of a report. */
export interface ExperimentOutcome {
  readonly name: string;
  readonly title: string;
  /** Wall-clock seconds of `run` (figures excluded). */
  readonly seconds: number;
  readonly config: unknown;
  readonly result: unknown;
  readonly claims: Claim[];
  readonly reading: string;
  readonly table: NumbersTable | null;
  readonly figures: FigureFiles[];
  /** The command line that reruns this experiment alone. */
  readonly command: string;
}

/** What {@link runReport} wrote. */
export interface ReportOutcome {
  /** Absolute path of the report directory. */
  readonly dir: string;
  readonly html: string;
  readonly results: string;
  readonly quick: boolean;
  readonly seed: number;
  /** The TF.js backend used. */
  readonly backend: string;
  readonly backendNotice?: string;
  readonly version: string;
  readonly date: string;
  /** Wall-clock seconds of the whole report. */
  readonly seconds: number;
  readonly experiments: ExperimentOutcome[];
}

export { initlabVersion };

/**
 * Checks that `target` may become (or be replaced by) a report: it does not exist, or it is an empty directory, or
 * it holds an earlier report (a results.json written by `initlab report`); and its parent directory accepts the
 * temporary directory the report is written to before the rename (probed by creating and removing one).
 *
 * @throws InitError naming `--out` otherwise.
 */
export function checkReportTarget(target: string): void {
  const path = resolve(target);
  const reject = (why: string): never => {
    throw new InitError('invalid_option', '--out', `report: --out must be a new directory, an empty one or an earlier report; got '${target}' (${why}).`);
  };
  // The report is written into a temporary sibling directory and renamed: try that now, not after minutes of work.
  try {
    rmSync(mkdtempSync(join(dirname(path), `.${basename(path)}.probe-`)), { recursive: true });
  } catch (error) {
    reject(`its parent directory is not writable: ${error instanceof Error ? error.message.split(',')[0] : String(error)}`);
  }
  if (!existsSync(path)) return;
  if (!statSync(path).isDirectory()) reject('not a directory');
  const entries = readdirSync(path);
  if (entries.length === 0) return;
  try {
    const results = JSON.parse(readFileSync(join(path, 'results.json'), 'utf8')) as { generator?: unknown };
    if (results.generator === GENERATOR) return;
  } catch {
    // fall through
  }
  reject(`it holds ${entries.length} other file(s)`);
}

/** A file-name-safe, unique figure stem. */
function figureStem(name: string, used: Set<string>): string {
  const base = name.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[.-]+/, '') || 'figure';
  let stem = base;
  for (let i = 2; used.has(stem); i++) stem = `${base}-${i}`;
  used.add(stem);
  return stem;
}

/** The `width` attribute of an SVG's root element. */
function svgWidth(svg: string): number | null {
  const match = /^<svg\b[^>]*\swidth="(\d+(?:\.\d+)?)"/.exec(svg.replace(/^<\?xml[^>]*\?>\s*/, ''));
  return match ? Number(match[1]) : null;
}

/** JSON with non-finite numbers as null (what JSON.stringify does) and typed arrays as plain arrays. */
function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as unknown as ArrayLike<number>) : v));
}

/** Replaces `target` by `source` (a directory on the same file system), keeping `target` intact on failure. */
function swapInto(source: string, target: string): void {
  if (!existsSync(target)) {
    renameSync(source, target);
    return;
  }
  const old = `${source}-previous`;
  renameSync(target, old);
  try {
    renameSync(source, target);
  } catch (error) {
    renameSync(old, target);
    throw error;
  }
  rmSync(old, { recursive: true, force: true });
}

/**
 * Runs the experiments and writes the report directory (see the module comment). Experiments run one after the
 * other; the training experiments spread their independent runs over worker threads.
 *
 * @throws InitError for a bad seed or an `out` that may not be replaced; whatever an experiment throws.
 */
export async function runReport(options: ReportOptions = {}): Promise<ReportOutcome> {
  const started = performance.now();
  const out = options.out ?? DEFAULT_REPORT_DIR;
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw new InitError('invalid_option', '--seed', `report: --seed must be a safe integer; got ${String(seed)}.`);
  const target = resolve(out);
  checkReportTarget(out);
  const experiments = options.experiments ?? EXPERIMENTS;
  const events = options.events ?? {};
  const date = options.date ?? new Date();
  const version = initlabVersion();

  const backend = await setupBackend();
  let quick = options.quick ?? false;
  let backendNotice = backend.notice;
  if (backend.name !== 'wasm' && !quick) {
    quick = true;
    backendNotice = `${backend.notice ?? `initlab: the ${backend.name} backend is in use`}; it is about 20× slower than wasm, so the report uses the quick settings`;
  }
  if (backendNotice) events.notice?.(backendNotice);

  mkdirSync(dirname(target), { recursive: true });
  const temporary = mkdtempSync(join(dirname(target), `.${basename(target)}.tmp-`));
  try {
    chmodSync(temporary, 0o755); // mkdtemp makes it private; a report is meant to be read
    mkdirSync(join(temporary, 'figures'));
    const outcomes: ExperimentOutcome[] = [];
    const pages: PageExperiment[] = [];
    const stems = new Set<string>();
    for (const [index, experiment] of experiments.entries()) {
      events.start?.(experiment, index, experiments.length);
      const config = experiment.defaults(quick, seed);
      const t0 = performance.now();
      const result = await experiment.run(config, (done, total) => events.progress?.(experiment, done, total));
      const seconds = (performance.now() - t0) / 1000;
      const claims = experiment.claims(result);
      const reading = experiment.reading(result);
      const table = experiment.table?.(result) ?? null;
      const figureFiles: FigureFiles[] = [];
      const pageFigures: PageFigure[] = [];
      const links = experiment.explorerLinks?.(result, options.explorerUrl ?? DEFAULT_EXPLORER_URL) ?? {};
      for (const figure of experiment.figures(result)) {
        const stem = figureStem(figure.name, stems);
        const svg = await vegaLiteToSvg(figure.spec);
        const files: FigureFiles = {
          name: stem,
          caption: figure.caption,
          svg: `figures/${stem}.svg`,
          png: options.png === false ? null : `figures/${stem}.png`,
          spec: `figures/${stem}.vl.json`,
        };
        writeFileSync(join(temporary, files.svg), svg);
        writeFileSync(join(temporary, files.spec), `${JSON.stringify(figure.spec, null, 1)}\n`);
        if (files.png) {
          const width = svgWidth(svg);
          writeFileSync(join(temporary, files.png), svgToPng(svg, width ? { width: Math.min(2400, Math.round(2 * width)) } : {}));
        }
        figureFiles.push(files);
        pageFigures.push({
          name: stem,
          caption: figure.caption,
          svg: scopeSvgIds(svg, `f-${stem}`),
          svgFile: files.svg,
          pngFile: files.png,
          links: links[figure.name] ?? [],
        });
      }
      const command = `initlab lab ${experiment.name} --seed ${seed}${quick ? ' --quick' : ''} --json ${experiment.name}.json`;
      const outcome: ExperimentOutcome = {
        name: experiment.name,
        title: experiment.title,
        seconds,
        config,
        result,
        claims,
        reading,
        table,
        figures: figureFiles,
        command,
      };
      outcomes.push(outcome);
      pages.push({ name: experiment.name, title: experiment.title, reading, claims, figures: pageFigures, table, config, seconds, command });
      events.end?.(experiment, outcome);
    }
    const totalSeconds = (performance.now() - started) / 1000;
    const meta = {
      date,
      seed,
      quick,
      backend: backend.name,
      ...(backendNotice ? { backendNotice } : {}),
      version,
      rng: RNG_DESCRIPTION,
      seconds: totalSeconds,
      node: process.versions.node,
    };
    writeFileSync(join(temporary, 'index.html'), renderHtml(meta, pages));
    const results = {
      generator: GENERATOR,
      version,
      date: date.toISOString(),
      seed,
      quick,
      backend: backend.name,
      rng: RNG_DESCRIPTION,
      seconds: totalSeconds,
      experiments: outcomes.map((o) => ({
        name: o.name,
        title: o.title,
        seconds: o.seconds,
        command: o.command,
        claims: o.claims,
        reading: o.reading,
        figures: o.figures,
        result: o.result,
      })),
    };
    writeFileSync(join(temporary, 'results.json'), `${toJson(results)}\n`);
    checkReportTarget(out); // it may have changed while the experiments ran
    swapInto(temporary, target);
    return {
      dir: target,
      html: join(target, 'index.html'),
      results: join(target, 'results.json'),
      quick,
      seed,
      backend: backend.name,
      ...(backendNotice ? { backendNotice } : {}),
      version,
      date: date.toISOString(),
      seconds: totalSeconds,
      experiments: outcomes,
    };
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    throw error;
  }
}
