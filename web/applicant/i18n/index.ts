// Languages of the applicant pages: catalogs, translation and negotiation.
// Order of precedence: the visible switch (?lang=, remembered in a cookie), the cookie, the browser's
// Accept-Language (by q-value), then Spanish.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie'; // request.cookies / reply.setCookie types
import { isLanguage, LANGUAGES, type Language } from '../../../domain/reason-messages';
import type { Country } from '../../../domain/national-id';
import { en } from './en';
import { es, type Catalog, type MessageKey } from './es';
import { pt } from './pt';

export type { Language, MessageKey };
export { LANGUAGES };

export const DEFAULT_LANGUAGE: Language = 'es';
export const LANG_COOKIE = 'lang';
/** Each language named in itself, so a reader finds their own whatever the page's language. */
export const LANGUAGE_NAMES: Record<Language, string> = { es: 'Español', pt: 'Português', en: 'English' };

const CATALOGS: Record<Language, Catalog> = { es, pt, en };

export type Vars = Record<string, string | number>;
export type Translate = (key: MessageKey, vars?: Vars) => string;

/** t(key, vars): the message in `lang` with {name} placeholders filled (one pass, values never re-read). */
export function translator(lang: Language): Translate {
  const catalog = CATALOGS[lang];
  return (key, vars = {}) => catalog[key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** Country-specific words: the national ID's name and a phone example in the country's format. */
export function countryVars(country: Country): { idName: string; example: string } {
  return country === 'AR' ? { idName: 'CUIL', example: '+54 9 11 2345 6789' } : { idName: 'CPF', example: '+55 11 98765 4321' };
}

/** The best supported language in an Accept-Language header ("pt-BR,pt;q=0.9,en;q=0.8"). */
export function fromAcceptLanguage(header: string | undefined): Language | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q ? Number(q.slice(2)) : 1;
      return { lang: tag.trim().toLowerCase().split('-')[0] ?? '', weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((r) => r.weight > 0 && isLanguage(r.lang))
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  return ranked[0]?.lang as Language | undefined;
}

const first = (value: unknown): string | undefined =>
  Array.isArray(value) ? first(value[0]) : typeof value === 'string' ? value : undefined;

/**
 * The page's language for this request. A ?lang= choice is remembered in a cookie for a year:
 * the applicant should not have to switch again on every page or visit.
 */
export function negotiateLanguage(request: FastifyRequest, reply: FastifyReply): Language {
  void reply.header('vary', 'Accept-Language, Cookie');
  const chosen = first((request.query as Record<string, unknown> | undefined)?.lang);
  if (chosen && isLanguage(chosen)) {
    if (request.cookies[LANG_COOKIE] !== chosen) {
      void reply.setCookie(LANG_COOKIE, chosen, { path: '/', maxAge: 365 * 24 * 3600, sameSite: 'lax', httpOnly: true, secure: 'auto' });
    }
    return chosen;
  }
  const remembered = request.cookies[LANG_COOKIE];
  if (remembered && isLanguage(remembered)) return remembered;
  return fromAcceptLanguage(request.headers['accept-language']) ?? DEFAULT_LANGUAGE;
}

/** The language switch: this page's path with ?lang= for each language (other query values dropped). */
export function languageLinks(path: string, extra: Record<string, string> = {}) {
  return LANGUAGES.map((code) => ({
    code,
    name: LANGUAGE_NAMES[code],
    href: `${path}?${new URLSearchParams({ ...extra, lang: code }).toString()}`,
  }));
}
