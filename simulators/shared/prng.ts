// Random draws for injected faults. Seeded, so a drill that failed can be replayed draw for draw.
import { createHash } from 'node:crypto';

/** mulberry32: small, fast, good enough to make fault runs reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * A fraction in [0, 1) fixed by (seed, key): the same key always gets the same answer, in any request
 * or process, so a resend of something refused is refused again.
 */
export function keyedFraction(seed: number, key: string): number {
  return createHash('sha256').update(`${seed}:${key}`).digest().readUInt32BE(0) / 4_294_967_296;
}
