import { describe, expect, it } from 'vitest';
import { SseParser } from './sse.js';

describe('SseParser', () => {
  it('reads named events split across chunks and skips comments', () => {
    const parser = new SseParser();
    expect(parser.push(': bootmend stream open\n\nevent: machi')).toEqual([]);
    expect(parser.push('nes\ndata: {"machines":[]}\n\n: keep-alive\n\n')).toEqual([{ event: 'machines', data: '{"machines":[]}' }]);
  });

  it('joins data lines, accepts CRLF and names unnamed events "message"', () => {
    const parser = new SseParser();
    expect(parser.push('data: a\r\ndata: b\r\n\r\nevent: x\ndata:c\n\n')).toEqual([
      { event: 'message', data: 'a\nb' },
      { event: 'x', data: 'c' },
    ]);
  });
});
