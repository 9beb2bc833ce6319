// Small JSON values (a stream event's data) parsed in the page; whole bodies are read in
// the core (src-tauri/body.rs) and drawn row by row.
// JSON read the way the app sent it: objects keep their keys in order (integer-like keys
// too, which JSON.parse moves to the front) and numbers keep their text (`1e3`,
// `12345678901234567890`), which JSON.parse rewrites or rounds.

export type JsonNode =
  | { kind: 'object'; entries: [string, JsonNode][] }
  | { kind: 'array'; items: JsonNode[] }
  | { kind: 'string'; value: string }
  | { kind: 'number'; raw: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' };

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const MAX_DEPTH = 512;

/** The document as a tree, or undefined when it is not one JSON value. */
export function parseOrdered(text: string): JsonNode | undefined {
  let at = 0;
  const space = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at]!)) at++;
  };
  const fail = (): never => {
    throw new SyntaxError(`not JSON at ${at}`);
  };
  const token = (re: RegExp) => {
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) fail();
    at = re.lastIndex;
    return m![0];
  };
  const value = (depth: number): JsonNode => {
    if (depth > MAX_DEPTH) fail();
    space();
    const c = text[at];
    if (c === '{') {
      at++;
      const entries: [string, JsonNode][] = [];
      space();
      if (text[at] === '}') {
        at++;
        return { kind: 'object', entries };
      }
      for (;;) {
        space();
        const key = JSON.parse(token(STRING)) as string;
        space();
        if (text[at++] !== ':') fail();
        entries.push([key, value(depth + 1)]);
        space();
        const next = text[at++];
        if (next === '}') return { kind: 'object', entries };
        if (next !== ',') fail();
      }
    }
    if (c === '[') {
      at++;
      const items: JsonNode[] = [];
      space();
      if (text[at] === ']') {
        at++;
        return { kind: 'array', items };
      }
      for (;;) {
        items.push(value(depth + 1));
        space();
        const next = text[at++];
        if (next === ']') return { kind: 'array', items };
        if (next !== ',') fail();
      }
    }
    if (c === '"') return { kind: 'string', value: JSON.parse(token(STRING)) as string };
    if (text.startsWith('true', at)) return (at += 4), { kind: 'boolean', value: true };
    if (text.startsWith('false', at)) return (at += 5), { kind: 'boolean', value: false };
    if (text.startsWith('null', at)) return (at += 4), { kind: 'null' };
    return { kind: 'number', raw: token(NUMBER) };
  };
  try {
    const root = value(0);
    space();
    return at === text.length ? root : undefined;
  } catch {
    return undefined;
  }
}
