import { describe, expect, it } from 'vitest';
import { PrettyStream } from './pretty-stream.js';

function render(line: string, color = false): string {
  let out = '';
  new PrettyStream({ write: (s: string) => (out += s) }, color).write(line);
  return out;
}

describe('PrettyStream', () => {
  const time = new Date(2024, 0, 2, 3, 4, 5, 6).getTime();

  it('prints local time, level, name, message, then the remaining fields as JSON', () => {
    const line = JSON.stringify({ level: 40, time, pid: 1, hostname: 'h', name: 'sim', msg: 'slow', ms: 12 });
    expect(render(line + '\n')).toBe('03:04:05.006 WARN  [sim] slow {"ms":12}\n');
  });

  it('prints an error stack indented under the line', () => {
    const line = JSON.stringify({
      level: 50,
      time,
      msg: 'boom',
      err: { message: 'x', stack: 'Error: x\n    at f' },
    });
    expect(render(line)).toBe('03:04:05.006 ERROR boom\n    Error: x\n        at f\n');
  });

  it('colors the level only when asked', () => {
    expect(render(JSON.stringify({ level: 30, time, msg: 'hi' }), true)).toContain(
      '\u001b[32mINFO \u001b[0m',
    );
  });

  it('passes through text that is not JSON', () => {
    expect(render('plain text\n')).toBe('plain text\n');
  });
});
