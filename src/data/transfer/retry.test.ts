import { describe, expect, it } from 'vitest';
import { DataError } from '../errors.js';
import { backoffDelay, isTransientError, retry } from './retry.js';

const transient = () => new DataError('TRANSIENT', 'busy');

function flaky(failures: number, make: () => Error = transient) {
  let calls = 0;
  return {
    fn: (attempt: number) => {
      calls++;
      if (attempt < failures) return Promise.reject(make());
      return Promise.resolve(`ok after ${attempt}`);
    },
    calls: () => calls,
  };
}

describe('retry', () => {
  it('retries transient failures with growing, jittered delays', async () => {
    const waits: number[] = [];
    const f = flaky(3);
    const got = await retry(f.fn, {
      sleep: (ms) => Promise.resolve(void waits.push(ms)),
      random: () => 0.5,
      baseMs: 100,
    });
    expect(got).toBe('ok after 3');
    expect(waits).toEqual([75, 150, 300]); // cap/2 + 0.5·cap/2 for caps 100, 200, 400
  });

  it('keeps every delay within [cap/2, cap] and under maxMs', () => {
    expect(backoffDelay(0, 200, 20_000, () => 0)).toBe(100);
    expect(backoffDelay(0, 200, 20_000, () => 0.999999)).toBe(200);
    expect(backoffDelay(20, 200, 20_000, () => 0.999999)).toBe(20_000);
  });

  it('throws a final failure at once', async () => {
    const f = flaky(5, () => new DataError('HASH_MISMATCH', 'bad bytes'));
    await expect(retry(f.fn, { sleep: () => Promise.resolve() })).rejects.toMatchObject({
      code: 'HASH_MISMATCH',
    });
    expect(f.calls()).toBe(1);
  });

  it('gives up after `retries` and throws the last failure', async () => {
    const f = flaky(10);
    await expect(retry(f.fn, { retries: 2, sleep: () => Promise.resolve() })).rejects.toMatchObject(
      {
        code: 'TRANSIENT',
      },
    );
    expect(f.calls()).toBe(3);
  });

  it('stops waiting when aborted', async () => {
    const ac = new AbortController();
    const f = flaky(10);
    const run = retry(f.fn, { signal: ac.signal, baseMs: 60_000 });
    setTimeout(() => ac.abort(), 20);
    await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
    expect(f.calls()).toBe(1);
  });

  it('tells its caller about each retry', async () => {
    const seen: number[] = [];
    await retry(flaky(2).fn, {
      sleep: () => Promise.resolve(),
      onRetry: ({ attempt }) => seen.push(attempt),
    });
    expect(seen).toEqual([0, 1]);
  });
});

describe('isTransientError', () => {
  it.each([
    [Object.assign(new Error('reset'), { code: 'ECONNRESET' }), true],
    [Object.assign(new Error('x'), { $metadata: { httpStatusCode: 503 } }), true],
    [Object.assign(new Error('x'), { $metadata: { httpStatusCode: 429 } }), true],
    [Object.assign(new Error('x'), { name: 'SlowDown' }), true],
    [Object.assign(new Error('x'), { $retryable: { throttling: true } }), true],
    [new Error('wrapped', { cause: Object.assign(new Error('t'), { code: 'ETIMEDOUT' }) }), true],
    [Object.assign(new Error('x'), { $metadata: { httpStatusCode: 403 } }), false],
    [Object.assign(new Error('gone'), { code: 'ENOENT' }), false],
    [new DataError('SIZE_MISMATCH', 'x'), false],
    ['a string', false],
  ])('%o → %s', (e, want) => {
    expect(isTransientError(e)).toBe(want);
  });
});

describe('errors the S3 store gives up on', () => {
  it('are final: the store has already retried what was transient', async () => {
    const { S3StoreError } = await import('../store/s3-errors.js');
    const gaveUp = new S3StoreError(
      'GAVE_UP',
      'failed after 6 tries',
      {},
      { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) },
    );
    expect(isTransientError(gaveUp)).toBe(false);
    expect(isTransientError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe(true);
  });
});
