/**
 * Deterministic hashing and pseudo-random numbers. The emulator never calls Math.random: the same
 * options must tell the same story (ids, fates, scores) on every run and on every machine.
 */

/** 32-bit FNV-1a of a string, passed through a murmur3-style finaliser for better bit spread. */
export function hash32(input: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < input.length; i++) {
    h ^= input.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A value in [0, 1) derived only from the given parts. */
export function unitHash(...parts: readonly (string | number)[]): number {
  return hash32(parts.join('\u0000')) / 0x1_0000_0000;
}

/** Eight lowercase hex digits derived from the given parts (used for ids). */
export function hexHash(...parts: readonly (string | number)[]): string {
  return hash32(parts.join('\u0000')).toString(16).padStart(8, '0');
}

/** mulberry32: tiny, fast and good enough for test data and fault dice. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** A float in [min, max). */
  range(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }
}
