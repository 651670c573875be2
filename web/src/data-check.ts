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
async function checkData(uris: string[]): Promise<Map<string, DataCheck> | null> {
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

/**
 * Checks what `uriOf` names in `list` and marks each item of the current list that names a checked
 * URI (`setList` gets an update, as the list may have changed meanwhile). Nothing happens when
 * there is nothing to check or the caller may not validate; other failures are thrown.
 */
export async function checkEach<T>(
  list: T[],
  uriOf: (item: T) => string,
  mark: (item: T, check: DataCheck) => T,
  setList: (update: (current: T[]) => T[]) => void,
): Promise<void> {
  const byUri = await checkData(list.map(uriOf));
  if (!byUri) return;
  setList((current) =>
    current.map((item) => {
      const check = byUri.get(uriOf(item).trim());
      return check ? mark(item, check) : item;
    }),
  );
}
