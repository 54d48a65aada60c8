/**
 * The explorer page: controls, URL state, and the views drawn from what the workers measure. The main thread
 * never loads TF.js; all numbers come from web/src/worker.ts running the lab's code.
 */
import { DEFINITIONS, findDefinition, formatInitializerText, fromSpec, type InitializerSpec, type OptionSchema } from 'initlab';
import { ACTIVATIONS, type Activation } from '../../src/engine/activation-names.ts';
import { INPUT_DISTRIBUTIONS, type InputDistribution } from '../../src/analysis/inputs.ts';
import type { ActivationView, GradientView } from '../../src/explorer/measure.ts';
import { EXPLORER_LIMITS, type ExplorerState, formatExplorerState, labCommand, MAX_TRAINED, parseExplorerState } from '../../src/explorer/state.ts';
import { initSpec, parseInitArgument } from '../../src/init-arg.ts';
import type { Claim } from '../../src/experiments/experiment.ts';
import { COLORS, escapeHtml, histogramSvg, lineChartSvg, short } from './charts.ts';
import { pageClaims } from './claims.ts';
import { LEARNER_NOTES } from './explain.ts';
import type { FromWorker, ToWorker } from './protocol.ts';

// ---------------------------------------------------------------------------------------------------------------
// State and workers
// ---------------------------------------------------------------------------------------------------------------

const initial = parseExplorerState(location.hash);
let state: ExplorerState = initial.state;
let urlErrors: readonly string[] = initial.errors;

const measureWorker = new Worker(new URL('worker.js', import.meta.url));
const trainWorker = new Worker(new URL('worker.js', import.meta.url));
const send = (worker: Worker, message: ToWorker): void => worker.postMessage(message);

let measureId = 0;
let lastView: { id: number; state: ExplorerState; view: ActivationView; milliseconds: number } | null = null;
let lastGradients: { id: number; view: GradientView } | null = null;
let revealed = false;

const byId = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`explorer: the page has no #${id}`);
  return element as T;
};

/** Writes the state into the URL (without a history entry per slider step) and measures it. */
function commit(next: ExplorerState, options: { rebuildControls?: boolean } = {}): void {
  const changedView = formatExplorerState({ ...next, train: [], steps: 1, lr: 1 }) !== formatExplorerState({ ...state, train: [], steps: 1, lr: 1 });
  state = next;
  history.replaceState(null, '', `#${formatExplorerState(state)}`);
  if (options.rebuildControls) renderControls();
  renderExplanation();
  byId('command').textContent = labCommand(state);
  if (changedView) {
    revealed = false;
    measure();
  }
}

/** When the current measurement was asked for (for the end-to-end update time in `data-update-ms`). */
let requestedAt = 0;

function measure(): void {
  measureId += 1;
  requestedAt = performance.now();
  byId('status').textContent = 'Measuring…';
  delete document.body.dataset['previewMs'];
  document.body.dataset['measuring'] = 'true';
  send(measureWorker, { type: 'measure', id: measureId, state });
}

measureWorker.onmessage = (event: MessageEvent<FromWorker>) => {
  const message = event.data;
  if (message.type === 'ready') {
    byId('backend').textContent = `TF.js backend: ${message.backend}${message.notice ? ` (${message.notice})` : ''}`;
  } else if (message.type === 'activations') {
    if (message.id !== measureId) return;
    // A preview's numbers are those of its fewer inputs: the captions say so.
    const measured = message.previewSamples === null ? state : { ...state, samples: message.previewSamples };
    lastView = { id: message.id, state: measured, view: message.view, milliseconds: message.milliseconds };
    renderViews();
    if (message.previewSamples !== null) {
      document.body.dataset['previewMs'] = (performance.now() - requestedAt).toFixed(1);
      byId('status').textContent =
        `Preview from ${message.previewSamples} of the ${state.samples} inputs (${message.milliseconds.toFixed(0)} ms); the full measurement follows.`;
      return;
    }
    document.body.dataset['updateMs'] = (performance.now() - requestedAt).toFixed(1);
    document.body.dataset['workerMs'] = message.milliseconds.toFixed(1);
    byId('status').textContent =
      `Updated in ${message.milliseconds.toFixed(0)} ms (inputs and weights ${message.view.timing.draw.toFixed(0)} ms, forward pass and statistics ${message.view.timing.forward.toFixed(0)} ms); gradients follow.`;
  } else if (message.type === 'gradients') {
    if (message.id !== measureId) return;
    lastGradients = { id: message.id, view: message.view };
    renderViews();
    byId('status').textContent = `${byId('status').textContent?.replace('; gradients follow.', '.')} Gradient pass ${message.view.milliseconds.toFixed(0)} ms.`;
    document.body.dataset['measuring'] = 'false';
    document.body.dataset['measured'] = String(message.id);
  } else if (message.type === 'measure-error') {
    if (message.id !== measureId) return;
    lastView = null;
    byId('views').hidden = true;
    byId('measure-error').hidden = false;
    byId('measure-error').textContent = `This setting cannot be measured: ${message.message}`;
    byId('status').textContent = '';
    document.body.dataset['measuring'] = 'false';
    document.body.dataset['measured'] = String(message.id);
  }
};
measureWorker.onerror = (event) => {
  byId('measure-error').hidden = false;
  byId('measure-error').textContent = `The measuring worker failed: ${event.message}`;
};

// ---------------------------------------------------------------------------------------------------------------
// Controls
// ---------------------------------------------------------------------------------------------------------------

/** Options to start from when a required option has no default. */
const STARTING_OPTIONS: Readonly<Record<string, Record<string, number>>> = {
  normal: { std: 0.01 },
  uniform: { low: -0.05, high: 0.05 },
  constant: { value: 0.1 },
  sparse: { sparsity: 0.9 },
};

/** The canonical spec of initializer `name` with its defaults (or starting values for required options). */
function specOf(name: string): InitializerSpec {
  return fromSpec({ name, ...(STARTING_OPTIONS[name] ?? {}) }).spec;
}

const option = (value: string, label: string, selected: boolean): string =>
  `<option value="${escapeHtml(value)}"${selected ? ' selected' : ''}>${escapeHtml(label)}</option>`;

function renderControls(): void {
  byId<HTMLSelectElement>('activation').innerHTML = ACTIVATIONS.map((a) => option(a, a, a === state.activation)).join('');
  byId<HTMLSelectElement>('init-name').innerHTML = DEFINITIONS.map((d) => option(d.name, d.name, d.name === state.init.name)).join('');
  byId<HTMLSelectElement>('input').innerHTML = INPUT_DISTRIBUTIONS.map((i) => option(i, INPUT_LABELS[i], i === state.input)).join('');
  for (const key of ['depth', 'width'] as const) {
    byId<HTMLInputElement>(key).value = String(state[key]);
    byId<HTMLInputElement>(`${key}-number`).value = String(state[key]);
  }
  byId<HTMLInputElement>('samples').value = String(state.samples);
  byId<HTMLInputElement>('seed').value = String(state.seed);
  renderInitOptions();
  byId('init-names').innerHTML = DEFINITIONS.map((d) => option(d.name, d.summary, false)).join('');
  byId<HTMLSelectElement>('train-activation').innerHTML = ACTIVATIONS.map((a) => option(a, a, a === state.trainActivation)).join('');
  for (let i = 0; i < MAX_TRAINED; i++) byId<HTMLInputElement>(`train-${i}`).value = state.train[i] ? formatInitializerText(state.train[i]!) : '';
  byId<HTMLInputElement>('steps').value = String(state.steps);
  byId<HTMLInputElement>('lr').value = String(state.lr);
  byId('url-errors').hidden = urlErrors.length === 0;
  byId('url-errors').textContent = urlErrors.length > 0 ? `Some settings in the link were not valid and were replaced: ${urlErrors.join('; ')}.` : '';
}

const INPUT_LABELS: Readonly<Record<InputDistribution, string>> = {
  normal: '𝒩(0, 1), as the lab',
  uniform: 'uniform U(−√3, √3)',
  pixels: 'pixels U(0, 1), not centred',
};

/** One labelled input per option of the selected initializer, from its schema in the registry. */
function renderInitOptions(): void {
  const definition = findDefinition(state.init.name);
  const values = fromSpec(state.init).spec as Record<string, unknown>;
  const fields = Object.entries(definition.options as Record<string, OptionSchema>).map(([key, schema]) => {
    const id = `opt-${key}`;
    const doc = escapeHtml(schema.doc);
    if (schema.type === 'choice') {
      return `<label for="${id}">${escapeHtml(key)}</label><select id="${id}" data-option="${key}" title="${doc}">${schema.values.map((v) => option(v, v, v === values[key])).join('')}</select>`;
    }
    const bounds = `${schema.min !== undefined ? ` min="${schema.min}"` : ''}${schema.max !== undefined ? ` max="${schema.max}"` : ''}`;
    return `<label for="${id}">${escapeHtml(key)}</label><input id="${id}" type="number" step="any"${bounds} value="${String(values[key])}" data-option="${key}" title="${doc}" aria-describedby="init-options-error">`;
  });
  byId('init-options').innerHTML = fields.length > 0 ? fields.join('') : '<span class="muted">no options</span>';
  byId('init-options-error').textContent = '';
}

function readInitOptions(): void {
  const spec: Record<string, unknown> = { name: state.init.name };
  for (const input of byId('init-options').querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-option]')) {
    const key = input.dataset['option']!;
    spec[key] = input instanceof HTMLSelectElement ? input.value : input.value.trim() === '' ? undefined : Number(input.value);
  }
  try {
    const next = fromSpec(spec).spec;
    byId('init-options-error').textContent = '';
    for (const input of byId('init-options').querySelectorAll('[data-option]')) input.removeAttribute('aria-invalid');
    commit({ ...state, init: next });
  } catch (error) {
    byId('init-options-error').textContent = error instanceof Error ? error.message : String(error);
    for (const input of byId('init-options').querySelectorAll('[data-option]')) input.setAttribute('aria-invalid', 'true');
  }
}

function clampInteger(text: string, [low, high]: readonly [number, number], fallback: number): number {
  const n = Math.round(Number(text));
  return Number.isFinite(n) ? Math.min(high, Math.max(low, n)) : fallback;
}

function wireControls(): void {
  byId<HTMLSelectElement>('activation').addEventListener('change', (e) =>
    commit({ ...state, activation: (e.target as HTMLSelectElement).value as Activation }),
  );
  byId<HTMLSelectElement>('init-name').addEventListener('change', (e) => {
    commit({ ...state, init: specOf((e.target as HTMLSelectElement).value) });
    renderInitOptions();
  });
  byId('init-options').addEventListener('change', readInitOptions);
  byId<HTMLSelectElement>('input').addEventListener('change', (e) => commit({ ...state, input: (e.target as HTMLSelectElement).value as InputDistribution }));
  for (const key of ['depth', 'width'] as const) {
    const range = byId<HTMLInputElement>(key);
    const number = byId<HTMLInputElement>(`${key}-number`);
    const set = (text: string): void => {
      const value = clampInteger(text, EXPLORER_LIMITS[key], state[key]);
      range.value = String(value);
      number.value = String(value);
      if (value !== state[key]) commit({ ...state, [key]: value });
    };
    range.addEventListener('input', () => set(range.value));
    number.addEventListener('change', () => set(number.value));
  }
  byId<HTMLInputElement>('samples').addEventListener('change', (e) => {
    const input = e.target as HTMLInputElement;
    const samples = clampInteger(input.value, EXPLORER_LIMITS.samples, state.samples);
    input.value = String(samples);
    commit({ ...state, samples });
  });
  byId<HTMLInputElement>('seed').addEventListener('change', (e) => {
    const input = e.target as HTMLInputElement;
    const seed = clampInteger(input.value, EXPLORER_LIMITS.seed, state.seed);
    input.value = String(seed);
    commit({ ...state, seed });
  });
  byId('new-seed').addEventListener('click', () => {
    const seed = state.seed + 1;
    byId<HTMLInputElement>('seed').value = String(seed);
    commit({ ...state, seed });
  });
  byId('presets').addEventListener('click', (e) => {
    const button = (e.target as HTMLElement).closest<HTMLButtonElement>('button[data-act]');
    if (!button) return;
    commit({ ...state, activation: button.dataset['act'] as Activation, init: initSpec(button.dataset['init']!) }, { rebuildControls: true });
  });
  byId<HTMLInputElement>('predict-first').addEventListener('change', () => {
    revealed = false;
    renderViews();
  });
  byId('reveal').addEventListener('click', () => {
    revealed = true;
    renderViews();
  });
  byId('copy-link').addEventListener('click', () => {
    void navigator.clipboard?.writeText(location.href).then(
      () => (byId('copy-status').textContent = 'Link copied.'),
      () => (byId('copy-status').textContent = 'Copy the address bar: it holds every setting.'),
    );
  });
  window.addEventListener('hashchange', () => {
    if (location.hash.slice(1) === formatExplorerState(state)) return;
    const parsed = parseExplorerState(location.hash);
    urlErrors = parsed.errors;
    commit(parsed.state, { rebuildControls: true });
  });
  wireTraining();
}

// ---------------------------------------------------------------------------------------------------------------
// Explanation and views
// ---------------------------------------------------------------------------------------------------------------

function renderExplanation(): void {
  const definition = findDefinition(state.init.name);
  let described = '';
  try {
    described = fromSpec(state.init).describe([state.width, state.width]).formula;
  } catch (error) {
    described = error instanceof Error ? error.message : String(error);
  }
  byId('explanation').innerHTML =
    `<h3>${escapeHtml(formatInitializerText(state.init))}</h3>` +
    `<p>${escapeHtml(LEARNER_NOTES[definition.name] ?? definition.summary)}</p>` +
    `<dl><dt>Formula</dt><dd><code>${escapeHtml(definition.formula)}</code></dd>` +
    `<dt>Here (${state.width} × ${state.width})</dt><dd><code>${escapeHtml(described)}</code></dd>` +
    `<dt>When to use it</dt><dd>${escapeHtml(definition.summary)}</dd>` +
    `<dt>Source</dt><dd>${escapeHtml(definition.reference)}</dd></dl>`;
}

/** At most this many histograms are drawn; deeper nets show layers spread evenly, first and last included. */
const MAX_PANELS = 10;

function shownLayers(depth: number): number[] {
  if (depth <= MAX_PANELS) return Array.from({ length: depth }, (_, i) => i);
  return Array.from({ length: MAX_PANELS }, (_, i) => Math.round((i * (depth - 1)) / (MAX_PANELS - 1)));
}

const percent = (v: number): string => `${(100 * v).toFixed(1)}%`;

function renderViews(): void {
  if (!lastView) return;
  const { view, state: shown } = lastView;
  const gradients = lastGradients?.id === lastView.id ? lastGradients.view : null;
  byId('views').hidden = false;
  byId('measure-error').hidden = true;
  const hideMeasured = byId<HTMLInputElement>('predict-first').checked && !revealed;
  byId<HTMLButtonElement>('reveal').disabled = !hideMeasured;
  const reluLike = shown.activation === 'relu' || shown.activation === 'leaky_relu';

  // Histograms.
  const panels = shownLayers(view.layers.length).map((l) => {
    const layer = view.layers[l]!;
    const total = layer.histogram.counts.reduce((a, b) => a + b, 0);
    const hiddenZeros = reluLike ? Math.round(layer.dead * total) : 0;
    const note = reluLike
      ? `std ${short(layer.std)}, dead ${percent(layer.dead)}`
      : shown.activation === 'sigmoid' || shown.activation === 'tanh'
        ? `std ${short(layer.std)}, sat ${percent(layer.saturated)}`
        : `std ${short(layer.std)}`;
    return histogramSvg(
      { title: `layer ${layer.index}`, edges: layer.histogram.edges, counts: layer.histogram.counts, hiddenZeros, note },
      { index: layer.index, counts: layer.histogram.counts },
    );
  });
  byId('histograms').innerHTML = panels.join('');
  byId('histograms-caption').textContent =
    `${shown.activation} outputs of ${view.layers.length === 1 ? 'the layer' : `each layer (${view.layers.length > MAX_PANELS ? `${MAX_PANELS} of ${view.layers.length}, evenly spaced` : `all ${view.layers.length}`})`}` +
    ` for ${shown.samples} inputs × ${shown.width} units, 30 fixed bins, bar heights relative to each panel's tallest bar.` +
    (reluLike ? ' Exact zeros (dead units) are left out of the bars; their fraction is in the note.' : '');

  // Std against depth, with the prediction.
  const layers = view.layers.map((l) => l.index);
  const prediction = view.prediction;
  const series = [
    { name: 'activation std, predicted', color: COLORS[0], points: layers.map((x, i) => [x, prediction?.std[i] ?? null] as const), dashed: true },
    {
      name: 'activation std, measured',
      color: COLORS[0],
      points: view.layers.map((l) => [l.index, l.std] as const),
      line: false,
      dots: true,
      hidden: hideMeasured,
    },
    {
      name: 'gradient std, predicted (anchored at the last layer)',
      color: COLORS[1],
      points: layers.map(
        (x, i) =>
          [x, prediction && gradients?.rms[gradients.rms.length - 1] ? prediction.gradientRatio[i]! * gradients.rms[gradients.rms.length - 1]! : null] as const,
      ),
      dashed: true,
    },
    {
      name: gradients ? 'gradient std, measured' : 'gradient std, measuring…',
      color: COLORS[1],
      points: layers.map((x, i) => [x, gradients?.rms[i] ?? null] as const),
      line: false,
      dots: true,
      hidden: hideMeasured,
    },
  ];
  byId('depth-chart').innerHTML = lineChartSvg(
    {
      title: 'Std of each layer’s outputs and of the gradient reaching them (log scale)',
      xLabel: 'layer',
      yLabel: 'std (log scale)',
      series,
      log: true,
      description: `Per-layer std of the ${shown.activation} outputs, measured and predicted, and of the gradient of the loss with respect to them.`,
    },
    {
      activationStd: view.layers.map((l) => l.std),
      predictedStd: prediction?.std ?? null,
      gradientStd: gradients?.rms ?? null,
      predictedGradientRatio: prediction?.gradientRatio ?? null,
    },
  );
  byId('prediction-note').textContent =
    `${view.predictionNote} ${prediction ? `Backward gain per layer n·σ²·E[f′(z)²] = ${short(prediction.backwardGain)} (1 keeps gradients steady, < 1 makes them vanish towards the input, > 1 explode).` : ''}` +
    (gradients
      ? ` Gradient: one backward pass of the cross-entropy with random labels through these layers plus a 10-class output layer, on ${gradients.batch} inputs (loss ${short(gradients.loss)}).`
      : '');

  // Saturated and dead fractions.
  byId('fraction-chart').innerHTML = lineChartSvg(
    {
      title: 'Fraction of outputs saturated (within 0.02 of a bound) or dead (exactly 0)',
      xLabel: 'layer',
      yLabel: 'fraction of outputs',
      series: [
        { name: 'saturated', color: COLORS[3], points: view.layers.map((l) => [l.index, l.saturated] as const), dots: true },
        { name: 'dead', color: COLORS[2], points: view.layers.map((l) => [l.index, l.dead] as const), dots: true, dashed: true },
      ],
      yDomain: [0, 1],
      description: `Per-layer fraction of saturated and of dead ${shown.activation} outputs.`,
    },
    { saturated: view.layers.map((l) => l.saturated), dead: view.layers.map((l) => l.dead) },
  );

  renderClaims([...view.claims, ...pageClaims(shown, view, gradients)]);
  byId('numbers').innerHTML =
    '<thead><tr><th scope="col">layer</th><th scope="col">mean</th><th scope="col">std</th><th scope="col">predicted std</th><th scope="col">saturated</th><th scope="col">dead</th><th scope="col">gradient std</th></tr></thead><tbody>' +
    view.layers
      .map(
        (l, i) =>
          `<tr><th scope="row">${l.index}</th><td>${short(l.mean)}</td><td>${short(l.std)}</td><td>${short(prediction?.std[i])}</td><td>${percent(l.saturated)}</td><td>${percent(l.dead)}</td><td>${short(gradients?.rms[i])}</td></tr>`,
      )
      .join('') +
    '</tbody>';
}

function renderClaims(claims: readonly Claim[]): void {
  const list = byId('claims');
  if (claims.length === 0) {
    list.innerHTML =
      '<li class="none">The tutorial makes no claim about this exact setting. Try one of its setups above (std 1, std 0.01 or Xavier with sigmoid, Xavier or He with ReLU, LeCun with SELU, zeros).</li>';
    return;
  }
  list.innerHTML = claims
    .map(
      (c) =>
        `<li class="${c.held ? 'held' : 'refuted'}"><span class="verdict">${c.held ? '✓ confirmed' : '✗ not confirmed'}</span> <q>${escapeHtml(c.claim)}</q> <span class="measurement">Measured: ${escapeHtml(c.measurement)}</span></li>`,
    )
    .join('');
}

// ---------------------------------------------------------------------------------------------------------------
// Training
// ---------------------------------------------------------------------------------------------------------------

let trainId = 0;
let losses: number[][] = [];
let trainedInits: InitializerSpec[] = [];
let training = false;
const SMOOTHING = 20;
/** Milliseconds per step and net of each progress message of the current run. */
let stepTimes: number[] = [];
const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

function readTrainingControls(): ExplorerState | null {
  const inits: InitializerSpec[] = [];
  const errors: string[] = [];
  for (let i = 0; i < MAX_TRAINED; i++) {
    const input = byId<HTMLInputElement>(`train-${i}`);
    const text = input.value.trim();
    input.removeAttribute('aria-invalid');
    if (text === '') continue;
    try {
      const spec = parseInitArgument(text, `initializer ${i + 1}`).spec;
      if (!inits.some((s) => formatInitializerText(s) === formatInitializerText(spec))) inits.push(spec);
    } catch (error) {
      input.setAttribute('aria-invalid', 'true');
      errors.push(error instanceof Error ? error.message : String(error));
    }
  }
  if (inits.length === 0 && errors.length === 0) errors.push('give at least one initializer');
  byId('train-error').textContent = errors.join(' ');
  if (errors.length > 0) return null;
  return {
    ...state,
    train: inits,
    trainActivation: byId<HTMLSelectElement>('train-activation').value as Activation,
    steps: clampInteger(byId<HTMLInputElement>('steps').value, EXPLORER_LIMITS.steps, state.steps),
    lr: Number(byId<HTMLInputElement>('lr').value) > 0 ? Number(byId<HTMLInputElement>('lr').value) : state.lr,
  };
}

function wireTraining(): void {
  byId('training-form').addEventListener('change', () => {
    const next = readTrainingControls();
    if (next) commit(next);
  });
  byId('train-start').addEventListener('click', () => {
    const next = readTrainingControls();
    if (!next) return;
    commit(next);
    trainId += 1;
    losses = next.train.map(() => []);
    trainedInits = [...next.train];
    stepTimes = [];
    training = true;
    setTrainingButtons();
    byId<HTMLProgressElement>('train-progress').value = 0;
    byId<HTMLProgressElement>('train-progress').max = next.steps;
    document.body.dataset['training'] = 'running';
    send(trainWorker, {
      type: 'train',
      id: trainId,
      plan: { inits: next.train, activation: next.trainActivation, seed: next.seed, lr: next.lr, steps: next.steps },
    });
  });
  byId('train-stop').addEventListener('click', () => send(trainWorker, { type: 'stop' }));
}

function setTrainingButtons(): void {
  byId<HTMLButtonElement>('train-start').disabled = training;
  byId<HTMLButtonElement>('train-stop').disabled = !training;
}

function movingAverage(values: readonly number[], window: number): (number | null)[] {
  const out: (number | null)[] = [];
  let sum = 0;
  let finite = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) {
      sum += v;
      finite++;
    }
    const old = i >= window ? values[i - window]! : Number.NaN;
    if (i >= window && Number.isFinite(old)) {
      sum -= old;
      finite--;
    }
    out.push(finite > 0 ? sum / finite : null);
  }
  return out;
}

function renderTraining(accuracies: readonly number[] | null): void {
  const steps = Math.max(1, ...losses.map((l) => l.length));
  const stride = Math.max(1, Math.ceil(steps / 400));
  const series = trainedInits.map((init, i) => {
    const smooth = movingAverage(losses[i]!, SMOOTHING);
    return {
      name: formatInitializerText(init),
      color: COLORS[i]!,
      points: smooth.map((y, s) => [s + 1, y] as const).filter((_, s) => s % stride === 0 || s === smooth.length - 1),
    };
  });
  byId('loss-chart').innerHTML = lineChartSvg(
    {
      title: `Training loss on MNIST (moving average of ${SMOOTHING} steps)`,
      xLabel: 'SGD step',
      yLabel: 'cross-entropy',
      series,
      rules: [{ y: Math.LN10, label: 'chance, ln 10' }],
      description: 'Training loss per SGD step for each initializer.',
    },
    { losses },
  );
  byId('train-results').innerHTML = trainedInits
    .map((init, i) => {
      const l = losses[i]!;
      const recent = l.slice(-SMOOTHING).filter(Number.isFinite);
      const mean = recent.length > 0 ? recent.reduce((a, b) => a + b, 0) / recent.length : Number.NaN;
      const acc = accuracies ? `, test accuracy ${percent(accuracies[i]!)}` : '';
      return `<li><span class="swatch" style="--c:${COLORS[i]}"></span>${escapeHtml(formatInitializerText(init))}: loss ${short(l[0])} at step 1, ${short(mean)} over the last ${recent.length} steps${acc}</li>`;
    })
    .join('');
}

trainWorker.onmessage = (event: MessageEvent<FromWorker>) => {
  const message = event.data;
  if (!('id' in message) || message.id !== trainId) return;
  if (message.type === 'train-status') {
    byId('train-status').textContent = message.text;
  } else if (message.type === 'train-progress') {
    message.losses.forEach((chunk, i) => losses[i]!.push(...chunk));
    byId<HTMLProgressElement>('train-progress').value = message.stepsDone;
    byId('train-status').textContent = `Step ${message.stepsDone} of ${message.steps}, ${message.msPerStep.toFixed(1)} ms per step and net (batch 128).`;
    stepTimes.push(message.msPerStep);
    document.body.dataset['msPerStep'] = median(stepTimes).toFixed(2);
    renderTraining(null);
  } else if (message.type === 'train-done') {
    training = false;
    setTrainingButtons();
    renderTraining(message.testAccuracy);
    byId('train-status').textContent =
      `${message.stopped ? 'Stopped' : 'Done'} after ${losses[0]?.length ?? 0} steps; test accuracy on the 2,000 test digits is listed below.`;
    document.body.dataset['training'] = message.stopped ? 'stopped' : 'done';
  } else if (message.type === 'train-error') {
    training = false;
    setTrainingButtons();
    byId('train-status').textContent = `Training failed: ${message.message}`;
    document.body.dataset['training'] = 'failed';
  }
};

// ---------------------------------------------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------------------------------------------

renderControls();
wireControls();
setTrainingButtons();
commit(state);
measure();
