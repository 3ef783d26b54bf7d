/** `configTableMarkdown`: the README table of a command's options, generated from the same declarations. */
import type { ConfigSpec } from './option.js';
import { specOptions } from './spec-options.js';
import type { OptionInfo } from './spec-options.js';

export interface TableOptions {
  /** Rendered as a `###` heading above the table. */
  readonly title?: string;
}

/** Keeps a cell on one line and stops `|` from ending it early. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

function code(text: string | undefined): string {
  return text === undefined ? '—' : `\`${cell(text)}\``;
}

function describe(info: OptionInfo): string {
  const sentence = info.description.trim();
  const joiner = /[.!?]$/.test(sentence) ? ' ' : '. ';
  return cell(`${sentence}${joiner}Expected: ${info.expected}.`);
}

function row(info: OptionInfo): string {
  const defaultCell = info.required ? '*required*' : code(info.defaultText);
  return `| ${code(info.name)} | ${code(info.env)} | ${code(info.flag)} | ${defaultCell} | ${describe(info)} |`;
}

/** Columns `option | env | flag | default | description`; secret defaults are shown as `***`. */
export function configTableMarkdown(spec: ConfigSpec, options: TableOptions = {}): string {
  const lines = [
    '| option | env | flag | default | description |',
    '| --- | --- | --- | --- | --- |',
    ...specOptions(spec).map(row),
  ];
  if (options.title !== undefined) lines.unshift(`### ${options.title}`, '');
  return `${lines.join('\n')}\n`;
}
