import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, formatSize, LOG_EVERY_SECONDS, liveLine, progressLine, progressPrinter, shareLine } from '../../cli/progress.ts';
import type { CheckpointProgress } from '../../src/node/index.ts';

const at = (bytesDone: number, kind: CheckpointProgress['kind'] = 'bytes', filesDone = 1): CheckpointProgress => ({
  kind,
  file: 'model-00002-of-00004.safetensors',
  written: bytesDone - 5e9,
  size: 5e9,
  filesDone,
  filesTotal: 4,
  bytesDone,
  bytesTotal: 2e10,
});

test('sizes in decimal units and durations for a person', () => {
  assert.deepEqual([0, 999, 1000, 1_234_567_890, 5e12, 2e15].map(formatSize), ['0 bytes', '999 bytes', '1 kB', '1.23 GB', '5 TB', '2000 TB']);
  assert.deepEqual([0.4, 42.4, 89.4, 90, 600, 5369, 5400, 7260].map(formatDuration), [
    '0 s',
    '42 s',
    '89 s',
    '2 min',
    '10 min',
    '89 min',
    '1 h 30 min',
    '2 h 1 min',
  ]);
});

test('a progress line: share done, rate, time left at that rate, the file and its number', () => {
  assert.equal(
    progressLine(at(6e9), 20),
    'init: 30% of 20 GB (6 GB in 20 s, 300 MB/s; about 47 s left), writing model-00002-of-00004.safetensors (file 2 of 4)',
  );
  assert.equal(
    progressLine({ ...at(1e9), filesDone: 0, filesTotal: 1, bytesTotal: 4e9, file: 'model.safetensors' }, 600),
    'init: 25% of 4 GB (1 GB in 10 min, 1.67 MB/s; about 30 min left), writing model.safetensors',
  );
  assert.match(progressLine({ ...at(0), bytesDone: 0 }, 0), /^init: 0% of 20 GB \(0 bytes in 0 s, 0 bytes\/s\), writing/, 'no time left before a rate');
});

test('on a terminal one line is rewritten in place; in a log a line every LOG_EVERY_SECONDS; a line per file in both', () => {
  for (const isTTY of [true, false]) {
    const written: string[] = [];
    let ms = 0;
    const print = progressPrinter({ isTTY, write: (text: string) => written.push(text) }, ' of worker 1/4', () => ms);
    for (const seconds of [1, 2, LOG_EVERY_SECONDS - 1, LOG_EVERY_SECONDS + 1, LOG_EVERY_SECONDS + 2]) {
      ms = seconds * 1000;
      print(at(5e9 + seconds * 1e8));
    }
    ms = 60_000;
    print(at(1e10, 'file', 2));
    const bytesLines = written.filter((line) => line.includes('% of'));
    if (isTTY) {
      assert.equal(bytesLines.length, 5, 'every report on a terminal');
      assert.ok(bytesLines.every((line) => line.startsWith('\r\x1b[K') && !line.endsWith('\n')));
    } else {
      assert.deepEqual(bytesLines, [`${progressLine(at(5e9 + (LOG_EVERY_SECONDS + 1) * 1e8), LOG_EVERY_SECONDS + 1)}\n`], 'one line after 30 s');
    }
    assert.equal(written.at(-1), 'init: wrote model-00002-of-00004.safetensors (5 GB in 60.0 s, 83.3 MB/s; file 2/4 of worker 1/4)\n');
    if (isTTY) assert.equal(written.at(-2), '\r\x1b[K', 'the live line is cleared before the file line');
  }
});

test('a live line: shareLine for any job; on a terminal cleared only once shown', () => {
  assert.equal(shareLine('verify', 6e9, 2e10, 20), 'verify: 30% of 20 GB (6 GB in 20 s, 300 MB/s; about 47 s left)');
  assert.equal(shareLine('verify', 0, 0, 0), 'verify: 100% of 0 bytes (0 bytes in 0 s, 0 bytes/s)');
  const written: string[] = [];
  const live = liveLine({ isTTY: true, write: (text: string) => written.push(text) }, () => 0);
  live.clear();
  assert.deepEqual(written, [], 'nothing to clear yet');
  live.update(() => 'verify: 1%');
  live.clear();
  live.clear();
  assert.deepEqual(written, ['\r\x1b[Kverify: 1%', '\r\x1b[K']);
  let ms = 0;
  const logged: string[] = [];
  const log = liveLine({ write: (text: string) => logged.push(text) }, () => ms);
  let calls = 0;
  log.update(() => `line ${++calls}`);
  ms = LOG_EVERY_SECONDS * 1000;
  log.update(() => `line ${++calls}`);
  log.clear();
  assert.deepEqual(logged, ['line 1\n'], 'in a log: the text is made only when printed, every LOG_EVERY_SECONDS');
});
