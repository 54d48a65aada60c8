/** Small I/O helpers of the benchmark. */
import { renameSync, rmSync, writeFileSync } from 'node:fs';

/** Writes `text` to `path` atomically: a temporary file in the same folder, then a rename over the target. */
export function writeFileAtomic(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
