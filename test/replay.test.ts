// Replays every recorded workflow history (test/histories/*.json) against the current workflow code.
// A change that would break running workflows (non-determinism) fails here. Refresh the fixtures with
// `RECORD_HISTORIES=1 npx vitest run test/*-workflow.test.ts test/application-decisions.test.ts` after an intentional, versioned change.
import { readdirSync, readFileSync } from 'node:fs';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { asText } from './support/history-text';
import { HISTORIES_DIR, testDataConverter, workflowBundle } from './support/temporal';

const files = readdirSync(HISTORIES_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();
const load = (file: string) => historyFromJSON(JSON.parse(readFileSync(`${HISTORIES_DIR}${file}`, 'utf8')));

describe('recorded workflow histories', () => {
  it('cover every workflow type', () => {
    const types = new Set(files.map((f) => load(f).events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name));
    expect([...types].sort()).toEqual([
      'ApplicationReviewWorkflow',
      'DecisionBatchWorkflow',
      'DisbursementBatchWorkflow',
      'PaymentCycleWorkflow',
      'ReconciliationWatchWorkflow',
      'ReconciliationWorkflow',
      'RetentionWorkflow',
    ]);
  });

  it.each(files)('%s replays deterministically', async (file) => {
    // The processes' data converter: histories recorded encrypted replay, and those recorded before pass through it.
    const options = { workflowBundle: await workflowBundle(), dataConverter: testDataConverter() };
    await expect(Worker.runReplayHistory(options, load(file), file)).resolves.toBeUndefined();
  });

  it.each(files)('%s carries no personal data in its payloads', (file) => {
    // Payload bytes as text (a proto message's toJSON would show them as base64, hiding what they say).
    const payloads = asText(load(file));
    expect(payloads).not.toMatch(/\b\d{11}\b/); // CPF / CUIL numbers
    expect(payloads).not.toMatch(/fullName|nationalId"|accountNumber|dateOfBirth/);
  });
});
