import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import {
  applyDeployPolicy,
  distinctScores,
  getAlias,
  getAliasAt,
  getAliasHistory,
  promoteVersion,
  registerModelVersion,
  setAlias,
} from '../../core/registry/index.js';
import { testClock, useEmulators } from '../emulators/harness.js';
import { versionInput } from './fixtures.js';

const clock = testClock();
const { deps } = useEmulators({ now: clock.now });

async function registerScores(model: string, scores: number[]): Promise<void> {
  for (const score of scores) await registerModelVersion(deps(), versionInput(model, score));
}

describe('setAlias under concurrency', () => {
  it('lets exactly one of 10 concurrent first promotions win; losers get ConflictError', async () => {
    await registerScores('race', [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95]);
    const attempts = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        setAlias(deps(), {
          model: 'race',
          alias: 'champion',
          version: i + 1,
          reason: 'race',
          policy: 'manual',
          by: `tester-${i}`,
          expectedCurrent: null,
        }),
      ),
    );
    const winners = attempts.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
    const losers = attempts.flatMap((a) => (a.status === 'rejected' ? [a.reason] : []));
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(9);
    for (const loser of losers) expect(loser).toBeInstanceOf(ConflictError);
    expect((await getAlias(deps(), { model: 'race', alias: 'champion' })).version).toBe(winners[0].version);
    const history = await getAliasHistory(deps(), { model: 'race', alias: 'champion' });
    expect(history.map((h) => h.to)).toEqual([winners[0].version]);
  });

  it('records one history entry per successful move when 10 unconditioned moves race', async () => {
    await registerScores('race2', [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95]);
    const attempts = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        setAlias(deps(), {
          model: 'race2',
          alias: 'champion',
          version: i + 1,
          reason: 'r',
          policy: 'manual',
          by: 't',
        }),
      ),
    );
    const wins = attempts.filter((a) => a.status === 'fulfilled');
    for (const a of attempts) if (a.status === 'rejected') expect(a.reason).toBeInstanceOf(ConflictError);
    expect(wins.length).toBeGreaterThanOrEqual(1);
    const history = await getAliasHistory(deps(), { model: 'race2', alias: 'champion' });
    expect(history).toHaveLength(wins.length);
    expect(history.map((h) => h.revision)).toEqual(history.map((_, i) => i + 1));
    // Each entry starts where the previous one ended: no lost update.
    for (let i = 1; i < history.length; i++) expect(history[i].from).toBe(history[i - 1].to);
    const champion = await getAlias(deps(), { model: 'race2', alias: 'champion' });
    expect(champion.version).toBe(history.at(-1)?.to);
  });

  it('refuses a move when expectedCurrent no longer holds', async () => {
    await registerScores('expect', [0.1, 0.2]);
    await promoteVersion(deps(), { model: 'expect', version: 1, by: 'a' });
    await expect(
      promoteVersion(deps(), { model: 'expect', version: 2, by: 'b', expectedCurrent: null }),
    ).rejects.toThrow(/points at v1, expected nothing/);
  });
});

describe('applyDeployPolicy', () => {
  it('best_score: first version becomes champion; lower or equal scores do not; higher does', async () => {
    await registerScores('best', [0.8, 0.7, 0.8, 0.9]);
    const first = await applyDeployPolicy(deps(), { model: 'best', version: 1, policy: 'best_score' });
    expect(first).toMatchObject({ promoted: true, previousChampion: null, champion: 1 });
    const lower = await applyDeployPolicy(deps(), { model: 'best', version: 2, policy: 'best_score' });
    expect(lower).toMatchObject({ promoted: false, champion: 1 });
    const equal = await applyDeployPolicy(deps(), { model: 'best', version: 3, policy: 'best_score' });
    expect(equal).toMatchObject({ promoted: false, champion: 1 });
    const higher = await applyDeployPolicy(deps(), { model: 'best', version: 4, policy: 'best_score' });
    expect(higher).toMatchObject({ promoted: true, previousChampion: 1, champion: 4 });
    expect(higher.reason).toBe('better score: 0.9 vs champion v1 (0.8, maximize)');
    expect((await getAlias(deps(), { model: 'best', alias: 'champion' })).version).toBe(4);
  });

  it('words scores in reasons with as few digits as tell them apart', () => {
    expect(distinctScores(0.9487179487179487, 0.8205128205128205)).toEqual(['0.9487', '0.8205']);
    expect(distinctScores(0.912345678, 0.912345671)).toEqual(['0.91234568', '0.91234567']);
    expect(distinctScores(0.5, 0.5)).toEqual(['0.5', '0.5']);
    expect(distinctScores(1 / 3, 1 / 3 + 1e-16)).toEqual([String(1 / 3), String(1 / 3 + 1e-16)]);
  });

  it('best_score with minimize promotes the lower score (catches a fixed direction)', async () => {
    await registerScores('rmse', [3, 2]);
    await applyDeployPolicy(deps(), {
      model: 'rmse',
      version: 1,
      policy: 'best_score',
      metricDirection: 'minimize',
    });
    const r = await applyDeployPolicy(deps(), {
      model: 'rmse',
      version: 2,
      policy: 'best_score',
      metricDirection: 'minimize',
    });
    expect(r.promoted).toBe(true);
  });

  it('most_recent promotes newer versions whatever the score; manual never moves', async () => {
    await registerScores('recent', [0.9, 0.1, 0.5]);
    await applyDeployPolicy(deps(), { model: 'recent', version: 1, policy: 'most_recent' });
    expect(
      (await applyDeployPolicy(deps(), { model: 'recent', version: 2, policy: 'most_recent' })).champion,
    ).toBe(2);
    const manual = await applyDeployPolicy(deps(), { model: 'recent', version: 3, policy: 'manual' });
    expect(manual).toMatchObject({ promoted: false, champion: 2 });
  });

  it('rollback restores the previous champion, and again the one before (no toggling)', async () => {
    await registerScores('roll', [0.5, 0.6, 0.7]);
    for (const version of [1, 2, 3])
      await applyDeployPolicy(deps(), { model: 'roll', version, policy: 'best_score' });
    const back = await applyDeployPolicy(deps(), { model: 'roll', policy: 'rollback', by: 'oncall' });
    expect(back).toMatchObject({ promoted: true, previousChampion: 3, champion: 2 });
    expect((await applyDeployPolicy(deps(), { model: 'roll', policy: 'rollback' })).champion).toBe(1);
    await expect(applyDeployPolicy(deps(), { model: 'roll', policy: 'rollback' })).rejects.toBeInstanceOf(
      ConflictError,
    );
    const history = await getAliasHistory(deps(), { model: 'roll', alias: 'champion' });
    expect(history.map((h) => [h.from, h.to, h.policy])).toEqual([
      [null, 1, 'best_score'],
      [1, 2, 'best_score'],
      [2, 3, 'best_score'],
      [3, 2, 'rollback'],
      [2, 1, 'rollback'],
    ]);
    expect(history[3].by).toBe('oncall');
  });
});

describe('getAliasAt', () => {
  it('answers which version was champion at any time T', async () => {
    await registerScores('timeline', [0.5, 0.6, 0.7]);
    clock.set('2031-01-01T00:00:00.000Z');
    await promoteVersion(deps(), { model: 'timeline', version: 1, by: 'a' });
    clock.set('2031-02-01T00:00:00.000Z');
    await promoteVersion(deps(), { model: 'timeline', version: 3, by: 'a' });
    clock.set('2031-03-01T00:00:00.000Z');
    await promoteVersion(deps(), { model: 'timeline', version: 2, by: 'a' });

    const at = (iso: string) => getAliasAt(deps(), { model: 'timeline', alias: 'champion', at: iso });
    expect((await at('2031-01-15T00:00:00.000Z')).version).toBe(1);
    expect((await at('2031-02-01T00:00:00.000Z')).version).toBe(3);
    expect((await at('2031-02-28T23:59:59.999Z')).version).toBe(3);
    expect((await at('2032-01-01T00:00:00.000Z')).version).toBe(2);
    await expect(at('2030-12-31T00:00:00.000Z')).rejects.toThrow(/timeline@champion at 2030-12-31/);
  });
});

describe('alias NotFound errors', () => {
  it('names the unknown alias, model and version', async () => {
    await registerScores('noalias', [0.5]);
    await expect(getAlias(deps(), { model: 'noalias', alias: 'challenger' })).rejects.toThrow(
      /alias 'noalias@challenger' not found/,
    );
    await expect(getAlias(deps(), { model: 'nomodel', alias: 'champion' })).rejects.toThrow(
      /model 'nomodel' not found/,
    );
    const move = promoteVersion(deps(), { model: 'noalias', version: 7, by: 'a' });
    await expect(move).rejects.toBeInstanceOf(NotFoundError);
    await expect(move).rejects.toThrow(/noalias v7/);
  });
});
