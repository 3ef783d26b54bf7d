/** The few ANSI control sequences the live view needs (CSI = ESC [). */

export const ESC = '\u001b';
/** Moves the cursor to column 1, `n` lines up. */
export const cursorUp = (n: number): string => (n > 0 ? `\r${ESC}[${n}A` : '\r');
/** Clears from the cursor to the end of the screen. */
export const CLEAR_DOWN = `${ESC}[0J`;

const SGR = { bold: 1, dim: 2, red: 31, green: 32, yellow: 33, cyan: 36 } as const;
export type Style = keyof typeof SGR;

const RESET = `${ESC}[0m`;
// Select Graphic Rendition sequences only: the one kind of escape `paint` writes.
const SGR_SEQUENCE = new RegExp(`${ESC}\\[[0-9;]*m`, 'g');
const SGR_AT = new RegExp(`${ESC}\\[[0-9;]*m`, 'y');

/** Wraps `text` in a colour or weight when `enabled`, else returns it unchanged. */
export function paint(text: string, style: Style, enabled: boolean): string {
  return enabled && text !== '' ? `${ESC}[${SGR[style]}m${text}${RESET}` : text;
}

/** Length as the terminal shows it: escape sequences take no room. */
export function visibleLength(line: string): number {
  return line.replace(SGR_SEQUENCE, '').length;
}

/**
 * Cuts a line to at most `width` visible characters, keeping its escape sequences intact, so that it never wraps
 * (a wrapped line would break the count of lines the next redraw moves up over).
 */
export function fitWidth(line: string, width: number): string {
  if (visibleLength(line) <= width) return line;
  let out = '';
  let shown = 0;
  let styled = false;
  for (let i = 0; i < line.length && shown < width;) {
    SGR_AT.lastIndex = i;
    const m = SGR_AT.exec(line);
    if (m !== null) {
      out += m[0];
      styled = true;
      i += m[0].length;
    } else {
      out += line[i];
      shown++;
      i++;
    }
  }
  return styled ? out + RESET : out;
}
