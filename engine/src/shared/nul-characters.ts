/**
 * PostgreSQL text and jsonb cannot hold U+0000, so a string carrying it fails when it is written, not when
 * it is read: input is checked for it up front, where a clear 400 can still name the field.
 */
export function nulCharacterPaths(value: unknown, path: string, out: string[] = []): string[] {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) out.push(path);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => nulCharacterPaths(item, `${path}[${i}]`, out));
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      const child = path === '' ? key : `${path}.${key}`;
      if (key.includes('\u0000')) out.push(`the property name ${JSON.stringify(key)} in ${path || 'the row'}`);
      nulCharacterPaths(item, child, out);
    }
  }
  return out;
}

/**
 * Parsed JSON, or a parsed query string (whose prototype has a null prototype). Streams and buffers (import
 * bodies) are not: their rows are checked when they are parsed.
 */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype || Object.getPrototypeOf(proto) === null;
}
