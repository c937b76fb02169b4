import { randomUUID } from 'node:crypto';
import type { CirrusEvent } from '../../contracts/events.js';
import { CirrusError } from '../../core/errors.js';
import { matchesPattern } from '../../core/events/pattern.js';
import { EVENT_SOURCE, type EventRuleDefinition, RULE_RETRY_ATTEMPTS } from '../../core/events/rules.js';
import type { EventPublisher } from '../../core/ports.js';

/** A rule target: what EventBridge would invoke (the retrain Lambda's core function, locally). */
export type EventTarget = (event: CirrusEvent) => Promise<unknown>;

/** One delivery of an event to a rule's target, as the bus recorded it. */
export interface Delivery {
  readonly rule: string;
  /** The target's name (`retrain`, `drift`): where a dead letter says the event was for. */
  readonly target: string;
  readonly event: CirrusEvent;
  readonly attempts: number;
  readonly status: 'succeeded' | 'failed';
  readonly result?: unknown;
  readonly error?: string;
}

export interface LocalEventBusOptions {
  /** Wait before retry n (1-based) is n times this. @default 500 */
  readonly retryDelayMs?: number;
  /**
   * Told about every delivery that failed after its retries (the runtime keeps it as a dead
   * letter); the delivery counts as in flight until the returned promise settles. @default console.error
   */
  readonly onError?: (delivery: Delivery) => void | Promise<void>;
  /** Deliveries kept for inspection (newest last). @default 200 */
  readonly keep?: number;
  readonly now?: () => Date;
}

interface NamedTarget {
  readonly name: string;
  readonly run: EventTarget;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Input errors fail the same way every time: EventBridge's retries would only repeat them. */
const isPermanent = (error: unknown) => error instanceof CirrusError && error.status < 500;

/**
 * An in-process EventBridge bus: events are matched against the rules (the same definitions
 * infra deploys, see core/events/rules.ts) and delivered to their targets asynchronously, as
 * PutEvents returns before delivery; a failing target is retried RULE_RETRY_ATTEMPTS times.
 */
export class LocalEventBus {
  private readonly rules: { rule: EventRuleDefinition; target: NamedTarget }[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  readonly deliveries: Delivery[] = [];

  constructor(private readonly options: LocalEventBusOptions = {}) {}

  /** Registers a rule and its target (`events.Rule` + `targets` in infra), named `name`. */
  addRule(rule: EventRuleDefinition, target: EventTarget, name = 'target'): void {
    this.rules.push({ rule, target: { name, run: target } });
  }

  /** Puts an event: returns once it is routed, not delivered (like PutEvents). */
  put(event: CirrusEvent): void {
    for (const { rule, target } of this.rules) {
      if (matchesPattern(rule.pattern, event)) this.track(this.deliver(rule.id, event, target));
    }
  }

  /** Delivers an event straight to a target (named `name`): a schedule rule's constant input. */
  invoke(rule: string, event: CirrusEvent, target: EventTarget, name = 'target'): Promise<void> {
    return this.track(this.deliver(rule, event, { name, run: target }));
  }

  /** Resolves when every delivery in flight (and those they caused) has ended. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  /** The publisher port: source `cirrus`, as the drift function puts its events on AWS. */
  publisher(): EventPublisher {
    return {
      publish: async (detailType, detail) => {
        this.put({
          version: '0',
          id: randomUUID(),
          source: EVENT_SOURCE,
          'detail-type': detailType,
          detail,
          time: (this.options.now?.() ?? new Date()).toISOString(),
          account: '000000000000',
          region: 'local',
          resources: [],
        });
      },
    };
  }

  private track(work: Promise<void>): Promise<void> {
    this.inFlight.add(work);
    return work.finally(() => this.inFlight.delete(work));
  }

  private async deliver(rule: string, event: CirrusEvent, target: NamedTarget): Promise<void> {
    const maxAttempts = 1 + RULE_RETRY_ATTEMPTS;
    let attempts = 0;
    let delivery: Delivery;
    for (;;) {
      attempts++;
      try {
        const result = await target.run(event);
        delivery = { rule, target: target.name, event, attempts, status: 'succeeded', result };
        break;
      } catch (error) {
        if (attempts >= maxAttempts || isPermanent(error)) {
          delivery = {
            rule,
            target: target.name,
            event,
            attempts,
            status: 'failed',
            error: error instanceof Error ? error.message : String(error),
          };
          break;
        }
        await sleep((this.options.retryDelayMs ?? 500) * attempts);
      }
    }
    this.record(delivery);
    if (delivery.status === 'failed') {
      await (this.options.onError ?? ((d) => console.error(`event rule ${d.rule}: ${d.error}`)))(delivery);
    }
  }

  private record(delivery: Delivery): void {
    this.deliveries.push(delivery);
    const keep = this.options.keep ?? 200;
    if (this.deliveries.length > keep) this.deliveries.splice(0, this.deliveries.length - keep);
  }
}
