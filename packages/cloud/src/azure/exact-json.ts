/**
 * A strict JSON parser (RFC 8259) that keeps every number as the text the server wrote.
 *
 * Cost Management answers amounts as JSON numbers (`12.3456789012345678`); `JSON.parse` would
 * turn them into doubles and lose digits, and Node 20 has no `JSON.parse` source-text access.
 * Numbers therefore come out as `JsonNumber` holding their source text, which the cost
 * normalizer hands to `normalizeDecimal`. Everything else is plain JSON.
 *
 * Kept instead of lossless-json (4.3.3, the maintained library for this), which is slower on the
 * pages this parser sees: a 5,000-row cost page (905 KiB) parsed in a median of 55-89 ms here
 * against 182-283 ms with lossless-json (minimum 4-7 ms against 61-118 ms), three runs of 40
 * rounds each on a loaded 2-core machine, Node 20.20 (scripts/measure-cost-page-json.ts).
 */
export class JsonNumber {
  constructor(readonly text: string) {}
  toJSON(): string {
    return this.text;
  }
}

export type ExactJson = null | boolean | string | JsonNumber | ExactJson[] | { [key: string]: ExactJson };

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const escapes: Readonly<Record<string, string>> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

export function parseExactJson(text: string): ExactJson {
  let pos = 0;

  const fail = (what: string): never => {
    throw new SyntaxError(`invalid JSON at position ${pos}: ${what}`);
  };
  const skipSpace = () => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      pos += 1;
    }
  };

  const parseString = (): string => {
    pos += 1; // opening quote
    let out = "";
    let runStart = pos;
    for (;;) {
      if (pos >= text.length) fail("unterminated string");
      const c = text[pos] as string;
      if (c === '"') {
        out += text.slice(runStart, pos);
        pos += 1;
        return out;
      }
      if (c < " ") fail("control character in string");
      if (c !== "\\") {
        pos += 1;
        continue;
      }
      out += text.slice(runStart, pos);
      const e = text[pos + 1];
      if (e === "u") {
        const hex = text.slice(pos + 2, pos + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("bad \\u escape");
        out += String.fromCharCode(Number.parseInt(hex, 16));
        pos += 6;
      } else {
        const mapped = e === undefined ? undefined : escapes[e];
        if (mapped === undefined) fail("bad escape");
        out += mapped;
        pos += 2;
      }
      runStart = pos;
    }
  };

  const parseValue = (depth: number): ExactJson => {
    if (depth > 512) fail("nested too deeply");
    skipSpace();
    const c = text[pos];
    if (c === "{") {
      pos += 1;
      const obj: { [key: string]: ExactJson } = {};
      skipSpace();
      if (text[pos] === "}") {
        pos += 1;
        return obj;
      }
      for (;;) {
        skipSpace();
        if (text[pos] !== '"') fail("expected a property name");
        const key = parseString();
        skipSpace();
        if (text[pos] !== ":") fail("expected ':'");
        pos += 1;
        // defineProperty: a "__proto__" key stays an ordinary property.
        Object.defineProperty(obj, key, { value: parseValue(depth + 1), enumerable: true, writable: true, configurable: true });
        skipSpace();
        if (text[pos] === ",") {
          pos += 1;
          continue;
        }
        if (text[pos] === "}") {
          pos += 1;
          return obj;
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === "[") {
      pos += 1;
      const arr: ExactJson[] = [];
      skipSpace();
      if (text[pos] === "]") {
        pos += 1;
        return arr;
      }
      for (;;) {
        arr.push(parseValue(depth + 1));
        skipSpace();
        if (text[pos] === ",") {
          pos += 1;
          continue;
        }
        if (text[pos] === "]") {
          pos += 1;
          return arr;
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return parseString();
    if (text.startsWith("true", pos)) {
      pos += 4;
      return true;
    }
    if (text.startsWith("false", pos)) {
      pos += 5;
      return false;
    }
    if (text.startsWith("null", pos)) {
      pos += 4;
      return null;
    }
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (!m) return fail("unexpected character");
    pos += m[0].length;
    return new JsonNumber(m[0]);
  };

  const value = parseValue(0);
  skipSpace();
  if (pos !== text.length) fail("trailing characters");
  return value;
}

export function isJsonObject(value: ExactJson | undefined): value is { [key: string]: ExactJson } {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof JsonNumber);
}
