/**
 * What the GitHub test double does for labels, commit statuses, comments, issues, dispatches
 * and teams (pull requests are in `github-double-routes.ts`), with GitHub's rules where a caller
 * can trip on them: a status on an unknown commit, or with a description over 140 characters.
 */
import {
  byState,
  DOCS,
  failed,
  itemOf,
  labelNames,
  newest,
  notFound,
  str,
  type Ctx,
  type Reply,
} from './github-double-routes.js';
import type { DoubleIssue } from './github-double-state.js';

export const issueRoutes: Record<string, (ctx: Ctx) => Reply> = {
  'issues/add-labels': (ctx) => {
    const item = itemOf(ctx);
    if (!item) return notFound();
    const raw = Array.isArray(ctx.body) ? ctx.body : ctx.body?.['labels'];
    for (const name of labelNames(raw)) if (!item.labels.includes(name)) item.labels.push(name);
    return { status: 200, body: item.labels.map((l) => ctx.shapes.label(l)) };
  },

  'issues/remove-label': (ctx) => {
    const item = itemOf(ctx);
    const name = ctx.params['name']!;
    if (!item || !item.labels.includes(name)) {
      return { status: 404, body: { message: 'Label does not exist', documentation_url: DOCS } };
    }
    item.labels = item.labels.filter((l) => l !== name);
    return { status: 200, body: item.labels.map((l) => ctx.shapes.label(l)) };
  },

  'repos/create-commit-status': (ctx) => {
    const sha = ctx.params['sha']!;
    const b = ctx.body ?? {};
    if (!ctx.state.commits.has(sha)) {
      return {
        status: 422,
        body: { message: `No commit found for SHA: ${sha}`, documentation_url: DOCS },
      };
    }
    const description = str(b['description']) ?? null;
    if (description && description.length > 140) {
      const message = 'description is too long (maximum is 140 characters)';
      return failed([{ resource: 'Status', code: 'custom', field: 'description', message }]);
    }
    const status = {
      id: ctx.state.nextId(),
      sha,
      state: str(b['state'])!,
      context: str(b['context']) ?? 'default',
      description,
      targetUrl: str(b['target_url']) ?? null,
      creator: ctx.login,
      createdAt: ctx.state.now(),
    };
    ctx.state.statuses.push(status);
    return {
      status: 201,
      body: ctx.shapes.body(ctx.op, 201, {
        url: `${ctx.shapes.repoUrl}/statuses/${sha}`,
        id: status.id,
        node_id: `SC_${status.id}`,
        state: status.state,
        description: status.description,
        target_url: status.targetUrl,
        context: status.context,
        created_at: status.createdAt,
        updated_at: status.createdAt,
        creator: ctx.shapes.user(ctx.login),
      }),
    };
  },

  'issues/create-comment': (ctx) => {
    const item = itemOf(ctx);
    if (!item) return notFound();
    const c = {
      id: ctx.state.nextId(),
      issue: item.number,
      body: str(ctx.body?.['body'])!,
      user: ctx.login,
      createdAt: ctx.state.now(),
    };
    ctx.state.comments.push(c);
    const url = `${ctx.shapes.repoUrl}/issues/comments/${c.id}`;
    return {
      status: 201,
      body: ctx.shapes.body(ctx.op, 201, {
        id: c.id,
        node_id: `IC_${c.id}`,
        url,
        html_url: url,
        issue_url: `${ctx.shapes.repoUrl}/issues/${item.number}`,
        body: c.body,
        user: ctx.shapes.user(c.user),
        created_at: c.createdAt,
        updated_at: c.createdAt,
        author_association: 'MEMBER',
      }),
    };
  },

  'issues/list-for-repo': (ctx) => {
    const all = [...ctx.state.issues.values(), ...ctx.state.pulls.values()];
    const items = newest(byState(all, ctx.query), ctx.query);
    return { status: 200, list: items.map((i) => ctx.shapes.issue(ctx.op, 200, i)) };
  },

  'issues/create': (ctx) => {
    const b = ctx.body ?? {};
    const now = ctx.state.now();
    const issue: DoubleIssue = {
      number: ctx.state.nextNumber(),
      title: typeof b['title'] === 'number' ? String(b['title']) : (str(b['title']) ?? ''),
      body: str(b['body']) ?? null,
      author: ctx.login,
      state: 'open',
      labels: labelNames(b['labels']),
      createdAt: now,
      updatedAt: now,
      closedAt: null,
    };
    ctx.state.issues.set(issue.number, issue);
    return { status: 201, body: ctx.shapes.issue(ctx.op, 201, issue) };
  },

  'issues/update': (ctx) => {
    const item = itemOf(ctx);
    if (!item) return notFound();
    const b = ctx.body ?? {};
    const title = b['title'];
    if (typeof title === 'string' || typeof title === 'number') item.title = String(title);
    if (b['body'] !== undefined) item.body = str(b['body']) ?? null;
    if (b['labels'] !== undefined) item.labels = labelNames(b['labels']);
    if ((b['state'] === 'open' || b['state'] === 'closed') && b['state'] !== item.state) {
      item.state = b['state'];
      item.closedAt = b['state'] === 'closed' ? ctx.state.now() : null;
    }
    item.updatedAt = ctx.state.now();
    return { status: 200, body: ctx.shapes.issue(ctx.op, 200, item) };
  },

  'repos/create-dispatch-event': (ctx) => {
    ctx.state.dispatches.push({
      eventType: str(ctx.body?.['event_type'])!,
      clientPayload: ctx.body?.['client_payload'],
    });
    return { status: 204 };
  },

  'teams/list-members-in-org': (ctx) => {
    const members =
      ctx.params['org'] === ctx.state.owner
        ? ctx.state.teams.get(ctx.params['team_slug']!)
        : undefined;
    if (!members) return notFound();
    return {
      status: 200,
      list: members.map((login) => ctx.shapes.body(ctx.op, 200, ctx.shapes.user(login))),
    };
  },
};
