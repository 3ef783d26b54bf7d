/** Declarations in a flat, printable form: what the CLI needs to build commander options and `--help`. */
import { flagKeyOf, flagOf } from './names.js';
import type { ConfigSpec } from './option.js';
import { SECRET_MASK } from './value-type.js';

export interface OptionInfo {
  readonly name: string;
  readonly description: string;
  readonly env: string | undefined;
  /** Long flag, `--max-num-seqs`; undefined when hidden with `flag: false`. */
  readonly flag: string | undefined;
  /** Where commander stores the flag's value (`maxNumSeqs`); `loadConfig` accepts flags under this key too. */
  readonly flagKey: string | undefined;
  /** Flag as commander declares it: `--port <port>`, or just `--verbose` for booleans. */
  readonly flagSyntax: string | undefined;
  /** Short placeholder for the value: `int`, `duration`, `host:port`. */
  readonly label: string;
  /** The accepted form, e.g. `an integer from 0 to 65535`. */
  readonly expected: string;
  /** The typed default. For secrets this is the real value: print `defaultText` instead. */
  readonly default: unknown;
  /** The default as text (`30s`, `0.0.0.0:8080`), `***` for secrets, undefined without a default. */
  readonly defaultText: string | undefined;
  /** True for boolean options, whose flag takes no argument. */
  readonly booleanFlag: boolean;
  readonly secret: boolean;
  readonly required: boolean;
}

/** One entry per option, in declaration order. */
export function specOptions(spec: ConfigSpec): OptionInfo[] {
  return Object.entries(spec).map(([name, option]) => {
    const { type, settings } = option;
    const flag = flagOf(name, option);
    let defaultText: string | undefined;
    if (settings.default !== undefined)
      defaultText = type.secret ? SECRET_MASK : type.format(settings.default);
    return {
      name,
      description: settings.description,
      env: settings.env,
      flag,
      flagKey: flag === undefined ? undefined : flagKeyOf(flag),
      flagSyntax: flag === undefined || type.isBoolean ? flag : `${flag} <${type.label}>`,
      label: type.label,
      expected: type.expected,
      default: settings.default,
      defaultText,
      booleanFlag: type.isBoolean,
      secret: type.secret,
      required: settings.required === true && settings.default === undefined,
    };
  });
}
