/** The forms' data precheck: `validateDataSources` before submitting, where the caller may. */
import { GatewayError, request } from './api';
import { ValidateDatasetsDocument } from './generated/graphql';

export interface DataCheck {
  ok: boolean;
  message: string | null;
}

/**
 * Checks the given URIs (blank ones skipped), by URI as typed after trimming. Null when there is
 * nothing to check, or when the caller may not validate (it needs scaimind:manage): the
 * coordinator then checks at submit time. Any other failure is thrown.
 */
export async function checkData(uris: string[]): Promise<Map<string, DataCheck> | null> {
  const wanted = [...new Set(uris.map((uri) => uri.trim()).filter(Boolean))];
  if (!wanted.length) return null;
  try {
    const data = await request(ValidateDatasetsDocument, { uris: wanted });
    return new Map(data.validateDataSources.map((r) => [r.uri, { ok: r.ok, message: r.message ?? null }]));
  } catch (error) {
    if (error instanceof GatewayError && error.hasCode('FORBIDDEN')) return null;
    throw error;
  }
}
