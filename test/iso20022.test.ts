// The ISO 20022 codecs shared by the rail and the bank simulator: round trips, exact decimals,
// errors that name the element, and hand-written samples shaped as banks send them.
import { describe, expect, it } from 'vitest';
import { buildCamt053, parseCamt053, type Camt053 } from '../lib/iso20022/camt053';
import { buildPain001, parsePain001, type Pain001 } from '../lib/iso20022/pain001';
import { buildPain002, parsePain002, type Pain002 } from '../lib/iso20022/pain002';
import { readPain002Notification } from '../lib/iso20022/pain002-notification';
import { Iso20022Error, XmlSyntaxError } from '../lib/iso20022/xml';
import { CAMT053_SAMPLE, PAIN001_SAMPLE, PAIN002_SAMPLE } from './support/iso20022-samples';

const pain001: Pain001 = {
  messageId: 'MSG-2026-11-0001',
  createdAt: '2026-11-23T10:15:00Z',
  numberOfTransactions: 3,
  controlSum: '1000000.25',
  initiatingParty: 'AMPARO',
  paymentInformation: {
    paymentInformationId: 'MSG-2026-11-0001',
    paymentMethod: 'TRF',
    numberOfTransactions: 3,
    controlSum: '1000000.25',
    requestedExecutionDate: '2026-11-24',
    debtorName: 'Programa & Co <test>',
    debtorAccount: 'AMPARO-FUND-1',
    debtorAgent: 'SIMBANK',
    transactions: [
      {
        endToEndId: 'E2E-1',
        amount: '1000000.05',
        currency: 'BRL',
        creditorAgent: '001',
        creditorName: 'BENEFICIARY',
        creditorAccount: '12345-6',
        remittanceInformation: 'G2P',
      },
      { endToEndId: 'E2E-2', amount: '0.10', currency: 'BRL', creditorAgent: '001', creditorName: 'BENEFICIARY', creditorAccount: '00077' },
      { endToEndId: 'E2E-3', amount: '0.1', currency: 'BRL', creditorAgent: '237', creditorName: 'BENEFICIARY', creditorAccount: '9' },
    ],
  },
};

const pain002: Pain002 = {
  messageId: 'RPT-1',
  createdAt: '2026-11-23T10:16:00.123Z',
  originalMessageId: 'MSG-2026-11-0001',
  originalMessageNameId: 'pain.001.001.09',
  originalNumberOfTransactions: 3,
  originalControlSum: '1000000.25',
  groupStatus: 'PART',
  originalPaymentInformationId: 'MSG-2026-11-0001',
  transactions: [
    { originalEndToEndId: 'E2E-1', status: 'ACSC', amount: '1000000.05', currency: 'BRL' },
    { originalEndToEndId: 'E2E-2', status: 'RJCT', reason: { code: 'AC04', additionalInfo: 'closed' }, amount: '0.10', currency: 'BRL' },
    { originalEndToEndId: 'E2E-3', status: 'ACSP', amount: '0.1', currency: 'BRL' },
  ],
};

const camt053: Camt053 = {
  messageId: 'CAMT-1',
  createdAt: '2026-11-24T00:05:00Z',
  statements: [
    {
      id: 'STMT-20261123-1',
      createdAt: '2026-11-24T00:05:00Z',
      fromDateTime: '2026-11-23T00:00:00Z',
      toDateTime: '2026-11-23T23:59:59Z',
      account: 'AMPARO-FUND-1',
      currency: 'BRL',
      balances: [
        { type: 'OPBD', amount: '0.00', currency: 'BRL', creditDebit: 'CRDT', date: '2026-11-23' },
        { type: 'CLBD', amount: '1000000.05', currency: 'BRL', creditDebit: 'DBIT', date: '2026-11-23' },
      ],
      entries: [
        {
          reference: 'AMB000000000001',
          amount: '1000000.05',
          currency: 'BRL',
          creditDebit: 'DBIT',
          status: 'BOOK',
          bookingDate: '2026-11-23',
          valueDate: '2026-11-23',
          details: [{ messageId: 'MSG-2026-11-0001', endToEndId: 'E2E-1', creditorAccount: '12345-6' }],
        },
        { amount: '0.10', currency: 'BRL', creditDebit: 'CRDT', reversal: true, status: 'BOOK', bookingDate: '2026-11-23', details: [] },
      ],
    },
  ],
};

/** Runs fn and returns the Iso20022Error it throws. */
function isoError(fn: () => unknown): Iso20022Error {
  try {
    fn();
  } catch (err) {
    if (err instanceof Iso20022Error) return err;
    throw err;
  }
  throw new Error('expected an Iso20022Error');
}

describe('ISO 20022 codecs', () => {
  it('round-trips all three messages, decimals exact as text', () => {
    const xml = buildPain001(pain001);
    expect(xml).toContain('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09">');
    expect(xml).toContain('<InstdAmt Ccy="BRL">1000000.05</InstdAmt>');
    expect(xml).toContain('<Nm>Programa &amp; Co &lt;test&gt;</Nm>');
    expect(parsePain001(xml)).toEqual(pain001);
    expect(parsePain002(buildPain002(pain002))).toEqual(pain002);
    expect(parseCamt053(buildCamt053(camt053))).toEqual(camt053);
    const amounts = parsePain001(xml).paymentInformation.transactions.map((t) => t.amount);
    expect(amounts).toEqual(['1000000.05', '0.10', '0.1']);
    expect(amounts.every((a) => typeof a === 'string')).toBe(true);
  });

  it('names the missing or invalid element in its errors', () => {
    const xml = buildPain001(pain001);
    const cases: Array<[string, string, string]> = [
      [
        xml.replace('<EndToEndId>E2E-2</EndToEndId>', ''),
        'Document/CstmrCdtTrfInitn/PmtInf/CdtTrfTxInf[2]/PmtId/EndToEndId',
        'missing element',
      ],
      [xml.replace('>E2E-3<', `>${'e'.repeat(36)}<`), 'Document/CstmrCdtTrfInitn/PmtInf/CdtTrfTxInf[3]/PmtId/EndToEndId', 'longer than 35'],
      [xml.replace('>0.10<', '>-0.10<'), 'Document/CstmrCdtTrfInitn/PmtInf/CdtTrfTxInf[2]/Amt/InstdAmt', 'is not a decimal amount'],
      [xml.replace('>0.10<', '>1e3<'), 'Document/CstmrCdtTrfInitn/PmtInf/CdtTrfTxInf[2]/Amt/InstdAmt', 'is not a decimal amount'],
      [xml.replace('Ccy="BRL">0.1<', '>0.1<'), 'Document/CstmrCdtTrfInitn/PmtInf/CdtTrfTxInf[3]/Amt/InstdAmt/@Ccy', 'missing attribute'],
      [xml.replace('Ccy="BRL">0.1<', 'Ccy="brl">0.1<'), 'Document/CstmrCdtTrfInitn/PmtInf/CdtTrfTxInf[3]/Amt/InstdAmt/@Ccy', 'ISO 4217'],
      [xml.replace('<NbOfTxs>3</NbOfTxs>', '<NbOfTxs>three</NbOfTxs>'), 'Document/CstmrCdtTrfInitn/GrpHdr/NbOfTxs', 'is not a count'],
      [xml.replace(/<CtrlSum>[^<]*<\/CtrlSum>/, ''), 'Document/CstmrCdtTrfInitn/GrpHdr/CtrlSum', 'missing element'],
      [xml.replace('<PmtMtd>TRF</PmtMtd>', '<PmtMtd>CHK</PmtMtd>'), 'Document/CstmrCdtTrfInitn/PmtInf/PmtMtd', 'not one of TRF'],
      [xml.replace('<Dt>2026-11-24</Dt>', '<Dt>24/11/2026</Dt>'), 'Document/CstmrCdtTrfInitn/PmtInf/ReqdExctnDt/Dt', 'is not an ISO date'],
      [
        xml.replace('<MmbId>237</MmbId>', ''),
        'Document/CstmrCdtTrfInitn/PmtInf/CdtTrfTxInf[3]/CdtrAgt/FinInstnId/ClrSysMmbId/MmbId',
        'missing',
      ],
      [xml.replace('pain.001.001.09', 'pain.001.001.03'), 'Document', "namespace is 'urn:iso:std:iso:20022:tech:xsd:pain.001.001.03'"],
      [
        xml.replace('<Id>AMPARO-FUND-1</Id>', '<Id>AMPARO-FUND-1</Id><Id>X</Id>'),
        'Document/CstmrCdtTrfInitn/PmtInf/DbtrAcct/Id/Othr/Id',
        'appears 2 times',
      ],
    ];
    for (const [bad, element, problem] of cases) {
      const err = isoError(() => parsePain001(bad));
      expect(err.element).toBe(element);
      expect(err.message).toContain(problem);
      expect(err.message).toContain(element);
    }
    expect(isoError(() => parsePain002(buildPain002(pain002).replace('<TxSts>ACSP</TxSts>', '<TxSts>NOPE</TxSts>'))).element).toBe(
      'Document/CstmrPmtStsRpt/OrgnlPmtInfAndSts[1]/TxInfAndSts[3]/TxSts',
    );
    expect(isoError(() => parsePain002(buildPain002(pain002).replace(/<OrgnlMsgId>[^<]*<\/OrgnlMsgId>/, ''))).element).toBe(
      'Document/CstmrPmtStsRpt/OrgnlGrpInfAndSts/OrgnlMsgId',
    );
    expect(
      isoError(() => parseCamt053(buildCamt053(camt053).replace('<CdtDbtInd>DBIT</CdtDbtInd>', '<CdtDbtInd>D</CdtDbtInd>'))).element,
    ).toBe('Document/BkToCstmrStmt/Stmt[1]/Bal[2]/CdtDbtInd');
    expect(() => parsePain001('<Document><unclosed></Document>')).toThrow(XmlSyntaxError);
    expect(() => parsePain001('not xml')).toThrow(XmlSyntaxError);
    expect(() => parsePain001('<!DOCTYPE d [<!ENTITY a "a">]><Document/>')).toThrow(XmlSyntaxError);
    expect(isoError(() => parsePain001('<Other xmlns="x"/>')).element).toBe('Document');
  });

  it('parses a bank-style pain.001 with optional elements it does not use', () => {
    expect(parsePain001(PAIN001_SAMPLE)).toEqual({
      messageId: 'AMP-B-000123',
      createdAt: '2026-11-23T09:30:47.000-03:00',
      numberOfTransactions: 2,
      controlSum: '1200.50',
      initiatingParty: 'MINISTERIO DE DESARROLLO SOCIAL',
      paymentInformation: {
        paymentInformationId: 'AMP-B-000123-1',
        paymentMethod: 'TRF',
        numberOfTransactions: 2,
        controlSum: '1200.50',
        requestedExecutionDate: '2026-11-24',
        debtorName: 'MDS FONDO PROGRAMA',
        debtorAccount: '0011223344',
        debtorAgent: 'SIMBANK',
        transactions: [
          {
            endToEndId: 'P1-C3-B77-V1',
            amount: '600.00',
            currency: 'BRL',
            creditorAgent: '00000000',
            creditorName: 'BENEFICIARY',
            creditorAccount: '1234-5/0009876',
            remittanceInformation: 'BOLSA NOV 2026',
          },
          {
            endToEndId: 'P1-C3-B78-V1',
            amount: '600.50',
            currency: 'BRL',
            creditorAgent: '00360305',
            creditorName: 'BENEFICIARY',
            creditorAccount: '0001/22334455',
          },
        ],
      },
    });
  });

  it('parses a bank-style pain.002 (prefixed namespace, proprietary reason) and reads its message id as a notification', () => {
    const report = parsePain002(PAIN002_SAMPLE);
    expect(report).toEqual({
      messageId: 'SIMBANK-STS-88213',
      createdAt: '2026-11-23T09:31:02Z',
      originalMessageId: 'AMP-B-000123',
      originalMessageNameId: 'pain.001.001.09',
      originalNumberOfTransactions: 2,
      originalControlSum: '1200.50',
      groupStatus: 'PART',
      originalPaymentInformationId: 'AMP-B-000123-1',
      transactions: [
        { originalEndToEndId: 'P1-C3-B77-V1', status: 'ACSC', amount: '600.00', currency: 'BRL' },
        {
          originalEndToEndId: 'P1-C3-B78-V1',
          status: 'RJCT',
          reason: { code: 'AC04', additionalInfo: 'Account closed' },
          amount: '600.50',
          currency: 'BRL',
        },
      ],
    });
    expect(readPain002Notification(PAIN002_SAMPLE)).toEqual({ originalMessageId: 'AMP-B-000123', groupStatus: 'PART' });
  });

  it('parses a bank-style camt.053 with summaries, bank codes and a reversal', () => {
    const doc = parseCamt053(CAMT053_SAMPLE);
    expect(doc).toMatchObject({ messageId: 'SIMBANK-C53-20261123', createdAt: '2026-11-24T01:00:00Z' });
    expect(doc.statements).toEqual([
      {
        id: 'STMT-0011223344-20261123',
        createdAt: '2026-11-24T01:00:00Z',
        fromDateTime: '2026-11-23T00:00:00Z',
        toDateTime: '2026-11-23T23:59:59Z',
        account: '0011223344',
        currency: 'BRL',
        balances: [
          { type: 'OPBD', amount: '50000.00', currency: 'BRL', creditDebit: 'CRDT', date: '2026-11-23' },
          { type: 'CLBD', amount: '48800.00', currency: 'BRL', creditDebit: 'CRDT', date: '2026-11-23' },
        ],
        entries: [
          {
            reference: 'AMB000000000101',
            amount: '600.00',
            currency: 'BRL',
            creditDebit: 'DBIT',
            status: 'BOOK',
            bookingDate: '2026-11-23',
            valueDate: '2026-11-23',
            details: [{ messageId: 'AMP-B-000123', endToEndId: 'P1-C3-B77-V1', creditorAccount: '1234-5/0009876' }],
          },
          {
            reference: 'AMB000000000102',
            amount: '600.50',
            currency: 'BRL',
            creditDebit: 'DBIT',
            status: 'BOOK',
            bookingDate: '2026-11-23',
            valueDate: '2026-11-23',
            details: [{ messageId: 'AMP-B-000123', endToEndId: 'P1-C3-B78-V1', creditorAccount: '0001/22334455' }],
          },
          {
            reference: 'AMB000000000103',
            amount: '0.50',
            currency: 'BRL',
            creditDebit: 'CRDT',
            reversal: true,
            status: 'BOOK',
            bookingDate: '2026-11-23',
            valueDate: '2026-11-23',
            details: [{ endToEndId: 'P1-C3-B78-V1' }],
          },
        ],
      },
    ]);
  });

  it('writes RvslInd only for entries that say, with the bank transaction code of a returned transfer, and reads it back', () => {
    const entry = (creditDebit: 'CRDT' | 'DBIT', reversal?: boolean) => ({
      amount: '1.00',
      currency: 'BRL',
      creditDebit,
      ...(reversal === undefined ? {} : { reversal }),
      status: 'BOOK',
      details: [],
    });
    const [stmt] = camt053.statements;
    const doc = {
      ...camt053,
      statements: [{ ...stmt!, entries: [entry('DBIT'), entry('CRDT', true), entry('DBIT', false), entry('DBIT', true)] }],
    };
    const xml = buildCamt053(doc);
    const code = (ntry: string) => /<Fmly>\s*<Cd>(\w+)<\/Cd>\s*<SubFmlyCd>(\w+)<\/SubFmlyCd>/.exec(ntry)?.slice(1).join('/');
    const codes = [...xml.matchAll(/<Ntry>[\s\S]*?<\/Ntry>/g)].map(([ntry]) => [
      /<RvslInd>(\w+)<\/RvslInd>/.exec(ntry)?.[1] ?? null,
      code(ntry),
    ]);
    // A payment out is an issued transfer; its reversal (money back, CRDT) returns one: ICDT/RRTN.
    expect(codes).toEqual([
      [null, 'ICDT/DMCT'],
      ['true', 'ICDT/RRTN'],
      ['false', 'ICDT/DMCT'],
      ['true', 'RCDT/RRTN'],
    ]);
    expect(parseCamt053(xml).statements[0]!.entries.map((e) => e.reversal)).toEqual([undefined, true, false, true]);
  });
});
