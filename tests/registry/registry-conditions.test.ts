import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { CoreDeps } from '../../core/deps.js';
import { ConflictError } from '../../core/errors.js';
import { findAlias, getAlias, registerModelVersion, setAlias } from '../../core/registry/index.js';
import { registryKeys } from '../../core/storage/keys.js';
import { testClock, useEmulators } from '../emulators/harness.js';
import { versionInput } from './fixtures.js';

/**
 * The registry's conditional writes, each driven into the case its condition exists for,
 * deterministically (real DynamoDB emulator; only the order of two writers is arranged).
 */
const clock = testClock();
const { deps } = useEmulators({ now: clock.now });

/**
 * deps whose first alias-item put waits for `release` (the mover stalls between claiming its
 * history entry and moving the alias); `stalled` resolves once it waits there.
 */
function stallingAliasPut(
  base: CoreDeps,
  release: Promise<void>,
): { deps: CoreDeps; stalled: Promise<void> } {
  let stall = true;
  let resolve!: () => void;
  const stalled = new Promise<void>((r) => (resolve = r));
  const ddb = {
    send: async (command: unknown) => {
      const item = command instanceof PutCommand ? command.input.Item : undefined;
      if (stall && typeof item?.sk === 'string' && item.sk.startsWith('ALIAS#')) {
        stall = false;
        resolve();
        await release;
      }
      return base.ddb.send(command as never);
    },
  };
  return { deps: { ...base, ddb: ddb as unknown as CoreDeps['ddb'] }, stalled };
}

const move = (version: number, by: string) => ({
  model: 'stale',
  alias: 'champion',
  version,
  reason: `to v${version}`,
  policy: 'manual' as const,
  by,
});

describe('the alias head', () => {
  it('never goes back when revision r is applied after revision r+1', async () => {
    for (const score of [0.1, 0.2, 0.3]) await registerModelVersion(deps(), versionInput('stale', score));
    await setAlias(deps(), move(1, 'setup'));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // A claims revision 2 (-> v2) and stalls before moving the alias item.
    const a = stallingAliasPut(deps(), gate);
    const slow = setAlias(a.deps, move(2, 'slow'));
    await a.stalled;
    // B's read rolls the alias forward to A's revision 2, then B moves it to v3 (revision 3).
    await setAlias(deps(), move(3, 'fast'));
    const fast = await getAlias(deps(), { model: 'stale', alias: 'champion' });
    expect(fast).toMatchObject({ version: 3, revision: 3 });
    release();
    await slow;
    // A's late apply of revision 2 must not move the champion back to v2.
    expect(await getAlias(deps(), { model: 'stale', alias: 'champion' })).toMatchObject({
      version: 3,
      revision: 3,
    });
  });
});

describe('rebuilding a malformed alias head', () => {
  it('never overwrites a move made while the rebuild was in flight', async () => {
    for (const score of [0.1, 0.2, 0.3]) await registerModelVersion(deps(), versionInput('heal', score));
    const to = (version: number) => ({ ...move(version, 'setup'), model: 'heal' });
    await setAlias(deps(), to(1));
    await setAlias(deps(), to(2));
    // An item the reader rejects, at the history's revision (as an old writer could leave it).
    await deps().ddb.send(
      new PutCommand({
        TableName: deps().tables.registry,
        Item: {
          ...registryKeys.alias('heal', 'champion'),
          model: 'heal',
          alias: 'champion',
          version: 'two',
          revision: 2,
        },
      }),
    );
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // A reader rebuilds the item from revision 2 and stalls before writing it.
    const a = stallingAliasPut(deps(), gate);
    const healing = findAlias(a.deps, { model: 'heal', alias: 'champion' });
    await a.stalled;
    await setAlias(deps(), to(3));
    release();
    expect(await healing).toMatchObject({ version: 2 });
    // The late rebuild of revision 2 must not replace revision 3.
    expect(await getAlias(deps(), { model: 'heal', alias: 'champion' })).toMatchObject({
      version: 3,
      revision: 3,
    });
  });
});

describe('a version number', () => {
  it('is never written twice: with the counter reset, registering again is a ConflictError', async () => {
    const first = await registerModelVersion(deps(), versionInput('reset', 0.5));
    expect(first.version).toBe(1);
    await deps().ddb.send(
      new UpdateCommand({
        TableName: deps().tables.registry,
        Key: registryKeys.model('reset'),
        UpdateExpression: 'SET latestVersion = :zero',
        ExpressionAttributeValues: { ':zero': 0 },
      }),
    );
    await expect(registerModelVersion(deps(), versionInput('reset', 0.9))).rejects.toThrow(ConflictError);
    await expect(registerModelVersion(deps(), versionInput('reset', 0.9))).resolves.toMatchObject({
      version: 2,
    });
  });
});
