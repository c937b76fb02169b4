import { type Command, InvalidArgumentError } from 'commander';
import type { DeadLetterList, RedriveResult } from '../../contracts/dead-letters.js';
import { clientFor } from '../context.js';
import { deadLettersTable, redriveReport } from '../format/dead-letters.js';
import { emit, say } from '../output.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `cirrus dead-letters list|redrive`: what failed after its retries, and handing it back. */
export function registerDeadLetterCommands(program: Command): void {
  const group = program
    .command('dead-letters')
    .description(
      'Events and invocations that failed after their retries (drift, retraining, schedules, log ingest)',
    );
  group
    .command('list')
    .description(
      'List the dead letters, oldest first: id, target, rule, first seen, attempts, payload, error',
    )
    .addHelpText('after', '\nExamples:\n  $ cirrus dead-letters list\n  $ cirrus dead-letters list --json\n')
    .action(async (_opts: unknown, cmd: Command) => {
      const res = await clientFor(cmd).get<DeadLetterList>('/v1/dead-letters');
      emit(res, () => {
        if (res.deadLetters.length === 0) return say('no dead letters: nothing failed after its retries');
        say(deadLettersTable(res.deadLetters));
        if (res.truncated)
          say(`(the first ${res.deadLetters.length} shown; redrive or fix them to see more)`);
      });
    });
  group
    .command('redrive')
    .description(
      'Hand dead letters back to their targets once the cause is fixed; each is deleted only after its target accepted it',
    )
    .option('--id <id>', 'a dead letter to redrive (repeat for several)', collect)
    .option('--all', 'redrive every dead letter')
    .addHelpText(
      'after',
      '\nExamples:\n  $ cirrus dead-letters redrive --all\n  $ cirrus dead-letters redrive --id 0b6f3c1e-5d2a-4c7e-9a41-2f8d7e6b5a90\n  $ cirrus dead-letters redrive --id ID1 --id ID2 --json\n',
    )
    .action(async (opts: { id?: string[]; all?: boolean }, cmd: Command) => {
      if (Boolean(opts.all) === Boolean(opts.id?.length))
        throw new InvalidArgumentError('give --all or one or more --id (see `cirrus dead-letters list`)');
      const body = opts.all ? { all: true } : { ids: opts.id };
      const res = await clientFor(cmd).post<RedriveResult>('/v1/dead-letters/redrive', body);
      emit(res, () => say(redriveReport(res)));
      if (res.kept > 0 || res.missing > 0) process.exitCode = 1;
    });
}
