import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lintWorkflow, workflowFiles } from './lint-workflows.ts';

const GOOD = `name: x
on: push
permissions: {}
concurrency: { group: x }
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - run: echo "$TITLE"
        env:
          TITLE: \${{ github.event.pull_request.title }}
  b:
    uses: ./.github/workflows/reusable.yml
`;

describe('lint-workflows', () => {
  it('accepts a workflow that follows the rules', () => {
    expect(lintWorkflow('good.yml', GOOD)).toEqual([]);
  });

  it('reports each broken rule with its line', () => {
    const bad = `name: x
on: push
jobs:
  a:
    steps:
      - uses: actions/checkout@v4
      - run: echo "\${{ github.event.issue.title }}"
      - uses: docker://alpine:3
`;
    const f = lintWorkflow('bad.yml', bad);
    const msgs = f.map((x) => `${x.line}: ${x.message}`);
    expect(msgs).toContain("1: no top-level 'permissions:' (set `permissions: {}` and widen per job)");
    expect(msgs).toContain("1: no top-level 'concurrency:'");
    expect(msgs).toContain("4: job 'a' has no 'runs-on'");
    expect(msgs).toContain(
      "6: job 'a' step 1: 'actions/checkout@v4' is not pinned to a full 40-hex commit SHA",
    );
    expect(
      msgs.some((m) => m.startsWith('7: ') && m.includes('github.event.issue.title') && m.includes('env:')),
    ).toBe(true);
    expect(msgs).toContain("8: job 'a' step 3: 'docker://alpine:3' is not pinned to an image digest");
  });

  it('reports YAML syntax errors instead of crashing', () => {
    expect(lintWorkflow('broken.yml', 'jobs: [\n')[0]!.message).toMatch(/^YAML:/);
  });

  it("passes the repository's own workflows", () => {
    const files = workflowFiles(['.github/workflows']);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(lintWorkflow(f, readFileSync(f, 'utf8'))).toEqual([]);
  });
});
