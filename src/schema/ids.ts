/**
 * What an ID may be before it goes anywhere near a coordinator URL. Used by `parseId` (arguments)
 * and by the relay plugin's `decodeGlobalID` (`node`, `nodes`), so every id is checked before any
 * call, raw or decoded from a global ID.
 */
import { decodeGlobalID } from '@pothos/plugin-relay';
import { gatewayError } from '../errors.js';

/** The types a global ID may name. */
export const NODE_TYPENAMES = new Set(['TrainingJob', 'Evaluation', 'Checkpoint', 'ClusterNode']);

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
  return { typename: decoded.typename, id: checkCoordinatorId(decoded.id, decoded.typename) };
}
