import { describe, expect, it } from 'vitest';
import { decideRetry, parseRetryAfter } from '../../../gateway/events/delivery/index.js';

const retry = { numRetries: 4, intervalSec: 10, timeoutSec: 60 };

describe('retry delays', () => {
  it('doubles interval_sec per attempt already made, up to the cap', () => {
    expect([0, 1, 2, 3].map((tries) => decideRetry(retry, tries, undefined, 60))).toEqual([
      { kind: 'retry', delaySec: 10 },
      { kind: 'retry', delaySec: 20 },
      { kind: 'retry', delaySec: 40 },
      { kind: 'retry', delaySec: 60 },
    ]);
  });

  it('is dead after num_retries + 1 failed attempts, Retry-After or not', () => {
    expect(decideRetry(retry, 4, undefined, 3600)).toEqual({ kind: 'dead' });
    expect(decideRetry(retry, 4, 5, 3600)).toEqual({ kind: 'dead' });
    expect(decideRetry({ ...retry, numRetries: 0 }, 0, undefined, 3600)).toEqual({ kind: 'dead' });
  });

  it('takes a positive integer Retry-After instead of the computed delay, capped', () => {
    expect(decideRetry(retry, 2, 3, 3600)).toEqual({ kind: 'retry', delaySec: 3 });
    expect(decideRetry(retry, 0, 86_400, 3600)).toEqual({ kind: 'retry', delaySec: 3600 });
    expect([' 5 ', '0', '-1', '1.5', 'Wed, 21 Oct 2015 07:28:00 GMT', null].map(parseRetryAfter)).toEqual([5, undefined, undefined, undefined, undefined, undefined]);
  });
});
