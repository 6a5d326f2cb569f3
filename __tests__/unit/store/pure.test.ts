import { describeIdTokenClaims, lifetimeSeconds, renewalMarginMs } from '../../../src/store/auth.js';
import { backoffDelayMs, parseRetryAfterMs, parseRetryHintMs } from '../../../src/retry.js';

const NOW = Date.parse('2026-11-23T12:00:00Z');

describe('lifetimeSeconds', () => {
  test.each<[string, Record<string, unknown>, number]>([
    ['v1: expires_in as a string', { expires_in: '3599' }, 3599],
    ['v2: expires_in as a number', { expires_in: 3599 }, 3599],
    ['only expires_on (epoch seconds)', { expires_on: String(NOW / 1000 + 1200) }, 1200],
    ['neither: the documented 60 minutes', {}, 3600],
    ['nonsense: the documented 60 minutes', { expires_in: 'soon' }, 3600],
  ])('%s', (_what, body, seconds) => {
    expect(lifetimeSeconds(body, NOW)).toBe(seconds);
  });
});

describe('renewalMarginMs', () => {
  test.each([
    [3600, 300_000],
    [600, 120_000],
    [3, 600],
  ])('a token of %i s is renewed %i ms early', (lifetime, margin) => {
    expect(renewalMarginMs(lifetime)).toBe(margin);
  });
});

describe('describeIdTokenClaims', () => {
  const jwt = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
  test('names iss, sub and aud, never the token', () => {
    const token = jwt({
      iss: 'https://token.actions.githubusercontent.com',
      sub: 'repo:o/r:ref:refs/heads/main',
      aud: ['api://AzureADTokenExchange'],
    });
    const text = describeIdTokenClaims(token);
    expect(text).toBe(
      'iss=https://token.actions.githubusercontent.com sub=repo:o/r:ref:refs/heads/main aud=api://AzureADTokenExchange',
    );
    expect(text).not.toContain(token);
  });
  test('gives nothing for a token it cannot read', () => {
    expect(describeIdTokenClaims('not-a-jwt')).toBeUndefined();
    expect(describeIdTokenClaims('a.%%%.c')).toBeUndefined();
  });
});

describe('backoffDelayMs', () => {
  const policy = { baseDelayMs: 1000, maxDelayMs: 60_000 };
  test.each([
    [1, 0, 500],
    [1, 1, 1000],
    [3, 0.5, 3000],
    [10, 1, 60_000],
    [10, 0, 30_000],
  ])('retry %i with random %d waits %i ms', (retry, random, delay) => {
    expect(backoffDelayMs(retry, { ...policy, random: () => random })).toBe(delay);
  });
});

describe('Retry-After', () => {
  test.each<[string | null, number | undefined]>([
    ['7', 7000],
    ['0.5', 500],
    ['Mon, 23 Nov 2026 12:00:30 GMT', 30_000],
    ['Mon, 23 Nov 2026 11:00:00 GMT', 0],
    ['later', undefined],
    [null, undefined],
  ])('%j means %j ms', (header, ms) => {
    expect(parseRetryAfterMs(header, NOW)).toBe(ms);
  });

  test('the Store gateway words its wait in the message', () => {
    expect(parseRetryHintMs('Rate limit is exceeded. Try again in 14 seconds.')).toBe(14_000);
    expect(parseRetryHintMs('Rate limit is exceeded.')).toBeUndefined();
  });
});
