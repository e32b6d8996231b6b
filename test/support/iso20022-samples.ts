// Hand-written ISO 20022 messages shaped as institutions send them (prefixes, schema locations, optional
// elements our codecs ignore), so the parsers are tested against more than their own builders' output.

export const PAIN001_SAMPLE = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
          xsi:schemaLocation="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09 pain.001.001.09.xsd">
  <CstmrCdtTrfInitn>
    <GrpHdr>
      <MsgId>AMP-B-000123</MsgId>
      <CreDtTm>2026-11-23T09:30:47.000-03:00</CreDtTm>
      <NbOfTxs>2</NbOfTxs>
      <CtrlSum>1200.50</CtrlSum>
      <InitgPty><Nm>MINISTERIO DE DESARROLLO SOCIAL</Nm><Id><OrgId><Othr><Id>30-99999999-7</Id></Othr></OrgId></Id></InitgPty>
    </GrpHdr>
    <PmtInf>
      <PmtInfId>AMP-B-000123-1</PmtInfId>
      <PmtMtd>TRF</PmtMtd>
      <BtchBookg>false</BtchBookg>
      <NbOfTxs>2</NbOfTxs>
      <CtrlSum>1200.50</CtrlSum>
      <PmtTpInf><SvcLvl><Prtry>G2P</Prtry></SvcLvl></PmtTpInf>
      <ReqdExctnDt><Dt>2026-11-24</Dt></ReqdExctnDt>
      <Dbtr><Nm>MDS FONDO PROGRAMA</Nm></Dbtr>
      <DbtrAcct><Id><Othr><Id>0011223344</Id></Othr></Id><Ccy>BRL</Ccy></DbtrAcct>
      <DbtrAgt><FinInstnId><Othr><Id>SIMBANK</Id></Othr></FinInstnId></DbtrAgt>
      <ChrgBr>SLEV</ChrgBr>
      <CdtTrfTxInf>
        <PmtId><InstrId>1</InstrId><EndToEndId>P1-C3-B77-V1</EndToEndId></PmtId>
        <Amt><InstdAmt Ccy="BRL">600.00</InstdAmt></Amt>
        <CdtrAgt><FinInstnId><ClrSysMmbId><ClrSysId><Cd>BRSTR</Cd></ClrSysId><MmbId>00000000</MmbId></ClrSysMmbId></FinInstnId></CdtrAgt>
        <Cdtr><Nm>BENEFICIARY</Nm></Cdtr>
        <CdtrAcct><Id><Othr><Id>1234-5/0009876</Id></Othr></Id></CdtrAcct>
        <RmtInf><Ustrd>BOLSA NOV 2026</Ustrd></RmtInf>
      </CdtTrfTxInf>
      <CdtTrfTxInf>
        <PmtId><InstrId>2</InstrId><EndToEndId>P1-C3-B78-V1</EndToEndId></PmtId>
        <Amt><InstdAmt Ccy="BRL">600.50</InstdAmt></Amt>
        <CdtrAgt><FinInstnId><ClrSysMmbId><MmbId>00360305</MmbId></ClrSysMmbId></FinInstnId></CdtrAgt>
        <Cdtr><Nm>BENEFICIARY</Nm></Cdtr>
        <CdtrAcct><Id><Othr><Id>0001/22334455</Id></Othr></Id></CdtrAcct>
      </CdtTrfTxInf>
    </PmtInf>
  </CstmrCdtTrfInitn>
</Document>
`;

export const PAIN002_SAMPLE = `<?xml version="1.0" encoding="UTF-8"?>
<!-- status report after settlement -->
<ns2:Document xmlns:ns2="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10">
  <ns2:CstmrPmtStsRpt>
    <ns2:GrpHdr>
      <ns2:MsgId>SIMBANK-STS-88213</ns2:MsgId>
      <ns2:CreDtTm>2026-11-23T09:31:02Z</ns2:CreDtTm>
      <ns2:DbtrAgt><ns2:FinInstnId><ns2:Othr><ns2:Id>SIMBANK</ns2:Id></ns2:Othr></ns2:FinInstnId></ns2:DbtrAgt>
    </ns2:GrpHdr>
    <ns2:OrgnlGrpInfAndSts>
      <ns2:OrgnlMsgId>AMP-B-000123</ns2:OrgnlMsgId>
      <ns2:OrgnlMsgNmId>pain.001.001.09</ns2:OrgnlMsgNmId>
      <ns2:OrgnlCreDtTm>2026-11-23T09:30:47.000-03:00</ns2:OrgnlCreDtTm>
      <ns2:OrgnlNbOfTxs>2</ns2:OrgnlNbOfTxs>
      <ns2:OrgnlCtrlSum>1200.50</ns2:OrgnlCtrlSum>
      <ns2:GrpSts>PART</ns2:GrpSts>
      <ns2:NbOfTxsPerSts><ns2:DtldNbOfTxs>1</ns2:DtldNbOfTxs><ns2:DtldSts>RJCT</ns2:DtldSts></ns2:NbOfTxsPerSts>
    </ns2:OrgnlGrpInfAndSts>
    <ns2:OrgnlPmtInfAndSts>
      <ns2:OrgnlPmtInfId>AMP-B-000123-1</ns2:OrgnlPmtInfId>
      <ns2:TxInfAndSts>
        <ns2:StsId>88213-1</ns2:StsId>
        <ns2:OrgnlEndToEndId>P1-C3-B77-V1</ns2:OrgnlEndToEndId>
        <ns2:TxSts>ACSC</ns2:TxSts>
        <ns2:AcctSvcrRef>AMB000000000101</ns2:AcctSvcrRef>
        <ns2:OrgnlTxRef><ns2:Amt><ns2:InstdAmt Ccy="BRL">600.00</ns2:InstdAmt></ns2:Amt></ns2:OrgnlTxRef>
      </ns2:TxInfAndSts>
      <ns2:TxInfAndSts>
        <ns2:StsId>88213-2</ns2:StsId>
        <ns2:OrgnlEndToEndId>P1-C3-B78-V1</ns2:OrgnlEndToEndId>
        <ns2:TxSts>RJCT</ns2:TxSts>
        <ns2:StsRsnInf>
          <ns2:Orgtr><ns2:Nm>SIMBANK</ns2:Nm></ns2:Orgtr>
          <ns2:Rsn><ns2:Cd>AC04</ns2:Cd></ns2:Rsn>
          <ns2:AddtlInf>Account closed</ns2:AddtlInf>
        </ns2:StsRsnInf>
        <ns2:OrgnlTxRef>
          <ns2:Amt><ns2:InstdAmt Ccy="BRL">600.50</ns2:InstdAmt></ns2:Amt>
          <ns2:ReqdExctnDt><ns2:Dt>2026-11-24</ns2:Dt></ns2:ReqdExctnDt>
        </ns2:OrgnlTxRef>
      </ns2:TxInfAndSts>
    </ns2:OrgnlPmtInfAndSts>
  </ns2:CstmrPmtStsRpt>
</ns2:Document>
`;

const entry = (ref: string, amount: string, e2e: string, account: string) => `
      <Ntry>
        <NtryRef>${ref}</NtryRef>
        <Amt Ccy="BRL">${amount}</Amt>
        <CdtDbtInd>DBIT</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2026-11-23</Dt></BookgDt>
        <ValDt><Dt>2026-11-23</Dt></ValDt>
        <AcctSvcrRef>${ref}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls>
          <TxDtls>
            <Refs><MsgId>AMP-B-000123</MsgId><PmtInfId>AMP-B-000123-1</PmtInfId><EndToEndId>${e2e}</EndToEndId></Refs>
            <Amt Ccy="BRL">${amount}</Amt>
            <RltdPties><Cdtr><Pty><Nm>BENEFICIARY</Nm></Pty></Cdtr><CdtrAcct><Id><Othr><Id>${account}</Id></Othr></Id></CdtrAcct></RltdPties>
          </TxDtls>
        </NtryDtls>
      </Ntry>`;

export const CAMT053_SAMPLE = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>SIMBANK-C53-20261123</MsgId><CreDtTm>2026-11-24T01:00:00Z</CreDtTm><MsgPgntn><PgNb>1</PgNb><LastPgInd>true</LastPgInd></MsgPgntn></GrpHdr>
    <Stmt>
      <Id>STMT-0011223344-20261123</Id>
      <ElctrncSeqNb>327</ElctrncSeqNb>
      <CreDtTm>2026-11-24T01:00:00Z</CreDtTm>
      <FrToDt><FrDtTm>2026-11-23T00:00:00Z</FrDtTm><ToDtTm>2026-11-23T23:59:59Z</ToDtTm></FrToDt>
      <Acct><Id><Othr><Id>0011223344</Id></Othr></Id><Ccy>BRL</Ccy><Svcr><FinInstnId><Othr><Id>SIMBANK</Id></Othr></FinInstnId></Svcr></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="BRL">50000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-23</Dt></Dt></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="BRL">48800.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><DtTm>2026-11-23T23:59:59Z</DtTm></Dt></Bal>
      <TxsSummry><TtlNtries><NbOfNtries>3</NbOfNtries></TtlNtries></TxsSummry>${entry('AMB000000000101', '600.00', 'P1-C3-B77-V1', '1234-5/0009876')}${entry(
        'AMB000000000102',
        '600.50',
        'P1-C3-B78-V1',
        '0001/22334455',
      )}
      <Ntry>
        <NtryRef>AMB000000000103</NtryRef>
        <Amt Ccy="BRL">0.50</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <RvslInd>true</RvslInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2026-11-23</Dt></BookgDt>
        <ValDt><Dt>2026-11-23</Dt></ValDt>
        <BkTxCd><Prtry><Cd>REVERSAL</Cd></Prtry></BkTxCd>
        <NtryDtls><TxDtls><Refs><EndToEndId>P1-C3-B78-V1</EndToEndId></Refs></TxDtls></NtryDtls>
        <AddtlNtryInf>Partial reversal</AddtlNtryInf>
      </Ntry>
    </Stmt>
  </BkToCstmrStmt>
</Document>
`;
