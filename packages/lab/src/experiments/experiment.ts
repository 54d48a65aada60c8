/**
 * The shape every lab experiment has, so that the CLI (`initlab lab <name>`), the report (`initlab report`) and
 * the tests treat them alike: defaults as data, a seeded `run` returning plain JSON, and functions that turn a
 * result into figures, checked claims and a short reading.
 */
import type { VegaLiteSpec } from '../plot/render.ts';

/** Reports progress of a long run: `done` of `total` units of work (iterations, layers, runs…). */
export type ProgressCallback = (done: number, total: number) => void;

/** A command-line option of an experiment, e.g. `--depth 5`. */
export interface ExperimentOption {
  /** camelCase key in the config (`depth`); the flag is its kebab-case form (`--depth`). */
  readonly key: string;
  /** One-line description with the default. */
  readonly description: string;
  /**
   * How to parse the flag's value. `init` = an initializer argument, which the config holds as its canonical spec
   * (see init-arg.ts); `list` = comma-separated.
   */
  readonly kind: 'integer' | 'number' | 'string' | 'init' | 'init-list' | 'list' | 'integer-list';
  /** Accepted values, for string options. */
  readonly choices?: readonly string[];
}

/** A figure of an experiment: a file stem and a Vega-Lite spec with inline data. */
export interface Figure {
  /** File stem, e.g. `activations-histograms` (→ .svg, .png). */
  readonly name: string;
  /** Alt text / caption. */
  readonly caption: string;
  readonly spec: VegaLiteSpec;
}

/** A link from a figure to the explorer page showing the same numbers. */
export interface FigureLink {
  /** What the link shows, e.g. the initializer of one row of the figure. */
  readonly label: string;
  readonly href: string;
}

/** A claim of the seed tutorial, the measurement that tests it, and whether it held. */
export interface Claim {
  /** The claim, in the seed's words or close to them. */
  readonly claim: string;
  /** What was measured, with numbers. */
  readonly measurement: string;
  readonly held: boolean;
}

/** The small table of numbers shown under an experiment's figures: column headers and rows of formatted cells. */
export interface NumbersTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** A lab experiment. `Config` and `Result` are JSON-serializable. */
export interface Experiment<Config extends object = object, Result extends { readonly config: Config } = { readonly config: Config }> {
  /** Id used on the command line (`activations`). */
  readonly name: string;
  /** Title for the report. */
  readonly title: string;
  /** The options `initlab lab <name>` accepts. */
  readonly options: readonly ExperimentOption[];
  /** The default configuration: the setup of the issue; `quick` = fewer iterations and samples, same claims. */
  defaults(quick: boolean, seed: number): Config;
  /** Runs it. Deterministic for a given config (which includes the seed). */
  run(config: Config, onProgress?: ProgressCallback): Promise<Result>;
  /** Figures of a result. */
  figures(result: Result): Figure[];
  /** The seed's claims this experiment tests, checked against the result. */
  claims(result: Result): Claim[];
  /** A two-sentence reading of the result, with numbers. */
  reading(result: Result): string;
  /** The numbers table of a result (see analysis/cells.ts for its cells); an experiment without one shows none. */
  table?(result: Result): NumbersTable;
  /**
   * Links from figures to the explorer page (`base` is its address), by figure name; an experiment whose figures
   * the explorer does not show has none.
   */
  explorerLinks?(result: Result, base: string): Readonly<Record<string, readonly FigureLink[]>>;
}
