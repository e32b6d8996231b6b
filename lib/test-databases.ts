// The test suite uses its own databases, named after the configured ones with a `_test` suffix,
// so running tests never touches a developer's or the demo's data.
export function testDatabaseUrl(url: string): string {
  const u = new URL(url);
  const name = u.pathname.replace(/^\//, '');
  if (!name) throw new Error(`database URL has no database name: ${u.host}`);
  u.pathname = `/${name.endsWith('_test') ? name : `${name}_test`}`;
  return u.toString();
}
