// A Temporal history as text anyone with the server's data would read: every string and byte string in it,
// bytes as UTF-8, so a value inside a payload's data shows. Walked by hand: JSON.stringify would give a
// proto message's bytes in base64 and a Buffer's as numbers.
export function asText(value: unknown, out: string[] = []): string {
  if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('utf8'));
  else if (typeof value === 'string') out.push(value);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) asText(v, out);
  return out.join('\n');
}
