/**
 * The feature server's own metrics, kept in-process and written in the Prometheus text format
 * (0.0.4): requests by path and status code, request latency, and store read latency per
 * view. No client library: three metric families do not need one.
 */

/** Seconds: the server answers in well under a millisecond to tens of milliseconds. */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

class Histogram {
  readonly counts = new Array<number>(BUCKETS.length).fill(0);
  sum = 0;
  count = 0;

  observe(seconds: number): void {
    this.sum += seconds;
    this.count++;
    // buckets are cumulative when written; here each observation lands in its first bucket
    for (let i = 0; i < BUCKETS.length; i++)
      if (seconds <= BUCKETS[i]!) {
        this.counts[i]!++;
        return;
      }
  }

  lines(name: string, labels: string): string[] {
    const sep = labels ? ',' : '';
    const out: string[] = [];
    let cumulative = 0;
    BUCKETS.forEach((le, i) => {
      cumulative += this.counts[i]!;
      out.push(`${name}_bucket{${labels}${sep}le="${le}"} ${cumulative}`);
    });
    out.push(`${name}_bucket{${labels}${sep}le="+Inf"} ${this.count}`);
    const braces = labels ? `{${labels}}` : '';
    out.push(`${name}_sum${braces} ${this.sum}`, `${name}_count${braces} ${this.count}`);
    return out;
  }
}

/** A label value escaped as the text format asks (backslash, quote, newline). */
function label(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export class ServerMetrics {
  private readonly requests = new Map<string, number>();
  private readonly latency = new Map<string, Histogram>();
  private readonly reads = new Map<string, Histogram>();
  private readErrors = 0;
  /** The label text of each (path, status) seen, built once: requests' keys. */
  private readonly keys = new Map<string, Map<number, string>>();

  /** `path` should be one of the server's routes or `other`, to keep the label set small. */
  request(path: string, status: number, seconds: number): void {
    let byStatus = this.keys.get(path);
    if (!byStatus) this.keys.set(path, (byStatus = new Map<number, string>()));
    let key = byStatus.get(status);
    if (key === undefined) byStatus.set(status, (key = `path="${label(path)}",code="${status}"`));
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    let h = this.latency.get(path);
    if (!h) this.latency.set(path, (h = new Histogram()));
    h.observe(seconds);
  }

  storeRead(view: string, seconds: number, ok: boolean): void {
    let h = this.reads.get(view);
    if (!h) this.reads.set(view, (h = new Histogram()));
    h.observe(seconds);
    if (!ok) this.readErrors++;
  }

  text(): string {
    const out: string[] = [];
    out.push(
      '# HELP feature_server_requests_total HTTP requests answered, by path and status code.',
      '# TYPE feature_server_requests_total counter',
    );
    for (const [labels, n] of this.requests)
      out.push(`feature_server_requests_total{${labels}} ${n}`);
    out.push(
      '# HELP feature_server_request_duration_seconds Time from request to response, by path.',
      '# TYPE feature_server_request_duration_seconds histogram',
    );
    for (const [path, h] of this.latency)
      out.push(...h.lines('feature_server_request_duration_seconds', `path="${label(path)}"`));
    out.push(
      '# HELP feature_server_store_read_duration_seconds Online store reads, by feature view.',
      '# TYPE feature_server_store_read_duration_seconds histogram',
    );
    for (const [view, h] of this.reads)
      out.push(...h.lines('feature_server_store_read_duration_seconds', `view="${label(view)}"`));
    out.push(
      '# HELP feature_server_store_read_errors_total Online store reads that failed.',
      '# TYPE feature_server_store_read_errors_total counter',
      `feature_server_store_read_errors_total ${this.readErrors}`,
    );
    return out.join('\n') + '\n';
  }
}
