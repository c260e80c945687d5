/**
 * How deeply JSON nests, measured without recursion, so hostile input (10,000 levels) cannot overflow the stack
 * (issue 14). Real payloads nest 2–4 levels; anything deeper than MAX_JSON_DEPTH is refused at the boundary.
 */

/** The deepest nesting a request body may have: objects and arrays, counting the outermost as 1. */
export const MAX_JSON_DEPTH = 32;

/** Depth of JSON text: `{` and `[` outside strings, in one pass; stops counting once past `stopAt`. */
export function textDepth(text: string, stopAt = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > stopAt) return deepest;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

/**
 * Depth of a parsed value (an explicit stack, no recursion). With `jsonIn` (a key, any case), a string under that key
 * that holds JSON (the Azure Table shape's `CustomerInfo`) counts as nested at its place, since intake parses it too.
 */
export function valueDepth(value: unknown, opts: { stopAt?: number; jsonIn?: string } = {}): number {
  const stopAt = opts.stopAt ?? Number.POSITIVE_INFINITY;
  const stack: [unknown, number, string][] = [[value, 0, '']];
  let deepest = 0;
  while (stack.length) {
    const [v, depth, key] = stack.pop()!;
    if (typeof v === 'string') {
      if (opts.jsonIn && key.toLowerCase() === opts.jsonIn.toLowerCase())
        deepest = Math.max(deepest, depth + textDepth(v, stopAt));
    } else if (v !== null && typeof v === 'object') {
      deepest = Math.max(deepest, depth + 1);
      for (const [k, child] of Object.entries(v)) stack.push([child, depth + 1, k]);
    }
    if (deepest > stopAt) return deepest;
  }
  return deepest;
}
