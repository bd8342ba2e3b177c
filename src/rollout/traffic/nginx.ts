/**
 * nginx traffic split for a rollout (DESIGN.md §11): an `http`-context snippet that sends a
 * sticky share of users to the candidate with `split_clients`.
 *
 * - `split_clients` hashes its key with MurmurHash2 into cumulative buckets in listed order.
 *   The candidate is listed first and stays first, so growing 5 % → 20 % only widens its
 *   bucket: every user in the candidate at 5 % is still in it at 20 %.
 * - The key is salted with the rollout id, so two rollouts split users independently.
 * - A request without a key never reaches `split_clients` (an empty key would hash into the
 *   first bucket, the candidate's): the arm map sends the empty key to the control directly,
 *   and nginx evaluates variables lazily, so the split is not even computed for it.
 *
 * The snippet defines `$mlops_<model>_upstream` (the name of an `upstream` block); a server
 * uses it as `proxy_pass http://$mlops_<model>_upstream;`. `<model>` is the model name with
 * `-` written as `_` (nginx variable names take letters, digits and `_`).
 */

export interface NginxUpstreams {
  /** `host:port` of the servers that serve the baseline. */
  control: string[];
  /** `host:port` of the servers that serve the candidate. */
  candidate: string[];
}

export interface NginxConfigInput {
  model: string;
  /** The rollout's id (RolloutStatus.id): salts the key. */
  rolloutId: string;
  /** The rollout step (RolloutStatus.step), for the header comment. */
  step?: number;
  /** Percent of users sent to the candidate, 0–100; rounded to 0.01 (nginx's precision). */
  weight: number;
  upstreams: NginxUpstreams;
  /** The nginx variable that identifies a user; default `$http_x_user_id`. */
  keyVariable?: string;
  /**
   * Idle keep-alive connections each nginx worker keeps to each upstream (`keepalive N;`);
   * none when left out. The proxying location then needs `proxy_http_version 1.1;` and
   * `proxy_set_header Connection "";`.
   */
  keepalive?: number;
}

const VARIABLE = /^\$[A-Za-z_][A-Za-z0-9_]*$/;
/** What may stand inside a double-quoted nginx string without escaping or interpolation. */
const ROLLOUT_ID = /^[A-Za-z0-9._:@+-]+$/;
const SERVER = /^[A-Za-z0-9._\-[\]:]+$/;

/** The model name as it appears in nginx variable and upstream names. */
export function nginxName(model: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(model)) {
    throw new Error(`nginx: model name ${JSON.stringify(model)} is not a valid name`);
  }
  return model.replace(/-/g, '_');
}

/**
 * The weight as nginx's `split_clients` writes it: a percentage with at most two decimals
 * (`5%`, `12.5%`, `0.25%`). Throws outside 0–100.
 */
export function nginxPercent(weight: number): string {
  return `${basisPoints(weight) / 100}%`;
}

/** The weight in hundredths of a percent, as nginx keeps it (0–10000). */
function basisPoints(weight: number): number {
  if (!Number.isFinite(weight) || weight < 0 || weight > 100) {
    throw new Error(`nginx: weight must be a percentage from 0 to 100, got ${weight}`);
  }
  return Math.round(weight * 100);
}

function upstream(name: string, arm: string, list: string[], keepalive?: number): string[] {
  if (list.length === 0) throw new Error(`nginx: the ${arm} upstream has no servers`);
  const lines = list.map((server) => {
    if (!SERVER.test(server)) {
      throw new Error(`nginx: ${arm} server ${JSON.stringify(server)} is not host:port`);
    }
    return `    server ${server};`;
  });
  if (keepalive !== undefined) {
    if (!Number.isInteger(keepalive) || keepalive < 1) {
      throw new Error(`nginx: keepalive must be a positive integer, got ${keepalive}`);
    }
    lines.push(`    keepalive ${keepalive};`);
  }
  return [`upstream ${name} {`, ...lines, '}'];
}

/**
 * The `http`-context snippet that splits a model's traffic for one rollout step. Pure: the
 * same input gives the same text. Weight 0 sends everything to the control and 100 everything
 * (keyless requests included) to the candidate, without `split_clients` (nginx rejects `0%`).
 *
 * @example
 * nginxConfig({ model: 'fraud', rolloutId: 'fraud-1.3.0', step: 0, weight: 5,
 *   upstreams: { control: ['10.0.0.1:8080'], candidate: ['10.0.0.2:8080'] } })
 * // map $http_x_user_id $mlops_fraud_key { "" ""; default "fraud-1.3.0:$http_x_user_id"; }
 * // split_clients "$mlops_fraud_key" $mlops_fraud_split { 5% candidate; * control; } …
 */
export function nginxConfig(input: NginxConfigInput): string {
  const name = nginxName(input.model);
  const key = input.keyVariable ?? '$http_x_user_id';
  if (!VARIABLE.test(key)) {
    throw new Error(`nginx: key variable ${JSON.stringify(key)} is not an nginx variable`);
  }
  if (!ROLLOUT_ID.test(input.rolloutId)) {
    throw new Error(`nginx: rollout id ${JSON.stringify(input.rolloutId)} has unsafe characters`);
  }
  const bp = basisPoints(input.weight);
  const percent = `${bp / 100}%`;
  const v = `mlops_${name}`;
  const step = input.step === undefined ? '' : `, step ${input.step}`;

  const lines = [
    `# mlops traffic split for model ${input.model}: rollout ${input.rolloutId}${step}, ${percent} of users to the candidate.`,
    `# Generated from the rollout state; do not edit. Use: proxy_pass http://$${v}_upstream;`,
    `map ${key} $${v}_key {`,
    `    "" "";`,
    `    default "${input.rolloutId}:${key}";`,
    `}`,
  ];
  if (bp === 0 || bp === 10000) {
    const arm = bp === 0 ? 'control' : 'candidate';
    lines.push(`map $${v}_key $${v}_arm {`, `    default ${arm};`, `}`);
  } else {
    lines.push(
      `# The candidate is listed first and stays first: a larger weight only adds users to it.`,
      `split_clients "$${v}_key" $${v}_split {`,
      `    ${percent} candidate;`,
      `    * control;`,
      `}`,
      `# A request without a key goes to the control without being hashed.`,
      `map $${v}_key $${v}_arm {`,
      `    "" control;`,
      `    default $${v}_split;`,
      `}`,
    );
  }
  lines.push(
    `map $${v}_arm $${v}_upstream {`,
    `    candidate ${v}_candidate;`,
    `    default ${v}_control;`,
    `}`,
    ...upstream(`${v}_control`, 'control', input.upstreams.control, input.keepalive),
    ...upstream(`${v}_candidate`, 'candidate', input.upstreams.candidate, input.keepalive),
  );
  return lines.join('\n') + '\n';
}
