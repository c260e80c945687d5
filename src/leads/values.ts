/** Small checks of wire values, shared by the intake parsers. Pure. */

/** Trimmed text; blank → undefined. */
export function blankToUndefined(s: string): string | undefined {
  const t = s.trim();
  return t === '' ? undefined : t;
}

/** A plain JSON object (not an array, null or a class instance). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
