// The one way text reaches the HTML report: the `html` tagged template escapes every
// interpolated value unless it is already SafeHtml (built by `html` itself). Transcripts,
// rule messages, metadata and file names are all untrusted text.

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Escapes text for element content and for quoted attribute values. */
export function esc(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ENTITIES[c]);
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false || value === true) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map((v) => render(v)).join('');
  return esc(String(value));
}

/** Tagged template: literal parts are trusted markup, every `${value}` is escaped. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new SafeHtml(out);
}

/** Trusted markup that did not come from `html` (only for constants in this folder: CSS, JS). */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/**
 * JSON for a `<script type="application/json">` block: `<`, `>`, `&` and the JS line
 * separators are \u-escaped so no value can close the script element or open a comment.
 */
export function jsonForScript(value: unknown): SafeHtml {
  const json = JSON.stringify(value) ?? 'null';
  return new SafeHtml(json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/**
 * A file path (relative to the report folder) or http(s) URL for href/src, or undefined when
 * it must not be linked (javascript:, data: and other schemes). Paths are percent-encoded per
 * segment so spaces, '#' and '?' in file names stay part of the name.
 */
export function safeUrl(pathOrUrl: string | undefined): string | undefined {
  if (!pathOrUrl) return undefined;
  if (/^https?:\/\//i.test(pathOrUrl)) return pathOrUrl;
  // Any other scheme (javascript:, data:, vbscript:, file:) is refused. A Windows drive
  // letter ("C:\...") looks like a scheme too; reports use relative paths, so refuse it as well.
  if (/^[a-z][a-z0-9+.-]*:/i.test(pathOrUrl)) return undefined;
  return pathOrUrl
    .replace(/\\/g, '/')
    .split('/')
    .map((seg) => encodeURIComponent(seg))
    .join('/');
}
