/** Every built-in value type in one namespace, for list/record items and custom options. */
import { jsonType, listType, recordType } from './collection-types.js';
import { durationType } from './duration-type.js';
import { hostType, listenType, portType, urlType } from './network-types.js';
import { booleanType, enumType, intType, numberType, secretType, stringType } from './scalar-types.js';
import { zodType } from './zod-type.js';

export const valueTypes = {
  string: stringType,
  secret: secretType,
  int: intType,
  number: numberType,
  boolean: booleanType,
  enum: enumType,
  url: urlType,
  host: hostType,
  port: portType,
  listen: listenType,
  duration: durationType,
  list: listType,
  record: recordType,
  json: jsonType,
  zod: zodType,
} as const;
