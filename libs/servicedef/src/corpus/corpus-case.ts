// Shape of one malformed definition in the corpus, and a builder for the small valid file each case breaks.

export interface CorpusCase {
  title: string;
  text: string;
  /** Key path of the problem the case is about. */
  keyPath: string;
  /** A fragment of what the problem says was expected. */
  expected: string;
  /** A fragment of the problem's message (what was found). */
  found?: string;
  line?: number;
  /** Defaults to `svc.toml`. */
  file?: string;
  /** How many problems the file has in all (default 1): a mistake should not cascade into noise. */
  count?: number;
}

/** `name = "svc"` and one valid component named web; `top` goes at top level, `component` into it, `rest` after it. */
export function service(parts: { top?: string; component?: string; rest?: string } = {}): string {
  return [
    'name = "svc"',
    parts.top ?? '',
    '[[components]]',
    'name = "web"',
    "image = 'localhost/web:1.0'",
    parts.component ?? '',
    parts.rest ?? '',
  ].join('\n');
}
