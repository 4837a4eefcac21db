/**
 * The longest path parameter the router matches, after percent-decoding. Id schemas allow at
 * most this many characters (a test walks the OpenAPI document to keep them in agreement); a
 * longer one is a 414 problem before any route runs.
 */
export const MAX_PATH_PARAM_LENGTH = 128;
