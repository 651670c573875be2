/**
 * Relay connections over the coordinator's forward-only `page_token` pagination.
 *
 * A cursor names a position in the upstream listing: the token of the page it sits on, its offset
 * in that page, the upstream page size (a token is only valid with the size it came from), and a
 * digest of the listing's identity (kind, filters, order). `after` re-reads that page and resumes
 * right after the edge; `first` may span several upstream pages. The edge at the end of a page
 * points at the start of the next page instead, so turning a page costs one upstream call.
 *
 * A page token only works with the page size it came from, so a cursor fixes the upstream page
 * size of every page read after it. Pages whose cursors a client takes are read 100 items at a
 * time (the largest `first`): resuming any such cursor with any `first` then costs at most two
 * upstream calls (the rest of its page and the next), where a cursor taken with `first: 1` would
 * otherwise make `first: 30` cost 30 calls. Pages no cursor escapes from keep `first` as their size.
 */
import { createHash } from 'node:crypto';
import { type GraphQLResolveInfo, Kind, type SelectionSetNode } from 'graphql';
import type { Page } from '../coordinator/domain.js';
import { CoordinatorError } from '../coordinator/errors.js';
import { gatewayError } from '../errors.js';

export const DEFAULT_FIRST = 20;
export const MAX_FIRST = 100;

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export interface Listing<T> {
  /** What is listed and how: any JSON; two listings with equal identity share cursors. */
  identity: unknown;
  fetchPage(pageSize: number, pageToken: string | undefined): Promise<Page<T>>;
  /**
   * For listings that cannot take the coordinator's `total_count` at its word: turns the count of
   * the last page fetched into the right one, or null. Called only when a client selects it.
   */
  checkTotal?(reported: number | null): Promise<number | null>;
  /**
   * For listings that drop items after fetching: upstream pages of this size whatever `first` is,
   * and at most `maxPages` of them per request. Past that bound the connection ends early with
   * `hasNextPage` and an `endCursor` where the scan stopped, so a sparse filter never turns one
   * request into a walk of the whole tenant.
   */
  scan?: { pageSize: number; maxPages: number };
}

/** Upstream pages read per request, at most, by a filtered listing. */
export const MAX_SCAN_PAGES = 5;

/**
 * `listing` with the items `keep` refuses dropped (it sees a whole page, so it can batch any loads).
 * Filtered pages are re-read identically when a cursor resumes, so offsets stay valid. The
 * coordinator's total counts the unfiltered items, so the total becomes unknown (null).
 */
export function filteredListing<T>(
  listing: Listing<T>,
  filter: unknown,
  keep: (items: T[]) => Promise<boolean[]> | boolean[],
): Listing<T> {
  return {
    identity: [listing.identity, filter],
    scan: { pageSize: MAX_FIRST, maxPages: MAX_SCAN_PAGES },
    async fetchPage(pageSize, pageToken) {
      const page = await listing.fetchPage(pageSize, pageToken);
      const verdicts = await keep(page.items);
      return { items: page.items.filter((_, i) => verdicts[i]), nextPageToken: page.nextPageToken, totalCount: null };
    },
  };
}

export interface Connection<T> {
  edges: Array<{ node: T; cursor: string }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number | null | (() => Promise<number | null>);
}

interface Position {
  /** Token of the page the position is on; null for the first page. */
  token: string | null;
  /** Index of the edge in that page; -1 means "before the first item of that page". */
  offset: number;
  size: number;
  /** The listing's digest, computed when a cursor is first encoded (most queries select none). */
  digest: () => string;
}

/** A cursor as a client sent it back. */
type SentPosition = Omit<Position, 'digest'> & { digest: string };

const CURSOR_VERSION = 1;

function digestOf(identity: unknown): string {
  return createHash('sha256').update(JSON.stringify(identity)).digest('base64url').slice(0, 16);
}

function encodeCursor(position: Position): string {
  const { token, offset, size, digest } = position;
  return Buffer.from(JSON.stringify([CURSOR_VERSION, token, offset, size, digest()])).toString('base64url');
}

function decodeCursor(cursor: string): SentPosition {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 5 && parsed[0] === CURSOR_VERSION) {
      const [, token, offset, size, digest] = parsed;
      if (
        (token === null || typeof token === 'string') &&
        Number.isInteger(offset) &&
        offset >= -1 &&
        Number.isInteger(size) &&
        size >= 1 &&
        size <= MAX_FIRST &&
        typeof digest === 'string'
      ) {
        return { token, offset, size, digest };
      }
    }
  } catch {
    // Fall through to the error below: whatever the client sent is not a cursor of ours.
  }
  throw gatewayError(
    'BAD_USER_INPUT',
    'The `after` cursor is malformed. Use a cursor from this listing’s `pageInfo.endCursor` or an edge, or omit `after` to start over.',
  );
}

function validateArgs(args: ConnectionArgs): number {
  if (args.last != null || args.before != null) {
    throw gatewayError(
      'BAD_USER_INPUT',
      'Backward pagination (`last`/`before`) is not supported: the coordinator’s page tokens only go forward. Page with `first`/`after`, or reverse `orderBy`.',
    );
  }
  const first = args.first ?? DEFAULT_FIRST;
  if (!Number.isInteger(first) || first < 1 || first > MAX_FIRST) {
    throw gatewayError('BAD_USER_INPUT', `\`first\` must be from 1 to ${MAX_FIRST}, got ${first}.`);
  }
  return first;
}

/** The listing argument a coordinator rejection names (`pageToken`, `orderBy`, ...), if any. */
function rejectedArgument(error: unknown): string | null {
  if (!(error instanceof CoordinatorError) || error.kind !== 'http') return null;
  if (error.code !== 'INVALID_ARGUMENT' && error.code !== 'VALIDATION_ERROR') return null;
  return error.fieldPath?.[0] ?? null;
}

async function fetchPage<T>(listing: Listing<T>, size: number, token: string | null): Promise<Page<T>> {
  try {
    return await listing.fetchPage(size, token ?? undefined);
  } catch (error) {
    const argument = rejectedArgument(error);
    // Only a rejection that names the token is about the cursor; any other 400 keeps its own message.
    if (token !== null && argument === 'pageToken') {
      throw gatewayError(
        'BAD_USER_INPUT',
        'The `after` cursor has expired or is no longer valid (coordinator page tokens last about 10 minutes). Omit `after` to start the listing over.',
      );
    }
    // `order_by` is only sent for a non-default order, so only those who asked for one see this.
    if (argument === 'orderBy') {
      throw gatewayError(
        'BAD_USER_INPUT',
        'The coordinator does not support this `orderBy`. Omit `orderBy` for its default order (newest first).',
      );
    }
    throw error;
  }
}

/** Most queries never select `cursor`: encode it only when asked (once). */
function lazyEdge<T>(node: T, position: Position): { node: T; cursor: string } {
  let cursor: string | undefined;
  return {
    node,
    get cursor() {
      cursor ??= encodeCursor(position);
      return cursor;
    },
  };
}

/** Fields of a connection that hand out cursors, under the connection field that holds them. */
const CURSOR_FIELDS: Readonly<Record<string, ReadonlySet<string>>> = {
  edges: new Set(['cursor']),
  pageInfo: new Set(['startCursor', 'endCursor']),
};

/** True when the connection field being resolved selects a cursor (fragments included). */
export function selectsCursor(info: GraphQLResolveInfo): boolean {
  const within = (set: SelectionSetNode | undefined, names: ReadonlySet<string> | null, seen: Set<string>): boolean =>
    set?.selections.some((selection) => {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (names !== null) return names.has(name);
        const inner = CURSOR_FIELDS[name];
        return inner !== undefined && within(selection.selectionSet, inner, seen);
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) return within(selection.selectionSet, names, seen);
      const fragment = selection.name.value;
      if (seen.has(fragment)) return false;
      seen.add(fragment);
      return within(info.fragments[fragment]?.selectionSet, names, seen);
    }) ?? false;
  return info.fieldNodes.some((node) => within(node.selectionSet, null, new Set()));
}

/**
 * Resolves a forward connection over `listing`, calling the coordinator as few times as possible.
 * `info` tells whether the client takes cursors (see the module comment); without it pages are
 * read `first` items at a time.
 */
export async function resolvePageTokenConnection<T>(
  args: ConnectionArgs,
  listing: Listing<T>,
  info?: GraphQLResolveInfo,
): Promise<Connection<T>> {
  const first = validateArgs(args);
  let listingDigest: string | undefined;
  const digest = () => {
    listingDigest ??= digestOf(listing.identity);
    return listingDigest;
  };
  let token: string | null = null;
  let start = 0;
  let size = listing.scan?.pageSize ?? (info !== undefined && selectsCursor(info) ? MAX_FIRST : first);
  if (args.after != null) {
    const position = decodeCursor(args.after);
    if (position.digest !== digest()) {
      throw gatewayError(
        'BAD_USER_INPUT',
        'The `after` cursor belongs to a listing with other filters or order. Use cursors only with the arguments they came from, or omit `after` to start over.',
      );
    }
    ({ token, size } = position);
    start = position.offset + 1;
  }

  const edges: Connection<T>['edges'] = [];
  let totalCount: number | null = null;
  let hasNextPage = false;
  /** Where a bounded scan stopped, when it stopped before `first` edges or the end. */
  let scanStop: Position | null = null;
  let pages = 0;
  for (;;) {
    const page = await fetchPage(listing, size, token);
    pages++;
    totalCount = page.totalCount;
    const { items, nextPageToken } = page;
    let index = start;
    for (; index < items.length && edges.length < first; index++) {
      const atPageEnd = index === items.length - 1 && nextPageToken !== null;
      const position = atPageEnd
        ? { token: nextPageToken, offset: -1, size, digest }
        : { token, offset: index, size, digest };
      edges.push(lazyEdge(items[index] as T, position));
    }
    if (edges.length === first) {
      hasNextPage = index < items.length || nextPageToken !== null;
      break;
    }
    if (nextPageToken === null) break;
    token = nextPageToken;
    start = 0;
    if (listing.scan !== undefined && pages >= listing.scan.maxPages) {
      hasNextPage = true;
      scanStop = { token, offset: -1, size, digest };
      break;
    }
  }

  return {
    edges,
    pageInfo: {
      hasNextPage,
      // Relay allows false when paging forward; true is known exactly when `after` was given.
      hasPreviousPage: args.after != null,
      // Getters, like the edges' cursors: encoded only when selected.
      get startCursor() {
        return edges[0]?.cursor ?? null;
      },
      get endCursor() {
        return scanStop ? encodeCursor(scanStop) : (edges.at(-1)?.cursor ?? null);
      },
    },
    totalCount: listing.checkTotal === undefined ? totalCount : () => checkTotal(listing, totalCount),
  };
}

async function checkTotal<T>(listing: Listing<T>, reported: number | null): Promise<number | null> {
  return (await listing.checkTotal?.(reported)) ?? null;
}
