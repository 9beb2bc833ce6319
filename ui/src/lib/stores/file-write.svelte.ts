// Writing a file the person named (a body, a report, a check file): a file already there is
// replaced only when they say so. One flow for every place that saves: the core refuses with
// `FileExists`, the window offers "Replace it", and the second attempt says so.
import { toAppError } from '../api';

export class FileWrite {
  /** The file is there: the window offers to replace it. */
  exists = $state(false);
  /** Why the last attempt failed, in words. */
  problem = $state<string | null>(null);

  reset() {
    this.exists = false;
    this.problem = null;
  }

  /** Runs `attempt` (with `replace` when the person said so); its result, or null on failure. */
  async write<T>(attempt: (replace: boolean) => Promise<T>, replace = false): Promise<T | null> {
    this.problem = null;
    try {
      const done = await attempt(replace);
      this.exists = false;
      return done;
    } catch (e) {
      const err = toAppError(e);
      this.exists = err.kind === 'FileExists';
      this.problem = err.message;
      return null;
    }
  }
}
