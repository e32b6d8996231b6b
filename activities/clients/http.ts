// JSON over HTTP for activities. Network errors, timeouts and 5xx throw (Temporal retries the activity);
// every other status is returned for the caller to interpret: a 404 can be an answer, not a failure.
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

export async function requestJson<T>(
  url: string,
  init: { method?: 'GET' | 'POST'; body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<HttpResponse<T>> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: init.method ?? 'GET',
      headers: { accept: 'application/json', ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(init.timeoutMs ?? 10_000),
    });
  } catch (err) {
    // The request may have reached the rail: callers must ask for the status before resending.
    throw new RailUnavailableError(`${init.method ?? 'GET'} ${new URL(url).pathname}: ${(err as Error).name}`);
  }
  if (res.status >= 500) throw new RailUnavailableError(`${init.method ?? 'GET'} ${new URL(url).pathname}: HTTP ${res.status}`);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}
