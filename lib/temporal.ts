// One way to reach Temporal from outside workflows: a client on the configured address and namespace,
// over TLS when configured (required in production: lib/startup-checks.ts), its payloads encrypted
// (lib/payload-codec.ts).
import { readFileSync } from 'node:fs';
import { Client, Connection, type TLSConfig } from '@temporalio/client';
import type { Config } from './config';
import { temporalDataConverter } from './payload-codec';

type TlsSettings = Pick<Config, 'TEMPORAL_TLS' | 'TEMPORAL_TLS_CA_FILE' | 'TEMPORAL_TLS_CERT_FILE' | 'TEMPORAL_TLS_KEY_FILE'>;

/** The client's and the worker's TLS settings: none, the system's CAs, or the files given (read now). */
export function temporalTls(config: Partial<TlsSettings>): TLSConfig | undefined {
  if (config.TEMPORAL_TLS !== 'on') return undefined;
  const { TEMPORAL_TLS_CA_FILE: ca, TEMPORAL_TLS_CERT_FILE: cert, TEMPORAL_TLS_KEY_FILE: key } = config;
  if (!cert !== !key) throw new Error('Invalid configuration: TEMPORAL_TLS_CERT_FILE and TEMPORAL_TLS_KEY_FILE go together (mutual TLS)');
  return {
    ...(ca ? { serverRootCACertificate: readFileSync(ca) } : {}),
    ...(cert && key ? { clientCertPair: { crt: readFileSync(cert), key: readFileSync(key) } } : {}),
  };
}

export async function createTemporalClient(
  config: Pick<Config, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE' | 'TEMPORAL_PAYLOAD_KEYS'> & Partial<TlsSettings>,
): Promise<Client> {
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS, tls: temporalTls(config) });
  return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: temporalDataConverter(config) });
}
