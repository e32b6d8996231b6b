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
    return this.request<{ applicationNumber?: string; status?: string; error?: string; fields?: Record<string, string> }>(
      'POST',
      `/api/v1/programs/${programCode}/applications`,
      application,
      idempotencyKey ? { 'idempotency-key': idempotencyKey } : {},
    );
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
