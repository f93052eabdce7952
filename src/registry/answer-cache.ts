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
    if (version !== this.version) {
      this.version = version;
      this.answers.clear();
      this.seen.clear();
    }
    const kept = this.answers.get(key);
    if (kept !== undefined) return kept;
    const answer = build();
    if (this.seen.has(key)) {
      if (this.answers.size >= this.limit) this.answers.clear();
      this.answers.set(key, answer);
    } else {
      if (this.seen.size >= this.limit) this.seen.clear();
      this.seen.add(key);
    }
    return answer;
  }

  get size(): number {
    return this.answers.size;
  }
}
