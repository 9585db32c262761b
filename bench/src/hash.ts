/**
 * Random access to deterministic randomness: every attribute of resource `i` is a pure function
 * of (seed, i, what), so any resource can be rebuilt on its own, in any order, on any machine,
 * without holding the estate in memory.
 */

/** murmur3's 32-bit finalizer: a cheap, well-mixed hash of an integer. */
function fmix(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85eb_ca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2_ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** A 32-bit hash of a short label, so call sites can name what they draw ("status", "tags"…). */
export function labelHash(label: string): number {
  let h = 0x811c_9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x0100_0193);
  return h >>> 0;
}

export class Draw {
  readonly #seed: number;

  constructor(seed: number) {
    this.#seed = fmix(seed ^ 0x5bd1_e995);
  }

  /** A uniform 32-bit integer for (i, label, k). */
  int(i: number, label: string, k = 0): number {
    return fmix(fmix(this.#seed ^ fmix(i + 0x9e37_79b9)) ^ labelHash(label) ^ fmix(k + 0x7f4a_7c15));
  }

  /** Uniform in [0, 1). */
  unit(i: number, label: string, k = 0): number {
    return this.int(i, label, k) / 4_294_967_296;
  }

  /** Uniform in [lo, hi). */
  between(i: number, label: string, lo: number, hi: number, k = 0): number {
    return lo + (hi - lo) * this.unit(i, label, k);
  }

  pick<T>(i: number, label: string, values: readonly T[], k = 0): T {
    return values[this.int(i, label, k) % values.length] as T;
  }

  /** Picks by weight: `[[value, weight], …]`. */
  weighted<T>(i: number, label: string, choices: readonly (readonly [T, number])[]): T {
    const total = choices.reduce((sum, [, w]) => sum + w, 0);
    let r = this.unit(i, label) * total;
    for (const [value, weight] of choices) {
      r -= weight;
      if (r < 0) return value;
    }
    return choices[choices.length - 1]![0];
  }

  /** `n` hexadecimal digits. */
  hex(i: number, label: string, n: number): string {
    let out = "";
    for (let k = 0; out.length < n; k++) out += this.int(i, label, k).toString(16).padStart(8, "0");
    return out.slice(0, n);
  }
}
