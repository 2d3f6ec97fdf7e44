// @@HEADER@@

/** A revision's behaviour tables, as `./behaviour.js` exports them (`tables`). */
export interface BehaviourTables {
  readonly revision: string;
  readonly states: readonly {
    readonly name: string;
    readonly description: string;
    readonly initial: boolean;
    readonly terminal: boolean;
    readonly binding: boolean;
    readonly recovery: boolean;
    readonly counted: boolean;
    readonly reset: boolean;
  }[];
  readonly initial: string;
  readonly transitions: readonly (readonly [string, string])[];
  readonly eventTypes: readonly {
    readonly name: string;
    readonly create: boolean;
    readonly transition: boolean;
    readonly bind: boolean;
    readonly audit: boolean;
  }[];
  readonly pointers: {
    readonly sessionKey: string;
    readonly clock: string;
    readonly eventType: string;
    readonly transitionFrom: string;
    readonly transitionTo: string;
  };
  /** The schema's integer range at the clock pointer, as decimal strings (int64 is past 2^53). */
  readonly clockRange: readonly [string, string];
  readonly defaultPolicy: Readonly<Record<string, number>>;
  /** The revision's policy.schema.json as the checker reads it (bounds as decimal strings). */
  readonly policySchema: {
    readonly properties: Readonly<
      Record<string, { readonly type: "integer"; readonly minimum?: string; readonly maximum?: string }>
    >;
    readonly additionalProperties: boolean;
  };
  /** The severity of each `input.*` rule of the catalog (a line that is no usable event). */
  readonly inputRules: Readonly<Record<string, "error" | "warning" | "info">>;
  readonly invariants: readonly {
    readonly id: string;
    readonly severity: "error" | "warning" | "info";
    readonly statement: string;
    readonly check: string;
  }[];
  readonly rules: readonly {
    readonly id: string;
    readonly severity: "error" | "warning" | "info";
    readonly statement: string;
    readonly pointers: readonly string[];
  }[];
}

/** One finding: the JSON form of `vrp-contract validate --format jsonl` (without `source`). */
export interface Finding<Rule extends string = string> {
  readonly rule: Rule;
  readonly severity: "error" | "warning" | "info";
  readonly message: string;
  /** JSON Pointer into the event. */
  readonly pointer: string;
  /** 1-based index of the event in the stream (its line in a JSON Lines file). */
  readonly line: number;
  readonly session_id: string;
}

/** What the fold reads of one event (see docs/guides/session-fold.md). */
export interface SessionRecord<State extends string = string, Type extends string = string> {
  readonly sessionId: string;
  readonly eventType: Type;
  /** `ts_ms` when it is an integer (a bigint stays a bigint: int64 exact), else null. */
  readonly ts: number | bigint | null;
  /** The states of a transition event, both or neither. */
  readonly from: State | null;
  readonly to: State | null;
}

export interface CheckerOptions<Policy = Record<string, number>> {
  /** Overrides of the revision's default policy, key by key. */
  readonly policy?: Partial<Policy>;
  /** Accept events of sessions never created in the input (streams cut from the middle). */
  readonly assumeOpenSessions?: boolean;
  /** How many terminated session ids to remember (default 200000; the oldest is forgotten). */
  readonly rememberTerminated?: number;
}

/** The session fold over a revision's tables; `./behaviour.js` binds it as `SessionChecker`. */
export declare class SessionEngine<
  State extends string = string,
  Type extends string = string,
  Rule extends string = string,
  Policy = Record<string, number>,
> {
  constructor(tables: BehaviourTables, options?: CheckerOptions<Policy>);
  readonly policy: Readonly<Policy>;
  readonly assumeOpenSessions: boolean;
  readonly rememberTerminated: number;
  /** Sessions seen and not terminated. */
  readonly openSessions: number;
  /** The state of an open session (null: unknown, undefined: not open). */
  stateOf(sessionId: string): State | null | undefined;
  /** What the fold reads of `event`, or null when it names no usable session or event type. */
  recordOf(event: unknown): SessionRecord<State, Type> | null;
  /** Fold the next event of the stream; `line` defaults to its 1-based index. */
  check(event: unknown, line?: number): Finding<Rule>[];
  /** The findings `event` would cause, without folding it: ask before you emit. */
  wouldFind(event: unknown): Finding<Rule>[];
  /** Fold one record at `line`. */
  step(record: SessionRecord<State, Type>, line: number): Finding<Rule>[];
}

/** A policy the revision's policy schema refuses (the constructor throws it); `detail` is the sentence. */
export declare class PolicyError extends Error {
  readonly detail: string;
}
/** The first problem of `policy` under `schema` (a sentence), or null when it is valid. */
export declare function policyProblem(schema: BehaviourTables["policySchema"], policy: unknown): string | null;

export declare function lookup(doc: unknown, tokens: readonly string[]): unknown;
export declare function tokens(pointer: string): string[];
