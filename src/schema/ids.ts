/**
 * What an ID may be before it goes anywhere near a coordinator URL. Used by `parseId` (arguments)
 * and by the relay plugin's `decodeGlobalID` (`node`, `nodes`), so every id is checked before any
 * call, raw or decoded from a global ID.
 */
import { decodeGlobalID } from '@pothos/plugin-relay';
import { gatewayError } from '../errors.js';

/** The types a global ID may name. */
export const NODE_TYPENAMES = new Set(['TrainingJob', 'Evaluation', 'Checkpoint', 'ClusterNode']);

/** Most IDs one `nodes(ids:)` takes: as many as the largest page (`first: 100`). */
export const MAX_NODE_IDS = 100;

/** Longest ID accepted: a global ID of the longest coordinator id, with room to spare. */
export const MAX_GLOBAL_ID_LENGTH = 256;

/**
 * Letters, digits, `_`, `-` and `.`, at most 128 characters, and not made of dots only (`.` and
 * `..` are dot-segments a URL parser resolves, `%2E` included, so they would reach another
 * route). Nothing else can be a separator or an encoding in a path segment.
 */
export function checkCoordinatorId(id: string, typename: string): string {
  if (!/^[\w.-]{1,128}$/.test(id) || /^\.+$/.test(id)) {
    throw gatewayError('BAD_USER_INPUT', `"${id.slice(0, 64)}" is neither a ${typename} ID nor a coordinator id.`);
  }
  return id;
}

/** The relay plugin's decoder: a global ID of a known type and a safe id, or BAD_USER_INPUT. */
export function decodeCheckedGlobalID(globalID: string): { typename: string; id: string } {
  if (globalID.length > MAX_GLOBAL_ID_LENGTH) {
    throw gatewayError('BAD_USER_INPUT', `An ID is at most ${MAX_GLOBAL_ID_LENGTH} characters long.`);
  }
  let decoded: { typename: string; id: string };
  try {
    decoded = decodeGlobalID(globalID);
  } catch {
    throw gatewayError('BAD_USER_INPUT', `"${globalID.slice(0, 64)}" is not a global ID.`);
  }
  if (!NODE_TYPENAMES.has(decoded.typename)) {
    throw gatewayError('BAD_USER_INPUT', `"${globalID.slice(0, 64)}" is not the ID of a node of this API.`);
  }
  return { typename: decoded.typename, id: checkNodeKey(decoded.id, decoded.typename) };
}

/**
 * A node's key as its global ID carries it: a coordinator id, or for a Checkpoint (unique only
 * within its job) `jobId/checkpointId`, each part a coordinator id. The `/` never reaches a URL:
 * the checkpoint loader splits the key and calls with the job id alone.
 */
function checkNodeKey(key: string, typename: string): string {
  if (typename !== 'Checkpoint') return checkCoordinatorId(key, typename);
  const slash = key.indexOf('/');
  if (slash < 1) throw gatewayError('BAD_USER_INPUT', `"${key.slice(0, 64)}" is not a Checkpoint ID.`);
  checkCoordinatorId(key.slice(0, slash), typename);
  checkCoordinatorId(key.slice(slash + 1), typename);
  return key;
}
