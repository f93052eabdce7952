/**
 * Answers kept for the registry version they were built from (a sync starts afresh), bounded, and
 * admitted only the second time they are asked for. Without that door, traffic spread over all
 * 65536 ports fills the cache with answers asked once, which are then thrown away in bulk and linger
 * in V8's old generation until its next full collection: measured, the server's heap grew 2 MB a
 * second under 2000 requests a second of random ports, all of it such answers.
 */
export class AnswerCache<V> {
  private version: unknown = undefined;
  private readonly answers = new Map<string, V>();
  /** Keys asked for once since the last clearing; only their keys are kept. */
  private readonly seen = new Set<string>();

  constructor(private readonly limit: number) {}

  /** The answer under `key` for `version`, built by `build` unless kept. */
  get(version: unknown, key: string, build: () => V): V {
    const kept = this.find(version, key);
    if (kept !== undefined) return kept;
    const answer = build();
    this.offer(version, key, answer);
    return answer;
  }

  /** The answer kept under `key` for `version`, if any. */
  find(version: unknown, key: string): V | undefined {
    if (version !== this.version) {
      this.version = version;
      this.answers.clear();
      this.seen.clear();
    }
    return this.answers.get(key);
  }

  /** Keeps `answer` if `key` was asked for before (for `version`; see `find`). */
  offer(version: unknown, key: string, answer: V): void {
    if (version !== this.version) return;
    if (this.seen.has(key)) {
      if (this.answers.size >= this.limit) this.answers.clear();
      this.answers.set(key, answer);
    } else {
      if (this.seen.size >= this.limit) this.seen.clear();
      this.seen.add(key);
    }
  }

  get size(): number {
    return this.answers.size;
  }
}
