import { describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import { metricHistoryIpc } from './history-arrow.js';
import { MetricsLog, parseFinalMetrics } from './metrics-log.js';

describe('MetricsLog', () => {
  it('parses lines split across reads, keeps rows, names in order and the latest values', () => {
    const log = new MetricsLog();
    log.feed('{"step":0,"loss":1}\n{"step":1,');
    expect(log.count).toBe(1);
    log.feed('"loss":0.5,"acc":0.7}\n\n{"step":2,"acc":0.8}');
    expect(log.count).toBe(2);
    log.end();
    expect(log.count).toBe(3);
    expect([...log.stepColumn()]).toEqual([0, 1, 2]);
    expect([...log.column('loss')!]).toEqual([1, 0.5, NaN]);
    expect([...log.column('acc')!]).toEqual([NaN, 0.7, 0.8]);
    expect(log.names).toEqual(['loss', 'acc']);
    expect(log.latest).toEqual({ loss: 0.5, acc: 0.8 });
    expect(log.latestStep).toBe(2);
    expect(log.problem).toBeUndefined();
  });

  it.each([
    ['{"step":1,"loss":0.5', 'not valid JSON: {"step":1,"loss":0.5'],
    ['{"step":1,"loss":NaN}', 'metric "loss" is not finite (NaN)'],
    ['{"step":1,"loss":-Infinity}', 'metric "loss" is not finite (-Infinity)'],
    ['{"step":1,"loss":1e999}', 'metric "loss" is not finite (Infinity)'],
    ['{"step":1,"loss":"0.5"}', 'metric "loss" must be a number; got "0.5"'],
    ['{"step":1,"Loss":0.5}', 'metric name "Loss" must be lower snake_case ([a-z][a-z0-9_]*)'],
    ['{"loss":0.5}', '"step" must be a whole number from 0 to 4294967295; got nothing'],
    ['{"step":1.5,"loss":0.5}', '"step" must be a whole number from 0 to 4294967295; got 1.5'],
    ['[1,2]', 'expected a JSON object such as {"step": 1, "loss": 0.5}'],
    ['"text"', 'expected a JSON object such as {"step": 1, "loss": 0.5}'],
  ])('refuses %s by line and name', (line, message) => {
    const log = new MetricsLog('metrics.jsonl');
    log.feed(`{"step":0,"loss":1}\n${line}\n{"step":3,"loss":0.1}\n`);
    log.end();
    expect(log.problem).toEqual({ file: 'metrics.jsonl', line: 2, message });
    // nothing after the first problem is taken, and the bad line leaves no half row
    expect(log.count).toBe(1);
    expect([...log.column('loss')!]).toEqual([1]);
  });
});

describe('metric history as Arrow', () => {
  it('grows past its first allocation and writes nulls where a line lacked a metric', () => {
    const log = new MetricsLog();
    const lines: string[] = [];
    for (let i = 0; i < 5000; i++)
      lines.push(
        JSON.stringify(i % 2 ? { step: i, loss: i / 10 } : { step: i, loss: i / 10, acc: 1 }),
      );
    log.feed(lines.join('\n'));
    log.end();
    expect(log.count).toBe(5000);
    const t = tableFromIPC(metricHistoryIpc(log));
    expect(t.numRows).toBe(5000);
    expect(t.schema.fields.map((f) => f.name)).toEqual(['step', 'loss', 'acc']);
    expect(t.getChild('step')!.get(4999)).toBe(4999);
    expect(t.getChild('loss')!.get(4321)).toBe(432.1);
    expect(t.getChild('acc')!.get(2)).toBe(1);
    expect(t.getChild('acc')!.get(3)).toBeNull();
    expect(t.getChild('acc')!.nullCount).toBe(2500);
  });
});

describe('parseFinalMetrics', () => {
  it('reads flat metrics and slices', () => {
    expect(parseFinalMetrics('{"accuracy":0.9,"slices":{"api":{"accuracy":0.8}}}')).toEqual({
      metrics: { accuracy: 0.9 },
      slices: { api: { accuracy: 0.8 } },
    });
  });

  it.each([
    ['{"accuracy": NaN}', 'metric "accuracy" is not finite (NaN)'],
    [
      '{"accuracy": 0.9, "slices": {"api": {"accuracy": 1e400}}}',
      'slice "api": metric "accuracy" is not finite (Infinity)',
    ],
    ['{"accuracy": 0.9, "slices": []}', '"slices" must be an object of slice name → metrics'],
    ['{"accuracy": 0.9, "slices": {"a b": {}}}', 'slice name "a b" is not valid'],
    ['[]', 'expected a JSON object of metric name → number'],
  ])('refuses %s', (text, message) => {
    expect(parseFinalMetrics(text)).toBe(message);
  });
});
