/**
 * What the drift action (issues opened and retraining dispatched on the forge) touches of the outside world: the forge, the clock and the git commands that move
 * the branch to and from `origin`, shared with every action that commits on `main`.
 */
export {
  defaultCommitterDeps as defaultDeps,
  gitFetch,
  gitPush,
  gitReset,
  type CommitterDeps as Deps,
  type PushOutcome,
} from '../../../src/action-context/branch.js';
