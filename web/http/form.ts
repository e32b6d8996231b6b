// Reading an HTML form's body (application/x-www-form-urlencoded, parsed by @fastify/formbody).

/** First string of a form value (repeated fields arrive as arrays); never undefined. */
export function field(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  const one: unknown = Array.isArray(value) ? value[0] : value;
  return typeof one === 'string' ? one : '';
}
