/**
 * The coordinator has no batch-get endpoint: a "batch" is one GET per distinct id, issued
 * concurrently. A failed id becomes an Error in its slot, so that only the fields that asked for
 * it fail (the dataloader plugin turns Errors into rejected loads).
 */
export function loadEach<T>(ids: readonly string[], load: (id: string) => Promise<T>): Promise<Array<T | Error>> {
  return Promise.all(
    ids.map((id) => load(id).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))))),
  );
}
