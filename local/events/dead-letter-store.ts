import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CirrusEvent } from '../../contracts/events.js';
import { type DeadLetterMessage, DeadLetterMessageSchema } from '../../contracts/dead-letters.js';
import type { DeadLetterQueue, RedeliveryTargets, TakenMessage } from '../../core/events/dead-letters.js';
import type { EventTarget } from './bus.js';

/** Where the local dead letters live under the data directory. */
export const deadLetterDir = (dataDir: string) => join(dataDir, 'dead-letters');

/** What the bus knows of a delivery that failed after its retries. */
export interface FailedDelivery {
  readonly rule: string;
  readonly target: string;
  readonly event: CirrusEvent;
  readonly attempts: number;
  readonly error?: string;
}

/**
 * The local dead-letter queue: one JSON file per message (written to a temporary name, then
 * renamed, so a crash never leaves half a message), in the shape EventBridge gives an
 * undeliverable event on AWS: the event as body, `RULE_ARN`, `TARGET_ARN` (`local:<target>`),
 * `ERROR_MESSAGE` and `RETRY_ATTEMPTS` as attributes. Listing and redrive read it through the
 * same core functions as the SQS queue.
 */
export class FileDeadLetterQueue implements DeadLetterQueue {
  /** Ids a redrive holds; another redrive skips them, as SQS hides taken messages. */
  private readonly taken = new Set<string>();

  constructor(
    private readonly dir: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Records a delivery that failed after its retries; returns the message id. */
  async add(failed: FailedDelivery): Promise<string> {
    const message: DeadLetterMessage = {
      id: randomUUID(),
      body: JSON.stringify(failed.event),
      attributes: {
        RULE_ARN: `local:rule/${failed.rule}`,
        TARGET_ARN: localTarget(failed.target),
        RETRY_ATTEMPTS: String(Math.max(0, failed.attempts - 1)),
        ...(failed.error ? { ERROR_MESSAGE: failed.error.slice(0, 4096) } : {}),
      },
      sentAt: this.now().toISOString(),
    };
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const temp = join(this.dir, `.${message.id}.tmp`);
    await writeFile(temp, `${JSON.stringify(message)}\n`, { mode: 0o600 });
    await rename(temp, this.file(message.id));
    return message.id;
  }

  async peek(max: number) {
    const all = await this.readAll();
    return { messages: all.slice(0, max), truncated: all.length > max };
  }

  async take(max: number): Promise<TakenMessage[]> {
    const free = (await this.readAll()).filter((m) => !this.taken.has(m.id)).slice(0, max);
    for (const m of free) this.taken.add(m.id);
    return free.map((m) => ({ ...m, handle: m.id }));
  }

  async delete(message: TakenMessage): Promise<void> {
    await rm(this.file(message.handle), { force: true });
    this.taken.delete(message.handle);
  }

  async release(message: TakenMessage): Promise<void> {
    this.taken.delete(message.handle);
  }

  /** Every message, oldest first; a file that does not parse is skipped (never half-written by us). */
  private async readAll(): Promise<DeadLetterMessage[]> {
    const names = await readdir(this.dir).catch((e: NodeJS.ErrnoException) =>
      e.code === 'ENOENT' ? [] : Promise.reject(e),
    );
    const messages: DeadLetterMessage[] = [];
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      const message = parseMessage(await readFile(join(this.dir, name), 'utf8').catch(() => ''));
      if (message) messages.push(message);
    }
    return messages.sort((a, b) => a.sentAt.localeCompare(b.sentAt) || a.id.localeCompare(b.id));
  }

  private file(id: string): string {
    if (!/^[A-Za-z0-9-]+$/.test(id)) throw new Error(`invalid dead-letter id: ${id}`);
    return join(this.dir, `${id}.json`);
  }
}

function parseMessage(text: string): DeadLetterMessage | undefined {
  try {
    const parsed = DeadLetterMessageSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The TARGET_ARN of a local target. */
export const localTarget = (name: string) => `local:${name}`;

/**
 * Redelivery to the local targets: the same handlers the bus invokes, awaited, so a redrive
 * answers whether the target took the payload this time.
 */
export function localRedeliveryTargets(targets: Readonly<Record<string, EventTarget>>): RedeliveryTargets {
  const byArn = new Map(Object.entries(targets).map(([name, target]) => [localTarget(name), target]));
  return {
    knows: (target) => byArn.has(target),
    async redeliver(target, payload) {
      const run = byArn.get(target);
      if (!run) throw new Error(`no local target ${target}`);
      await run(payload as CirrusEvent);
    },
  };
}
