/** Tiny XML writer: the emulator only ever writes XML, so a builder is all it needs. */

const special = /[&<>"']/;
const entities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

export function esc(text: string): string {
  // Most values need no escaping; testing first keeps large estates cheap to render.
  return special.test(text) ? text.replace(/[&<>"']/g, (c) => entities[c] as string) : text;
}

/** `<name>text</name>`, or nothing when the value is undefined (AWS omits absent members). */
export function el(name: string, value: string | number | boolean | undefined): string {
  if (value === undefined) return "";
  return `<${name}>${esc(String(value))}</${name}>`;
}

/** `<name>…children…</name>` with already-rendered children. */
export function wrap(name: string, children: string): string {
  return `<${name}>${children}</${name}>`;
}

export const xmlDeclaration = '<?xml version="1.0" encoding="UTF-8"?>\n';
