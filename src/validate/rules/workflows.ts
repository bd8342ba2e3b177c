import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node, type YAMLMap } from 'yaml';
import { finding, type Finding } from '../../records/index.js';
import { PR_EVENTS, prCodeWithSecrets } from './workflow-pr-code.js';

/** Workflow files live here; they are checked for the unsafe patterns below. */
export const WORKFLOW_ROOT = '.github/workflows/';

export function isWorkflowPath(path: string): boolean {
  return (
    path.startsWith(WORKFLOW_ROOT) &&
    /\.ya?ml$/.test(path) &&
    !path.slice(WORKFLOW_ROOT.length).includes('/')
  );
}

const HEAD_REF = /github\.event\.pull_request\.head|github\.head_ref|refs\/pull\//;

/**
 * Workflow safety:
 * - a self-hosted runner never runs for a pull request event (`pull_request`,
 *   `pull_request_review`, `pull_request_review_comment`, `pull_request_target`): a fork's
 *   code would run on our GPU machines;
 * - `pull_request_target` never checks out the PR's head (it runs with secrets);
 * - a job that holds secrets (a `secrets.*` or a token with write permissions) on a pull
 *   request event runs no code from the pull request: no local action from its checkout, no
 *   commands in its head (`workflow/pr-code-with-secrets`, see workflow-pr-code.ts);
 * - every workflow says its `permissions` (least privilege, not the default).
 * @example
 * checkWorkflow('.github/workflows/ci.yml', text); // [] or findings
 */
export function checkWorkflow(path: string, text: string): Finding[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const pos = (n: Node | null | undefined) => {
    const p = lines.linePos(n?.range?.[0] ?? 0);
    return { line: p.line, col: p.col };
  };
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    return [finding(path, lines.linePos(e.pos[0]), 'workflow/syntax', e.message)];
  }
  const root = doc.contents;
  if (!isMap(root))
    return [finding(path, { line: 1, col: 1 }, 'workflow/syntax', 'a workflow must be a mapping')];
  const out: Finding[] = [];
  const triggers = triggerNames(root.get('on', true));
  const prTriggers = triggers.filter((t) => PR_EVENTS.includes(t));
  const jobs = root.get('jobs', true) as Node | undefined;
  const topPermissions = root.has('permissions');

  if (!isMap(jobs)) return out;
  for (const pair of jobs.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : '?';
    const job = pair.value as Node | null;
    if (!isMap(job)) continue;
    if (!topPermissions && !job.has('permissions')) {
      out.push(
        finding(
          path,
          pos(pair.key as Node),
          'workflow/permissions',
          `job "${name}" runs with the default token permissions; add an explicit top-level or job \`permissions:\` block (least privilege, e.g. contents: read)`,
        ),
      );
    }
    const runsOn = job.get('runs-on', true) as Node | undefined;
    if (prTriggers.length && runsOn && isSelfHosted(runsOn)) {
      out.push(
        finding(
          path,
          pos(runsOn),
          'workflow/self-hosted-pr',
          `job "${name}" runs on a self-hosted runner for ${prTriggers.join(' and ')}: code from a pull request (or a fork) would run on your machines; train on push, schedule or workflow_dispatch instead`,
        ),
      );
    }
    if (triggers.includes('pull_request_target')) out.push(...checkoutOfHead(path, name, job, pos));
    if (prTriggers.length) {
      out.push(
        ...prCodeWithSecrets({
          path,
          job: name,
          node: job,
          prEvents: prTriggers,
          workflowEnv: root.get('env', true),
          workflowPermissions: root.get('permissions', true),
          pos,
        }),
      );
    }
  }
  return out;
}

function checkoutOfHead(
  path: string,
  job: string,
  node: YAMLMap,
  pos: (n: Node | null | undefined) => { line: number; col: number },
): Finding[] {
  const steps = node.get('steps', true) as Node | undefined;
  if (!isSeq(steps)) return [];
  const out: Finding[] = [];
  for (const step of steps.items) {
    if (!isMap(step)) continue;
    const uses = step.get('uses');
    if (typeof uses !== 'string' || !uses.startsWith('actions/checkout')) continue;
    const withBlock = step.get('with', true) as Node | undefined;
    const ref = isMap(withBlock) ? (withBlock.get('ref', true) as Node | undefined) : undefined;
    if (ref && isScalar(ref) && HEAD_REF.test(String(ref.value))) {
      out.push(
        finding(
          path,
          pos(ref),
          'workflow/pr-target-checkout',
          `job "${job}" checks out the pull request's head under pull_request_target, which runs with write permissions and secrets; use pull_request for untrusted code`,
        ),
      );
    }
  }
  return out;
}

function triggerNames(on: Node | undefined): string[] {
  if (!on) return [];
  if (isScalar(on)) return [String(on.value)];
  if (isSeq(on)) return on.items.map((i) => (isScalar(i) ? String(i.value) : ''));
  if (isMap(on)) return on.items.map((p) => (isScalar(p.key) ? String(p.key.value) : ''));
  return [];
}

function isSelfHosted(runsOn: Node): boolean {
  const labels: string[] = [];
  if (isScalar(runsOn)) labels.push(String(runsOn.value));
  else if (isSeq(runsOn)) runsOn.items.forEach((i) => isScalar(i) && labels.push(String(i.value)));
  else if (isMap(runsOn)) {
    const l = runsOn.get('labels', true) as Node | undefined;
    if (l) return isSelfHosted(l);
    return runsOn.has('group'); // runner groups hold self-hosted runners
  }
  return labels.some((l) => l.toLowerCase() === 'self-hosted');
}
