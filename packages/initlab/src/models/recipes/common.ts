/**
 * What the recipes share: reading a Hugging Face `config.json` (each field checked, and named when missing or
 * invalid), and building {@link ModelParameter}s with canonical specs in the `torch` layout.
 */
import { fail } from '../../errors.ts';
import type { InitializerSpec } from '../../initializers/initializer.ts';
import { fromSpec } from '../../initializers/registry.ts';
import type { OptionValue } from '../../initializers/options.ts';
import type { Shape } from '../../shape.ts';
import type { ModelParameter, ModelPlan } from '../model.ts';

/** A parsed `config.json`: any JSON object. */
export type ModelConfig = Readonly<Record<string, unknown>>;

/** A recipe: a function of a config that gives every parameter of the model, with data about it. */
export interface Recipe {
  /** Its id, e.g. `gpt2`, `llama-titan`. */
  readonly name: string;
  /** One line: the model family and the classes whose state dict it reproduces. */
  readonly summary: string;
  /** The source files whose initialization it follows. */
  readonly source: string;
  /** The config fields it reads (required ones first), for help and errors. */
  readonly fields: readonly string[];
  /** Builds the plan; throws an InitError naming the first missing or invalid field. */
  build(config: ModelConfig): ModelPlan;
}

/** Reads fields of a config, each checked, failing with the field's name: `gpt2: n_layer must be …; got …`. */
export class ConfigReader {
  constructor(
    private readonly recipe: string,
    private readonly config: ModelConfig,
  ) {
    if (config === null || typeof config !== 'object' || Array.isArray(config))
      fail('invalid_argument', recipe, 'config', 'a JSON object (a config.json)', config);
  }

  private value(field: string): unknown {
    return Object.hasOwn(this.config, field) ? this.config[field] : undefined;
  }

  /** A positive integer field; `fallback` when absent or null (none: the field is required). */
  positive(field: string, fallback?: number): number {
    const v = this.value(field) ?? fallback;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) fail('invalid_option', this.recipe, field, 'a positive integer (a config.json field)', v);
    return v;
  }

  /** A non-negative integer field, or undefined when absent or null. */
  optionalIndex(field: string): number | undefined {
    const v = this.value(field);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail('invalid_option', this.recipe, field, 'a non-negative integer or null', v);
    return v;
  }

  /** A positive finite number field with a default. */
  positiveNumber(field: string, fallback: number): number {
    const v = this.value(field) ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) fail('invalid_option', this.recipe, field, 'a positive number', v);
    return v;
  }

  /** A boolean field with a default. */
  flag(field: string, fallback: boolean): boolean {
    const v = this.value(field) ?? fallback;
    if (typeof v !== 'boolean') fail('invalid_option', this.recipe, field, 'true or false', v);
    return v;
  }

  /** A string field with a default, one of `choices` when given. */
  text(field: string, fallback: string, choices?: readonly string[]): string {
    const v = this.value(field) ?? fallback;
    if (typeof v !== 'string' || (choices !== undefined && !choices.includes(v))) {
      fail('invalid_option', this.recipe, field, choices ? `one of ${choices.map((c) => `'${c}'`).join(', ')}` : 'a string', v);
    }
    return v;
  }

  /** The first entry of `architectures`, one of `choices`, or `fallback` when the field is absent. */
  architecture(choices: readonly string[], fallback: string): string {
    const v = this.value('architectures');
    if (v === undefined || v === null) return fallback;
    const first: unknown = Array.isArray(v) ? v[0] : undefined;
    if (typeof first !== 'string' || !choices.includes(first)) {
      fail('invalid_option', this.recipe, 'architectures', `a list whose first entry is one of ${choices.map((c) => `'${c}'`).join(', ')}`, v);
    }
    return first;
  }

  /** Fails unless `numerator` is a multiple of `denominator`, naming the numerator's field. */
  divisible(field: string, numerator: number, denominatorField: string, denominator: number): void {
    if (numerator % denominator !== 0) fail('invalid_option', this.recipe, field, `divisible by ${denominatorField} (${denominator})`, numerator);
  }
}

/** Collects the parameters of a model in state-dict order, each spec made canonical (`fromSpec(spec).spec`). */
export class PlanBuilder {
  private readonly parameters: ModelParameter[] = [];
  private readonly specs = new Map<string, InitializerSpec>();

  constructor(private readonly recipe: string) {}

  /** Adds `name` with `shape`, initialized by `spec`, in the `torch` layout. */
  add(name: string, shape: Shape, spec: { readonly name: string } & Readonly<Record<string, OptionValue>>, role: string, dtype?: 'int64'): void {
    const id = JSON.stringify(spec);
    let init = this.specs.get(id);
    if (init === undefined) {
      init = fromSpec(spec).spec;
      this.specs.set(id, init);
    }
    this.parameters.push({ name, shape: Object.freeze([...shape]), layout: 'torch', init, role, ...(dtype && { dtype }) });
  }

  build(): ModelPlan {
    return Object.freeze({ recipe: this.recipe, parameters: Object.freeze(this.parameters) });
  }
}

/** 𝒩(0, std²). */
export const normal = (std: number) => ({ name: 'normal', std }) as const;
/** PyTorch `trunc_normal_(std=…)`: 𝒩(0, std²) restricted to [low, high] (PyTorch's default absolute bounds ±2). */
export const truncNormal = (std: number, low = -2, high = 2) => ({ name: 'truncated_normal', std, low, high }) as const;
export const ZEROS = { name: 'zeros' } as const;
export const ONES = { name: 'ones' } as const;
/** 𝒰[−bound, bound). */
export const symmetricUniform = (bound: number) => ({ name: 'uniform', low: -bound, high: bound }) as const;
