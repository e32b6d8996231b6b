// Staff in the admin pages over app.inject, as a browser would be: a user with a password signs in through
// the sign-in form (its own cookie and CSRF token), then gets pages and posts forms with the session cookie.
import type { InjectOptions } from 'fastify';
import { createUser } from '../../lib/users';
import { uid } from './util';
import type { TestWeb } from './web';

const PASSWORD = 'correct horse battery staple';

export interface PageUser {
  id: string;
  username: string;
  cookie: string;
}

export const csrfOf = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';

export function adminPages(web: TestWeb) {
  const request = (opts: InjectOptions & { url: string }) => web.app.inject(opts);
  const get = (url: string, cookie = '') => request({ method: 'GET', url, headers: { cookie } });
  const post = (url: string, fields: Record<string, string>, cookie = '') =>
    request({
      method: 'POST',
      url,
      payload: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    });

  async function signedIn(role: 'ADMIN' | 'APPROVER' | 'REVIEWER' | 'FINANCE'): Promise<PageUser> {
    const username = uid(role.toLowerCase());
    const { id } = await createUser(web.db, username, role, PASSWORD);
    const form = await get('/admin/sign-in');
    const res = await post(
      '/admin/sign-in',
      { _csrf: csrfOf(form.body), username, password: PASSWORD },
      form.cookies.map((c) => `${c.name}=${c.value}`).join('; '),
    );
    return { id, username, cookie: `amparo_admin=${res.cookies.find((c) => c.name === 'amparo_admin')!.value}` };
  }

  /** The session's CSRF token, as any admin page carries it. */
  const csrf = async (cookie: string) => csrfOf((await get('/admin', cookie)).body);

  return { get, post, signedIn, csrf };
}
