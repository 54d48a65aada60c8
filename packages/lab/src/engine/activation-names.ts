/**
 * The names of the lab's hidden activations, without TF.js (the explorer page's main thread lists them without
 * loading it). engine/mlp.ts applies them.
 */

/**
 * Hidden-layer activations the lab compares. `gelu` is the exact GELU x·Φ(x) = x·(1 + erf(x/√2))/2 (Hendrycks &
 * Gimpel 2016; PyTorch's default `approximate='none'`), `silu` is x·sigmoid(x) (Elfwing et al. 2018, also called
 * swish).
 */
export type Activation = 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu' | 'gelu' | 'silu' | 'linear';

/** Every {@link Activation}, in a fixed order. */
export const ACTIVATIONS: readonly Activation[] = ['sigmoid', 'tanh', 'relu', 'leaky_relu', 'selu', 'gelu', 'silu', 'linear'];
