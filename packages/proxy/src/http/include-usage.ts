import { lastNonSpace } from './json-bytes.js';

const MEMBER = Buffer.from(',"stream_options":{"include_usage":true}');

/**
 * A streamed request's JSON body with `"stream_options":{"include_usage":true}` added as its last member, spliced
 * into the client's bytes rather than re-serialized (the rest stays byte for byte as sent, and a stream request
 * costs no JSON.stringify). Only for a body already parsed as an object that has other members and no
 * `stream_options` (so no key appears twice); undefined when the bytes do not end with the object's `}`.
 */
export function withIncludeUsage(bytes: Buffer): Buffer | undefined {
  const end = lastNonSpace(bytes, -1);
  if (end <= 0 || bytes[end] !== 0x7d) return undefined;
  return Buffer.concat([bytes.subarray(0, end), MEMBER, bytes.subarray(end)]);
}
