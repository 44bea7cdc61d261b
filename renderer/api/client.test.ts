import { describe, expect, it } from 'vitest';
import { parseSse } from './client';
import { looksLikeCode } from '../screens/register-rules';

describe('parseSse', () => {
  it('reads a contract event and validates its payload', () => {
    expect(parseSse('event: volume.changed\ndata: {"volumeId":3,"state":"scanning"}')).toEqual({
      name: 'volume.changed',
      payload: { volumeId: 3, state: 'scanning' },
    });
  });

  it('drops unknown events, bad payloads, comments and broken JSON', () => {
    expect(parseSse('event: db.dump\ndata: {}')).toBeNull();
    expect(parseSse('event: volume.changed\ndata: {"volumeId":"3","state":"scanning"}')).toBeNull();
    expect(parseSse('event: volume.changed\ndata: {"volumeId":3,"state":"nowhere"}')).toBeNull();
    expect(parseSse(': keepalive')).toBeNull();
    expect(parseSse('event: engine.ready\ndata: {')).toBeNull();
  });
});

describe('looksLikeCode', () => {
  it('tells codes (also full-width, one character off) from names', () => {
    expect(looksLikeCode('91350200776049653A')).toBe(true);
    expect(looksLikeCode('９１３５０２００７７６０４９６５３Ａ')).toBe(true);
    expect(looksLikeCode('110108000000016')).toBe(true);
    expect(looksLikeCode('9135020077604965')).toBe(true);
    expect(looksLikeCode('厦门测试有限公司')).toBe(false);
    expect(looksLikeCode('9135 0200')).toBe(false);
  });
});
