// HTTP for activities (JSON for most rails, XML text for the bank). Network errors, timeouts and 5xx throw
// RailUnavailableError (Temporal retries the activity); every other status is returned for the caller to
// interpret: a 404 can be an answer, not a failure.
export interface HttpResponse<T> {
  status: number;
  body: T;
}

export class RailUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RailUnavailableError';
  }
}

interface RequestInit {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** How errors name the request, when its path holds personal data (an MSISDN): else the path. */
  label?: string;
}

/** Sends and reads the whole body under one timeout; a slow body counts as a timeout too. */
async function send(url: string, init: RequestInit & { body?: string }): Promise<HttpResponse<string>> {
  const where = `${init.method ?? 'GET'} ${init.label ?? new URL(url).pathname}`;
  const signal = AbortSignal.timeout(init.timeoutMs ?? 10_000);
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, { method: init.method ?? 'GET', headers: init.headers, body: init.body, signal });
    text = await res.text();
  } catch (err) {
    // The request may have reached the rail: callers must ask for the status before resending.
    throw new RailUnavailableError(`${where}: ${(err as Error).name}`);
  }
  if (res.status >= 500) throw new RailUnavailableError(`${where}: HTTP ${res.status}`);
  return { status: res.status, body: text };
}

export async function requestJson<T>(url: string, init: RequestInit & { body?: unknown } = {}): Promise<HttpResponse<T>> {
  const res = await send(url, {
    ...init,
    headers: { accept: 'application/json', ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: res.status, body: (res.body ? JSON.parse(res.body) : null) as T };
}

/** XML (or any text) both ways: the body is sent and returned as is, for the caller's codec. */
export function requestXml(url: string, init: RequestInit & { body?: string } = {}): Promise<HttpResponse<string>> {
  return send(url, {
    ...init,
    headers: { accept: 'application/xml', ...(init.body === undefined ? {} : { 'content-type': 'application/xml' }), ...init.headers },
  });
}
