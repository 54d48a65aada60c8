/** Progress of a long checkpoint write on stderr: sizes, rates and the time left, for a terminal and for logs. */
import { formatNumber } from '../src/index.ts';
import type { CheckpointProgress } from '../src/node/index.ts';

/**
 * A byte count in decimal units, as shard sizes are given, to 3 significant digits.
 *
 * @example
 * formatSize(1_234_567_890); // '1.23 GB'
 */
export function formatSize(bytes: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB'];
  let unit = 0;
  let value = bytes;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${formatNumber(Number(value.toPrecision(3)))} ${units[unit]}`;
}

/**
 * A duration for a person: seconds below 90 s, minutes below 90 min, then hours and minutes.
 *
 * @example
 * formatDuration(42.4); // '42 s'
 * formatDuration(600); // '10 min'
 * formatDuration(7260); // '2 h 1 min'
 */
export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/**
 * `prefix: 30% of 20 GB (6 GB in 20 s, 300 MB/s; about 47 s left)`: `done` of `total` bytes after `seconds`, and
 * the time left at the rate so far.
 *
 * @example
 * shareLine('verify', 6e9, 2e10, 20); // 'verify: 30% of 20 GB (6 GB in 20 s, 300 MB/s; about 47 s left)'
 */
export function shareLine(prefix: string, done: number, total: number, seconds: number): string {
  const percent = total > 0 ? Math.floor((100 * done) / total) : 100;
  const rate = done / Math.max(seconds, 1e-9);
  const left = rate > 0 ? `; about ${formatDuration((total - done) / rate)} left` : '';
  return `${prefix}: ${percent}% of ${formatSize(total)} (${formatSize(done)} in ${formatDuration(seconds)}, ${formatSize(rate)}/s${left})`;
}

/**
 * The line of a progress report of `initlab init` `seconds` after the start: the worker's share done, rate, time
 * left and the file being written.
 *
 * @example
 * progressLine({ kind: 'bytes', file: 'model-00002-of-00004.safetensors', written: 1e9, size: 5e9, filesDone: 1,
 *   filesTotal: 4, bytesDone: 6e9, bytesTotal: 2e10 }, 20);
 * // 'init: 30% of 20 GB (6 GB in 20 s, 300 MB/s; about 47 s left), writing model-00002-of-00004.safetensors (file 2 of 4)'
 */
export function progressLine(p: CheckpointProgress, seconds: number): string {
  const file = p.filesTotal > 1 ? ` (file ${p.filesDone + 1} of ${p.filesTotal})` : '';
  return `${shareLine('init', p.bytesDone, p.bytesTotal, seconds)}, writing ${p.file}${file}`;
}

/** Seconds between progress lines in a log (stderr not a terminal). */
export const LOG_EVERY_SECONDS = 30;

/** Where progress goes: stderr, or a test's fake. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * A progress line that follows a long job: on a terminal, rewritten in place at each `update`; in a log, printed
 * at most every {@link LOG_EVERY_SECONDS}. `clear()` removes the terminal's line. `clock` gives milliseconds.
 *
 * @example
 * const live = liveLine(process.stderr);
 * live.update(() => shareLine('verify', done, total, seconds));
 * live.clear();
 */
export function liveLine(stream: ProgressStream, clock: () => number = () => performance.now()): { update(text: () => string): void; clear(): void } {
  const tty = stream.isTTY === true;
  let logged = clock();
  let shown = false;
  return {
    update(text) {
      if (tty) {
        stream.write(`\r\x1b[K${text()}`);
        shown = true;
        return;
      }
      const now = clock();
      if (now - logged < LOG_EVERY_SECONDS * 1000) return;
      logged = now;
      stream.write(`${text()}\n`);
    },
    clear() {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}

/**
 * The `onProgress` of `initlab init`: on a terminal, one line rewritten in place; in a log, a line every
 * {@link LOG_EVERY_SECONDS}; in both, a line per file written (`who` names the worker, if any). `clock` gives
 * milliseconds (performance.now by default).
 *
 * @example
 * writeCheckpoint(plan, 'ckpt', { seed: 0, onProgress: progressPrinter(process.stderr, '') });
 */
export function progressPrinter(stream: ProgressStream, who: string, clock: () => number = () => performance.now()): (p: CheckpointProgress) => void {
  const start = clock();
  const live = liveLine(stream, clock);
  let fileStart = start;
  return (p) => {
    const now = clock();
    if (p.kind === 'bytes') {
      live.update(() => progressLine(p, (now - start) / 1000));
      return;
    }
    const seconds = (now - fileStart) / 1000;
    fileStart = now;
    live.clear();
    stream.write(
      `init: wrote ${p.file} (${formatSize(p.size)} in ${seconds.toFixed(1)} s, ${formatSize(p.size / Math.max(seconds, 1e-9))}/s; file ${p.filesDone}/${p.filesTotal}${who})\n`,
    );
  };
}
