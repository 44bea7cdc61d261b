import { describe, expect, it } from 'vitest';
import { targetFromUrl, targetUrl } from './targets';

describe('screen targets in the address', () => {
  it('round-trips a volume, page and document, and leaves out what is not given', () => {
    const url = targetUrl('/catalogue', { volumeId: 28, pageId: 81, documentSeq: 2, enterpriseId: null });
    expect(url).toBe('/catalogue?volume=28&page=81&doc=2');
    expect(targetFromUrl(url.slice(url.indexOf('?')))).toEqual({
      volumeId: 28,
      pageId: 81,
      documentSeq: 2,
      enterpriseId: null,
      code: null,
    });
    expect(targetUrl('/register', {})).toBe('/register');
    expect(targetFromUrl('?code=91350200000009000P').code).toBe('91350200000009000P');
  });

  it('ignores malformed numbers instead of opening something else', () => {
    expect(targetFromUrl('?volume=7x&page=-3&doc=0&enterprise=1e3')).toEqual({
      volumeId: null,
      pageId: null,
      documentSeq: null,
      enterpriseId: null,
      code: null,
    });
  });
});
