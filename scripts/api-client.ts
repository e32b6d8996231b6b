// A typed client of Amparo's HTTP API, used by the demo and the end-to-end tests to drive the rail
// exactly as an applicant's browser or an administrator's tooling would.
export interface ApiResponse<T> {
  status: number;
  body: T;
}

export interface CycleView {
  id: string;
  number: number;
  status: 'DRAFT' | 'APPROVED' | 'RUNNING' | 'PAUSED' | 'COMPLETED' | 'CANCELLED' | 'FAILED';
  currency: string;
  preview: { count: number; amount: string };
  instructed: { count: number; amount: string } | null;
  instructions?: Record<string, { count: number; amount: string }>;
  batches?: Array<{
    seq: number;
    wave: number;
    rail: string;
    provider: string;
    status: string;
    items: number;
    paid: number;
    failed: number;
    needsAttention: number;
  }>;
  reconciliation?:
    | null
    | (Record<'instructed' | 'matched' | 'failed' | 'pending' | 'breaks' | 'statement', { count: number; amount: string }> & {
        balanced: boolean;
      });
  failureReason: string | null;
}

export interface ProgramStats {
  applications: Record<string, number>;
  rejectionReasons: Record<string, number>;
  activeBeneficiaries: number;
}

export class AmparoApi {
  constructor(
    readonly baseUrl: string,
    private readonly token?: string,
  ) {}

  as(token: string): AmparoApi {
    return new AmparoApi(this.baseUrl, token);
  }

  async request<T>(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }

  /** Like request, but any status other than the expected ones is an error with the server's answer. */
  async expect<T>(statuses: number[], method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const res = await this.request<T>(method, path, body);
    if (!statuses.includes(res.status)) throw new Error(`${method} ${path}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  submitApplication(programCode: string, application: unknown, idempotencyKey?: string) {
    return this.request<{
      applicationNumber?: string;
      status?: string;
      phoneVerification?: 'required' | 'verified';
      phoneEnding?: string;
      error?: string;
      fields?: Record<string, string>;
    }>('POST', `/api/v1/programs/${programCode}/applications`, application, idempotencyKey ? { 'idempotency-key': idempotencyKey } : {});
  }

  /** The code sent by SMS to an application's phone, typed back. */
  verifyPhone(applicationNumber: string, code: string) {
    return this.request<{ applicationNumber?: string; phoneVerification?: string; error?: string; fields?: Record<string, string> }>(
      'POST',
      '/api/v1/applications/phone-verification',
      { applicationNumber, code },
    );
  }

  /** A new code to an application's phone (202 whatever the number). */
  resendPhoneCode(applicationNumber: string) {
    return this.request<{ applicationNumber?: string }>('POST', '/api/v1/applications/phone-verification/resend', { applicationNumber });
  }

  /**
   * Confirms an application's phone as its applicant does: reads the code in the SMS the gateway received for
   * that phone (the SMS simulator at smsUrl, where the phone's inbox is), and types it back. Waits for the SMS.
   */
  async confirmPhone(smsUrl: string, applicationNumber: string, phone: string, timeoutMs = 120_000): Promise<void> {
    const code = await smsCode(smsUrl, applicationNumber, phone, timeoutMs);
    const res = await this.verifyPhone(applicationNumber, code);
    if (res.status !== 200) throw new Error(`phone not confirmed: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  }

  createProgram(program: unknown) {
    return this.expect<{ id: string; code: string }>([201], 'POST', '/api/v1/programs', program);
  }

  programStats(code: string) {
    return this.expect<ProgramStats>([200], 'GET', `/api/v1/programs/${code}/stats`);
  }

  prepareCycle(code: string) {
    return this.expect<CycleView>([201], 'POST', `/api/v1/programs/${code}/cycles`, {});
  }

  approveCycle(id: string, totals: { approvedCount: number; approvedAmount: string }) {
    return this.expect<CycleView>([200], 'POST', `/api/v1/cycles/${id}/approve`, totals);
  }

  launchCycle(id: string) {
    return this.expect<{ workflowId: string }>([202], 'POST', `/api/v1/cycles/${id}/launch`, {});
  }

  getCycle(id: string) {
    return this.expect<CycleView>([200], 'GET', `/api/v1/cycles/${id}`);
  }
}

/**
 * The code of the latest SMS to this phone about this application, once the SMS gateway (the SMS simulator,
 * where the phone's inbox is) has it: what the applicant reads.
 */
export async function smsCode(smsUrl: string, applicationNumber: string, phone: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${smsUrl}/v1/messages?${new URLSearchParams({ to: phone, limit: '1000' }).toString()}`);
    if (!res.ok) throw new Error(`SMS gateway: HTTP ${res.status}`);
    const { messages } = (await res.json()) as { messages: Array<{ body: string }> };
    // The code is the message's six digits once the application number (which may hold digits) is taken out.
    const codes = messages.map((m) => m.body.includes(applicationNumber) && /\b(\d{6})\b/.exec(m.body.replace(applicationNumber, ''))?.[1]);
    const code = codes.filter((c) => typeof c === 'string').pop();
    if (code) return code;
    if (Date.now() > deadline) throw new Error(`no code by SMS for ${applicationNumber} in ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
