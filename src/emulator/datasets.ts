/**
 * Whether the caller's tenant can read a dataset URI; null when it can, else the reason.
 * The rule (shared by POST /data/validate and custom benchmarks): `scaidrive://<caller tenant>/…`
 * and no `/missing/` segment, which lets tests name an unreadable file on purpose.
 */
export function datasetProblem(tenant: string, uri: string): string | null {
  const match = /^scaidrive:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (match === null) return `unsupported URI; expected scaidrive://${tenant}/<path>`;
  if (match[1] !== tenant) return `not readable by tenant ${tenant}`;
  if (uri.includes('/missing/')) return 'object not found';
  return null;
}
