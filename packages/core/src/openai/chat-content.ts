import { z } from 'zod';

/*
 * Content parts of a chat message. Known part types are validated; part types this toolkit does not know yet
 * (providers add new ones often — `video_url`, `input_image`, …) are passed through untouched, because a proxy
 * must not reject what the upstream server may well accept.
 */

export const TextContentPartSchema = z.looseObject({
  type: z.literal('text'),
  text: z.string(),
});
export type TextContentPart = z.output<typeof TextContentPartSchema>;

export const ImageContentPartSchema = z.looseObject({
  type: z.literal('image_url'),
  image_url: z.looseObject({
    url: z.string(),
    detail: z.string().nullish(),
  }),
});
export type ImageContentPart = z.output<typeof ImageContentPartSchema>;

export const AudioContentPartSchema = z.looseObject({
  type: z.literal('input_audio'),
  input_audio: z.looseObject({
    data: z.string(),
    format: z.string(),
  }),
});
export type AudioContentPart = z.output<typeof AudioContentPartSchema>;

export const FileContentPartSchema = z.looseObject({
  type: z.literal('file'),
  file: z.looseObject({
    file_data: z.string().nullish(),
    file_id: z.string().nullish(),
    filename: z.string().nullish(),
  }),
});
export type FileContentPart = z.output<typeof FileContentPartSchema>;

export const RefusalContentPartSchema = z.looseObject({
  type: z.literal('refusal'),
  refusal: z.string(),
});
export type RefusalContentPart = z.output<typeof RefusalContentPartSchema>;

const KnownContentPartSchema = z.discriminatedUnion('type', [
  TextContentPartSchema,
  ImageContentPartSchema,
  AudioContentPartSchema,
  FileContentPartSchema,
  RefusalContentPartSchema,
]);

/** The part types validated above; any other `type` string is passed through. */
export const KNOWN_CONTENT_PART_TYPES: ReadonlySet<string> = new Set(
  KnownContentPartSchema.options.map((o) => o.shape.type.value),
);

/*
 * The refinement sits on the object rather than on `type`, so its issue has an empty path: `parseWire` then
 * prefers the known-type branch's deeper issue (e.g. `messages.0.content.0.text`) when a known part is malformed.
 * It aborts so that zod does not pick this branch as the "only nearly matching" one and hide the real issue.
 */
export const OtherContentPartSchema = z
  .looseObject({ type: z.string({ error: 'must be a string' }) })
  .refine((part) => !KNOWN_CONTENT_PART_TYPES.has(part.type), {
    error: 'is not a valid content part',
    abort: true,
  });
export type OtherContentPart = z.output<typeof OtherContentPartSchema>;

/**
 * The pass-through branch comes first so that a part whose `type` is not even a string is told exactly that,
 * rather than being handed the list of known types (which would wrongly suggest only those are accepted).
 */
export const ContentPartSchema = z.union([OtherContentPartSchema, KnownContentPartSchema], {
  error: 'must be a content part object with a string `type`',
});
export type ContentPart = z.output<typeof ContentPartSchema>;

/** Message content: plain text or an array of parts. */
export const MessageContentSchema = z.union([z.string(), z.array(ContentPartSchema)], {
  error: 'must be a string or an array of content parts',
});
export type MessageContent = z.output<typeof MessageContentSchema>;
