/**
 * A finding is one thing wrong (or worth a warning) at one place in one file.
 * Every error the tool reports about user content is a finding, printed as
 * `path:line:col: rule: message`.
 */
export type Severity = 'error' | 'warning';

export interface Finding {
  /** Repository-relative path, forward slashes. */
  path: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  col: number;
  /** Stable rule id, e.g. `schema`, `yaml/duplicate-key`, `immutable`. */
  rule: string;
  message: string;
  severity: Severity;
}

/**
 * @example
 * formatFinding({ path: 'a.yaml', line: 3, col: 5, rule: 'schema', message: 'x', severity: 'error' })
 * // 'a.yaml:3:5: schema: x'
 */
export function formatFinding(f: Finding): string {
  const tag = f.severity === 'warning' ? 'warning: ' : '';
  return `${f.path}:${f.line}:${f.col}: ${tag}${f.rule}: ${f.message}`;
}

export function finding(
  path: string,
  pos: { line: number; col: number },
  rule: string,
  message: string,
  severity: Severity = 'error',
): Finding {
  return { path, line: pos.line, col: pos.col, rule, message, severity };
}

/** Sort by path, then position, so output is stable. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) || a.line - b.line || a.col - b.col,
  );
}
