/**
 * Fault injection: answer matching requests with throttling/server errors, a gateway's page, or a
 * reset socket, or let another client's identical request arrive just before one (`twin`).
 */

export interface FaultRuleBase {
  /** HTTP method to match (any when absent). */
  method?: string;
  /** Matches the request path (without query): a RegExp, or a substring. Token paths contain `/oauth2/`. */
  path?: RegExp | string;
  /** How many matching requests to fault (default 1). `Infinity` for all. */
  times?: number;
  /** `before` (default): answer instead of the operation. `after-effect`: do the operation, then answer with the fault. */
  after?: 'before' | 'after-effect';
  /**
   * Runs when the fault is taken, before anything is answered: what another client (or the
   * service) does at that very moment, with no race against the action's next request.
   */
  onInject?: () => void;
}

export type FaultRule =
  | (FaultRuleBase & {
      /** 200 with a string `body`: a gateway's page in place of the API's JSON. */
      status: 200 | 400 | 409 | 429 | 500 | 502 | 503;
      retryAfter?: string;
      body?: unknown;
      reset?: never;
      twin?: never;
    })
  | (FaultRuleBase & { reset: true; status?: never; twin?: never })
  /** The same request from another client (a second job) is handled first, then this one as usual. */
  | (FaultRuleBase & { twin: true; status?: never; reset?: never });

export interface InjectedFault {
  method: string;
  path: string;
  at: number;
  after: 'before' | 'after-effect';
  status?: number;
  reset?: boolean;
  twin?: boolean;
}

interface ActiveRule {
  rule: FaultRule;
  remaining: number;
}

export class FaultInjector {
  private rules: ActiveRule[] = [];
  /** Every fault answered so far, in order. */
  readonly injected: InjectedFault[] = [];

  add(rule: FaultRule): void {
    this.rules.push({ rule, remaining: rule.times ?? 1 });
  }

  clear(): void {
    this.rules = [];
  }

  /** Rules not yet used up. */
  get pending(): number {
    return this.rules.filter((r) => r.remaining > 0).length;
  }

  /** Finds and consumes the first rule matching the request. */
  take(method: string, path: string): FaultRule | undefined {
    for (const active of this.rules) {
      if (active.remaining <= 0) continue;
      const { rule } = active;
      if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (rule.path !== undefined) {
        const ok = typeof rule.path === 'string' ? path.includes(rule.path) : rule.path.test(path);
        if (!ok) continue;
      }
      active.remaining -= 1;
      const record: InjectedFault = { method, path, at: Date.now(), after: rule.after ?? 'before' };
      if (rule.reset) record.reset = true;
      else if (rule.twin) record.twin = true;
      else record.status = rule.status;
      this.injected.push(record);
      rule.onInject?.();
      return rule;
    }
    return undefined;
  }
}
