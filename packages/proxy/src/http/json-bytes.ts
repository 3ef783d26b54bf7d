/** JSON's insignificant whitespace (RFC 8259 §2): space, LF, CR, HTAB. */
export function isJsonSpace(b: number | undefined): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/**
 * The index of the last byte of `bytes` that is not JSON whitespace, looking no lower than `floor + 1` (`floor`
 * when every byte above it is whitespace): where a JSON text's closing `}` is, if it ends with one.
 */
export function lastNonSpace(bytes: Buffer, floor: number): number {
  let end = bytes.length - 1;
  while (end > floor && isJsonSpace(bytes[end])) end--;
  return end;
}
