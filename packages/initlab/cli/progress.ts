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
 * The line of a progress report `seconds` after the start: share done, rate, time left (the bytes still to write
 * at the rate so far) and the file being written.
 *
 * @example
 * progressLine({ kind: 'bytes', file: 'model-00002-of-00004.safetensors', written: 1e9, size: 5e9, filesDone: 1,
 *   filesTotal: 4, bytesDone: 6e9, bytesTotal: 2e10 }, 20);
 * // 'init: 30% of 20 GB (6 GB in 20 s, 300 MB/s; about 47 s left), writing model-00002-of-00004.safetensors (file 2 of 4)'
 */
export function progressLine(p: CheckpointProgress, seconds: number): string {
  const percent = p.bytesTotal > 0 ? Math.floor((100 * p.bytesDone) / p.bytesTotal) : 100;
  const rate = p.bytesDone / Math.max(seconds, 1e-9);
  const left = rate > 0 ? `; about ${formatDuration((p.bytesTotal - p.bytesDone) / rate)} left` : '';
  const file = p.filesTotal > 1 ? ` (file ${p.filesDone + 1} of ${p.filesTotal})` : '';
  return `init: ${percent}% of ${formatSize(p.bytesTotal)} (${formatSize(p.bytesDone)} in ${formatDuration(seconds)}, ${formatSize(rate)}/s${left}), writing ${p.file}${file}`;
}

/** Seconds between progress lines in a log (stderr not a terminal). */
export const LOG_EVERY_SECONDS = 30;

/**
 * The `onProgress` of `initlab init`: on a terminal, one line rewritten in place; in a log, a line every
 * {@link LOG_EVERY_SECONDS}; in both, a line per file written (`who` names the worker, if any). `clock` gives
 * milliseconds (performance.now by default).
 *
 * @example
 * writeCheckpoint(plan, 'ckpt', { seed: 0, onProgress: progressPrinter(process.stderr, '') });
 */
export function progressPrinter(
  stream: { isTTY?: boolean; write(text: string): unknown },
  who: string,
  clock: () => number = () => performance.now(),
): (p: CheckpointProgress) => void {
  const tty = stream.isTTY === true;
  const start = clock();
  let fileStart = start;
  let logged = start;
  return (p) => {
    const now = clock();
    if (p.kind === 'bytes') {
      if (tty) stream.write(`\r\x1b[K${progressLine(p, (now - start) / 1000)}`);
      else if (now - logged >= LOG_EVERY_SECONDS * 1000) {
        logged = now;
        stream.write(`${progressLine(p, (now - start) / 1000)}\n`);
      }
      return;
    }
    const seconds = (now - fileStart) / 1000;
    fileStart = now;
    stream.write(
      `${tty ? '\r\x1b[K' : ''}init: wrote ${p.file} (${formatSize(p.size)} in ${seconds.toFixed(1)} s, ${formatSize(p.size / Math.max(seconds, 1e-9))}/s; file ${p.filesDone}/${p.filesTotal}${who})\n`,
    );
  };
}
