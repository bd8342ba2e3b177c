import { describe, expect, it } from 'vitest';
import { ColumnInference, parseTimestamp } from './columns.js';

describe('parseTimestamp', () => {
  it('reads ISO-8601 dates and date-times, with or without a zone', () => {
    const utc = Date.UTC(2024, 2, 1, 12, 30, 15);
    expect(parseTimestamp('2024-03-01')).toEqual({ ms: Date.UTC(2024, 2, 1), zoned: false });
    expect(parseTimestamp('2024-03-01T12:30')).toEqual({ ms: utc - 15_000, zoned: false });
    expect(parseTimestamp('2024-03-01 12:30:15')).toEqual({ ms: utc, zoned: false });
    expect(parseTimestamp('2024-03-01T12:30:15.5Z')).toEqual({ ms: utc + 500, zoned: true });
    expect(parseTimestamp('2024-03-01T12:30:15,123456789z')?.ms).toBe(utc + 123);
    expect(parseTimestamp('2024-03-01T13:30:15+01:00')?.ms).toBe(utc);
    expect(parseTimestamp('2024-03-01T13:30:15+0100')?.ms).toBe(utc);
    expect(parseTimestamp('2024-03-01T11:30:15-01')?.ms).toBe(utc);
    expect(parseTimestamp('2024-02-29')?.ms).toBe(Date.UTC(2024, 1, 29));
    expect(parseTimestamp('0050-01-01')?.ms).toBe(new Date('0050-01-01T00:00:00Z').getTime());
  });

  it('refuses what is not one', () => {
    for (const s of [
      '2023-02-29',
      '2024-13-01',
      '2024-00-10',
      '2024-01-32',
      '2024-1-01',
      '2024/01/01',
      '2024-01-01T24:00',
      '2024-01-01T12:60',
      '2024-01-01T12:00:60',
      '2024-01-01T12',
      '2024-01-01T12:00:00.',
      '2024-01-01T12:00:00+01:',
      '2024-01-01T12:00:00+1',
      '2024-01-01T12:00:00Q',
      '2024-01-01Z',
      '2024-01-01x',
      '20240101',
    ]) {
      expect(parseTimestamp(s), s).toBeNull();
    }
  });
});

describe('ColumnInference', () => {
  const kind = (values: string[]) => {
    const c = new ColumnInference();
    for (const v of values) c.text(v);
    return c.kind();
  };

  it('picks the narrowest type every value fits', () => {
    expect(kind(['true', 'False', 'TRUE'])).toBe('bool');
    expect(kind(['1', '-2', '+3', '007'])).toBe('int64');
    expect(kind(['1', '2.5', '1e-3', '.5', '5.', 'NaN', '-inf'])).toBe('float64');
    expect(kind(['2024-01-01', '2024-01-01 10:00'])).toBe('timestamp');
    expect(kind(['2024-01-01T00:00:00Z', '2024-01-01T00:00:00+02:00'])).toBe('timestamptz');
    expect(kind(['2024-01-01', '2024-01-01T00:00:00Z'])).toBe('string');
    expect(kind(['1', 'true'])).toBe('string');
    expect(kind(['9223372036854775807', '-9223372036854775808'])).toBe('int64');
    expect(kind(['9223372036854775808'])).toBe('float64');
    expect(kind([])).toBe('string');
  });

  it('never reads a JSON string as a number or a bool', () => {
    const c = new ColumnInference();
    c.json('1');
    expect(c.kind()).toBe('string');
    const d = new ColumnInference();
    d.json(1);
    d.json(2);
    expect(d.kind()).toBe('int64');
    d.json(2.5);
    expect(d.kind()).toBe('float64');
  });
});
