/**
 * The small table of numbers the report shows under each experiment's figures. An experiment may provide its own
 * (`table(result)`, as `symmetry`, `mnist` and `depth` do); for the others the report reads the published shape of
 * their results (`runs` with per-layer statistics, gradient norms, moments or Jacobian norms). A result of a shape
 * it does not know gets no table: its numbers are still in the claims and in results.json.
 */
import type { AnyExperiment } from '../experiments/index.ts';

/** Column headers and rows of cells (already formatted). */
export interface NumbersTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** A number for a table: 3 significant digits, exponent form for very small or large values, `–` when absent. */
export function cell(value: unknown): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'string') return value;
  if (typeof value !== 'number') return String(value);
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (value === 0) return '0';
  if (Number.isInteger(value) && Math.abs(value) < 1e6) return String(value);
  const abs = Math.abs(value);
  if (abs < 1e-3 || abs >= 1e5) return value.toExponential(2).replace('e', '·10^').replace('^+', '^');
  return String(Number(value.toPrecision(3)));
}

/** `12.3%`. */
function pct(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? `${(100 * value).toFixed(1)}%` : cell(value);
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function numbers(value: unknown): number[] | null {
  return Array.isArray(value) && value.every((v) => v === null || typeof v === 'number') ? (value as number[]) : null;
}

/** Per-layer activation statistics: `{init, activation, layers: [{index, mean, std, saturated, dead}]}`. */
function activationsTable(runs: readonly Json[]): NumbersTable | null {
  if (!runs.every((r) => Array.isArray(r['layers']) && (r['layers'] as unknown[]).every(isObject))) return null;
  const depth = Math.max(...runs.map((r) => (r['layers'] as unknown[]).length));
  return {
    columns: ['activation', 'initializer', ...Array.from({ length: depth }, (_, l) => `std L${l + 1}`), `mean L${depth}`, `saturated L${depth}`, `dead L${depth}`],
    rows: runs.map((r) => {
      const layers = r['layers'] as Json[];
      const last = layers[layers.length - 1] ?? {};
      return [
        cell(r['activation']),
        cell(r['init']),
        ...Array.from({ length: depth }, (_, l) => cell(layers[l]?.['std'])),
        cell(last['mean']),
        pct(last['saturated']),
        pct(last['dead']),
      ];
    }),
  };
}

/** Gradient norms at initialization: `{activation, init, depth, weightGradNorms, ratio}`. */
function gradientsTable(runs: readonly Json[]): NumbersTable | null {
  if (!runs.every((r) => numbers(r['weightGradNorms']))) return null;
  return {
    columns: ['activation', 'initializer', 'depth', '‖∂L/∂W‖ first layer', '‖∂L/∂W‖ output layer', 'first / output'],
    rows: runs.map((r) => {
      const norms = numbers(r['weightGradNorms'])!;
      return [cell(r['activation']), cell(r['init']), cell(r['depth']), cell(norms[0]), cell(norms[norms.length - 1]), cell(r['ratio'])];
    }),
  };
}

/** Per-layer moments: `{init, mean: [...], variance: [...]}`. */
function momentsTable(runs: readonly Json[]): NumbersTable | null {
  if (!runs.every((r) => numbers(r['mean']) && numbers(r['variance']))) return null;
  const depth = Math.max(...runs.map((r) => numbers(r['mean'])!.length));
  const picks = [...new Set([1, Math.ceil(depth / 4), Math.ceil(depth / 2), depth])].filter((l) => l >= 1);
  return {
    columns: ['initializer', ...picks.flatMap((l) => [`mean L${l}`, `variance L${l}`])],
    rows: runs.map((r) => [cell(r['init']), ...picks.flatMap((l) => [cell(numbers(r['mean'])![l - 1]), cell(numbers(r['variance'])![l - 1])])]),
  };
}

/** Products of recurrent Jacobians: `{nonlinearity, init, log10SpectralNorm: [T = 1 …], finalStateRms}`. */
function recurrentTable(runs: readonly Json[]): NumbersTable | null {
  if (!runs.every((r) => numbers(r['log10SpectralNorm']))) return null;
  const steps = Math.max(...runs.map((r) => numbers(r['log10SpectralNorm'])!.length));
  const picks = [1, 10, 100, steps].filter((t, i, a) => t <= steps && a.indexOf(t) === i);
  const norm = (log10: number | null | undefined): string => (log10 === null ? '0' : log10 === undefined ? '–' : cell(10 ** log10));
  return {
    columns: ['nonlinearity', 'initializer', ...picks.map((t) => `‖∂h_${t}/∂h_0‖`), 'final state RMS'],
    rows: runs.map((r) => [cell(r['nonlinearity']), cell(r['init']), ...picks.map((t) => norm(numbers(r['log10SpectralNorm'])![t - 1])), cell(r['finalStateRms'])]),
  };
}

/**
 * The numbers table of an experiment's result: the experiment's own `table(result)` when it has one, else one
 * read from the result's known shape, else null.
 */
export function numbersTable(experiment: AnyExperiment, result: unknown): NumbersTable | null {
  const own = (experiment as { table?: (r: unknown) => NumbersTable }).table;
  if (typeof own === 'function') return own.call(experiment, result);
  if (!isObject(result)) return null;
  const config = isObject(result['config']) ? result['config'] : {};
  const single = (): Json => ({ activation: config['activation'], init: config['init'], ...result });
  const runs = Array.isArray(result['runs']) ? (result['runs'] as unknown[]).filter(isObject) : Array.isArray(result['layers']) ? [single()] : null;
  if (!runs || runs.length === 0) return null;
  return activationsTable(runs) ?? gradientsTable(runs) ?? momentsTable(runs) ?? recurrentTable(runs);
}
