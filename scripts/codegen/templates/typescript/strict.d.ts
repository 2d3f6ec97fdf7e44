// (first line dropped: the declarations below are appended to the generated types in index.d.ts)

/** The event type names of this revision, in the order of the union. */
export type EventType = VrpEvent["event_type"];
/** The bundled JSON Schema (draft 2020-12) of this revision. */
export declare const schema: Record<string, unknown>;
/** Every `event_type` of this revision, in the order of the union. */
export declare const eventTypes: readonly EventType[];
/** The contract revision of this package (its version is `<revision>.<release>`). */
export declare const revision: string;

/** The input is not a valid event: the rule id, the JSON Pointer and a sentence in JSON terms. */
export declare class DecodeError extends Error {
  constructor(rule: string, pointer: string, message: string);
  /** The rule id (`schema.required`, `schema.type`, `input.not-json`...), as in every binding. */
  readonly rule: string;
  /** The JSON Pointer of the offending value (`""` for the whole input). */
  readonly pointer: string;
  /** The sentence alone (`message` is `"<rule> at <pointer>: <sentence>"`). */
  readonly detail: string;
}
/** The event names an `event_type` this revision does not define: a tolerant reader skips it. */
export declare class UnknownEventTypeError extends DecodeError {}
/** `encode` was given an event that `decode` would refuse (same rule, pointer and sentence). */
export declare class EncodeError extends DecodeError {}

/**
 * Decode one event from JSON text (a string or UTF-8 bytes): the strict entry point.
 * Throws `DecodeError` (or `UnknownEventTypeError`) on the first problem. `ts_ms` is exact: a
 * `number` up to 2^53-1, a `bigint` above it (never rounded).
 */
export declare function decode(input: string | Uint8Array): VrpEvent;
/**
 * Encode an event to compact JSON text; throws `EncodeError` for anything `decode` refuses,
 * naming its JSON Pointer. Nothing is dropped or rewritten: a non-finite number, an object that is
 * not plain (Date, Map, a class instance), a function, a symbol, an undefined value, a sparse
 * array, a cycle, a lone surrogate or nesting past 1000 levels is refused (`input.not-json`, or
 * `input.not-utf8` for a lone surrogate). An integer `number` past 2^53 is written with its exact
 * digits, as a `bigint` is.
 */
export declare function encode(event: VrpEvent): string;
/** Type guard: true when the value is a valid event of this revision (exactly when `encode` accepts it). */
export declare function isVrpEvent(value: unknown): value is VrpEvent;
/** The first problem of a value, or `null` when it is a valid event: the rule, pointer and sentence `encode` would throw. */
export declare function check(value: unknown): { rule: string; pointer: string; message: string } | null;
