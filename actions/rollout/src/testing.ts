/**
 * The rollout action's test fixture: the example registry as a real git repository whose
 * `origin` is a bare repository, so the real `git push`, `git fetch` and `git reset` run; only
 * the forge is the local one, kept in the registry's .git as `mlops promote` keeps it.
 * `rolloutFixture()` registers the hooks that build and remove it around each test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import {
  actionStep,
  bareOrigin,
  committerTestDeps,
  originTools,
  type OriginTools,
  type StepResult,
} from '../../../test/helpers/action-step.js';
import { promoteApproved } from '../../../test/helpers/custody.js';
import { edit, exampleRegistry, type TestRegistry } from '../../../test/helpers/registry.js';
import { verifyMergedPromotion } from '../../../src/promote/index.js';
import { main, type Deps } from './main.js';

export const MODEL = 'execution-agent';
export const DEPLOYMENT = `registry/models/${MODEL}/deployment.yaml`;
const VERSIONS = `registry/models/${MODEL}/versions`;
export const t0 = new Date('2026-02-01T00:00:00.000Z');
export const ID = `${MODEL}-1.1.0-20260201T0000Z`;
export const START_REASON = 'start: 1.1.0 at 5 % for 6h against baseline 1.0.0';

export type PushEvent = ReturnType<Fixture['pushEvent']>;

export interface Fixture extends OriginTools {
  readonly reg: TestRegistry;
  readonly scratch: string;
  readonly origin: string;
  version110(candidate?: boolean): Record<string, string>;
  pushEvent(before: string): {
    name: string;
    payload: { ref: string; before: string; after: string };
  };
  mergedPromotion(): Promise<PushEvent>;
  /**
   * The approval summary the controller verifies 1.1.0's merged promotion with (by policy, or
   * by qa-leads when governance asked for a review), as the start step quotes it.
   */
  approval(): Promise<string>;
  action(
    event: { name: string; payload?: unknown },
    opts?: { now?: Date; inputs?: Record<string, string>; push?: Deps['push'] },
  ): Promise<StepResult>;
}

/**
 * Builds the fixture before each test and removes it after. @actions/core caches the summary
 * file's path on first use: one summary file per test file, emptied before each test.
 */
export function rolloutFixture(): Fixture {
  const step = actionStep('rollout');
  let reg: TestRegistry;
  let scratch: string;
  let origin: string;

  beforeEach(async () => {
    reg = await exampleRegistry();
    scratch = mkdtempSync(path.join(tmpdir(), 'mlops-rollout-action-'));
    origin = bareOrigin(reg.dir, scratch);
    step.capture();
  });

  afterEach(() => {
    step.release();
    reg.cleanup();
    rmSync(scratch, { recursive: true, force: true });
  });

  const fx: Fixture = {
    get reg() {
      return reg;
    },
    get scratch() {
      return scratch;
    },
    get origin() {
      return origin;
    },
    ...originTools(
      () => reg,
      () => origin,
    ),
    /**
     * 1.1.0 registered from 1.0.0's records: 2.8 % more accurate (the policy asks 2 %) and a minor
     * change, so governance auto-approves its promotion. `candidate` also makes it the candidate.
     */
    version110(candidate = false) {
      let v = edit(reg.files.get(`${VERSIONS}/1.0.0.yaml`), 'version: 1.0.0', 'version: 1.1.0');
      v = edit(v, '  accuracy: 0.938', '  accuracy: 0.964');
      v = edit(v, 'level: major\n  reason: first version', 'level: minor\n  reason: more data');
      v = edit(
        v,
        'card: model-cards/execution-agent/1.0.0.yaml',
        `card: model-cards/${MODEL}/1.1.0.yaml`,
      );
      let card = edit(
        reg.files.get(`model-cards/${MODEL}/1.0.0.yaml`),
        'version: 1.0.0',
        'version: 1.1.0',
      );
      card = edit(card, 'value: 0.938', 'value: 0.964');
      return {
        [`${VERSIONS}/1.1.0.yaml`]: v,
        [`model-cards/${MODEL}/1.1.0.yaml`]: card,
        ...(candidate
          ? { [DEPLOYMENT]: edit(reg.files.get(DEPLOYMENT), 'candidate: null', 'candidate: 1.1.0') }
          : {}),
      };
    },
    /** The push event GitHub sends for main moving from `before` to the local main, pushed first. */
    pushEvent(before) {
      fx.git('push', '--quiet', 'origin', 'main');
      return {
        name: 'push',
        payload: { ref: 'refs/heads/main', before, after: fx.git('rev-parse', 'main') },
      };
    },
    /** Runs the action as a step would: inputs and context in the environment, real git. */
    async action(event, opts = {}) {
      const env = step.prepare(scratch, reg.dir, event, opts.inputs, {
        GIT_AUTHOR_NAME: 'rollout-bot',
        GIT_AUTHOR_EMAIL: 'rollout-bot@example.com',
      });
      await main(
        env,
        committerTestDeps(env, () => fx.forge(), opts.now ?? t0, opts.push),
      );
      return step.result(scratch);
    },
    /** 1.1.0 promoted through a PR that the local forge auto-approves and merges: the push event. */
    async mergedPromotion() {
      await reg.commit(fx.version110(), { message: 'register execution-agent 1.1.0' });
      const before = fx.pushEvent(fx.git('rev-parse', 'main')).payload.after;
      await promoteApproved(reg);
      return fx.pushEvent(before);
    },
    async approval() {
      const v = await verifyMergedPromotion(reg.repo, fx.forge(), MODEL, '1.1.0', {
        branch: 'main',
      });
      return v.summary;
    },
  };
  return fx;
}
