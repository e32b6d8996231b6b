// What a test opens (simulators, receivers) is closed after it, last opened first, so a failing
// test does not leave servers and pools behind for the next one.
import { afterEach } from 'vitest';

export interface Closable {
  close(): Promise<void>;
}

/** Call at the top of a test file: registers the afterEach and returns what feeds it. */
export function closeAfterEach() {
  const open: Closable[] = [];
  afterEach(async () => {
    for (const o of open.splice(0).reverse()) await o.close();
  });
  return {
    /** Awaits `opening` and closes the result after the test. */
    track: async <T extends Closable>(opening: Promise<T>): Promise<T> => {
      const thing = await opening;
      open.push(thing);
      return thing;
    },
    /** Closes `thing` now (a crash, a restart) instead of after the test. */
    closeNow: async (thing: Closable): Promise<void> => {
      await thing.close();
      open.splice(open.indexOf(thing), 1);
    },
  };
}
