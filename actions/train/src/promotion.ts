/**
 * The hand-over from training to promotion: the version just registered on its
 * `register/...` branch goes onto `promote/<model>/<version>` and into a pull request, judged
 * by governance; low risk with every check passing is merged at once, as policy allows.
 */
import { promote } from '../../../src/promote/index.js';
import { openRepo, type Author } from '../../../src/repo/index.js';
import type { Deps } from './deps.js';
import type { TrainSummary } from './summary.js';

export async function handOverToPromotion(
  deps: Deps,
  o: {
    root: string;
    model: string;
    version: string;
    from: string;
    token: string | undefined;
    author: Author;
  },
): Promise<NonNullable<TrainSummary['promotion']>> {
  const r = await promote({
    repo: await openRepo(o.root),
    forge: await deps.forge(o.token),
    model: o.model,
    version: o.version,
    from: o.from,
    author: o.author,
    push: (branch) => deps.push(o.root, branch, o.token, { force: true }),
    merge: true,
  });
  return {
    number: r.pr.number,
    url: r.pr.url,
    decision: r.judgement.result.decision,
    status: `${r.judgement.status.state}: ${r.judgement.status.description}`,
    ...(r.merged ? { merged: r.merged } : {}),
  };
}
