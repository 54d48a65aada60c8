/**
 * A few sentences per initializer for the tutorial's readers, next to the registry's own data (formula, paper,
 * summary). Written for this page; the numbers they mention are the ones the views show.
 */

/** What a learner should watch for, by canonical initializer name. */
export const LEARNER_NOTES: Readonly<Record<string, string>> = {
  zeros:
    'Every weight is 0, so every unit of a layer computes the same thing and gets the same gradient: the layer behaves like one unit. Watch the histogram collapse to a single bar.',
  ones: 'A constant like 1 keeps the symmetry problem of zeros and adds a huge mean: each unit sums all its inputs.',
  constant: 'Any constant gives all units of a layer the same output and the same update, so they never become different (the symmetry problem).',
  uniform:
    'Small random values break the symmetry. Whether they keep the signal alive depends on the scale: try low=-0.01, high=0.01 on a deep net and watch the std fall layer by layer.',
  normal:
    'The tutorial\'s "random initialization". With std 1, sigmoid and tanh units saturate (outputs stuck near their bounds); with std 0.01 the signal shrinks towards the activation\'s value at 0. The right std depends on the width, which is what Xavier and He compute for you.',
  truncated_normal: 'A normal with its tails cut off, so no weight is extreme; the std is slightly smaller than the std option.',
  glorot_uniform: 'Xavier/Glorot: scales the variance by 2/(fan_in + fan_out) so that signals keep their size forwards and backwards through tanh-like layers.',
  glorot_normal:
    'Xavier/Glorot with a normal distribution. Good for tanh and sigmoid. With ReLU, half the units output 0, so the std shrinks by about 1/√2 per layer: see it with act=relu.',
  he_uniform: 'He/Kaiming: twice the variance of LeCun (2/fan_in), compensating for ReLU zeroing half of its inputs.',
  he_normal:
    'He/Kaiming with a normal distribution: std √(2/fan_in). With ReLU the activations keep the same spread at every depth. The nonlinearity option adapts the gain to other activations.',
  lecun_uniform: 'LeCun: variance 1/fan_in, the choice that keeps SELU networks self-normalizing.',
  lecun_normal: 'LeCun with a normal distribution: std √(1/fan_in). Pair it with SELU and the activations settle at mean 0, std 1 even 50 layers deep.',
  variance_scaling: 'The general rule behind Glorot, He and LeCun: pick the scale (the gain²), which fan to divide by, and the distribution.',
  orthogonal:
    'A random rotation (times a gain): it keeps the length of every input vector exactly, which matters most when the same matrix is applied many times, as in recurrent nets.',
  delta_orthogonal: 'For convolution kernels only (an orthogonal matrix at the kernel centre); a dense layer cannot use it.',
  identity: 'The identity matrix: each unit copies one input. Deterministic, so the theory curve (which assumes random weights) is not drawn.',
  dirac: 'For convolution kernels only (they pass their input through); a dense layer cannot use it.',
  sparse: 'Most weights are 0 and the rest normal: each unit listens to a few inputs only (Martens 2010).',
};
