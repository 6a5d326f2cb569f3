/**
 * Keeps README.md in step with action.yml: the annotated YAML block under "## Inputs" shows every
 * input with its default and a comment, the table under "## Outputs" lists every output, and no
 * example uses an input or output that action.yml does not have. The checks are a pure function of
 * the two texts, so the tests below also prove each check fails on a README that is wrong.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

const root = path.resolve(import.meta.dirname, '../..');
const README = readFileSync(path.join(root, 'README.md'), 'utf8');
const ACTION_YML = readFileSync(path.join(root, 'action.yml'), 'utf8');

interface ActionSpec {
  inputs: Map<string, { required: boolean; default: string | undefined }>;
  outputs: Set<string>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseActionYml(text: string): ActionSpec {
  const action: unknown = parse(text);
  if (!isObject(action) || !isObject(action.inputs) || !isObject(action.outputs))
    throw new Error('action.yml has no inputs or outputs');
  const inputs = new Map<string, { required: boolean; default: string | undefined }>();
  for (const [name, spec] of Object.entries(action.inputs)) {
    const s = isObject(spec) ? spec : {};
    inputs.set(name, {
      required: s.required === true,
      default: s.default === undefined ? undefined : String(s.default),
    });
  }
  return { inputs, outputs: new Set(Object.keys(action.outputs)) };
}

/** The text of a `## Heading` section, up to the next `## `. */
function section(markdown: string, heading: string): string | undefined {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.trim() === `## ${heading}`);
  if (start < 0) return undefined;
  const end = lines.findIndex((line, i) => i > start && line.startsWith('## '));
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

/** Every fenced ```yaml block, in order. */
function yamlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ya?ml\n([\s\S]*?)^```/gm)].map((m) => m[1] ?? '');
}

/** Every `with:` of a step that uses this action (`org/store-submit@...` or `./`), anywhere in a YAML value. */
function actionSteps(value: unknown, found: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(value)) {
    for (const item of value) actionSteps(item, found);
  } else if (isObject(value)) {
    if (typeof value.uses === 'string' && /(^|\/)store-submit@|^\.\/?$/.test(value.uses)) {
      found.push(isObject(value.with) ? value.with : {});
    }
    for (const child of Object.values(value)) actionSteps(child, found);
  }
  return found;
}

export function readmeProblems(readme: string, actionYml: string): string[] {
  const spec = parseActionYml(actionYml);
  const problems: string[] = [];

  // 1. The annotated block: every input, the same default, a comment line above each.
  const inputsSection = section(readme, 'Inputs');
  const block = inputsSection === undefined ? undefined : yamlBlocks(inputsSection)[0];
  if (block === undefined) {
    problems.push("README has no '## Inputs' section with a ```yaml block");
  } else {
    const steps = actionSteps(parse(block));
    const shown = steps[0];
    if (steps.length !== 1 || !shown) {
      problems.push('the Inputs block must be one step that uses the action');
    } else {
      for (const [name, input] of spec.inputs) {
        if (!Object.hasOwn(shown, name)) {
          problems.push(`input '${name}' is missing from the Inputs block`);
          continue;
        }
        const value = shown[name] === null || shown[name] === undefined ? '' : String(shown[name]);
        if (input.required) {
          if (value === '') problems.push(`required input '${name}' has no example value in the Inputs block`);
        } else if (value !== (input.default ?? '')) {
          problems.push(
            `input '${name}' shows '${value}' in the Inputs block; action.yml's default is '${input.default ?? ''}'`,
          );
        }
      }
      const lines = block.split('\n');
      lines.forEach((line, i) => {
        const key = /^ {4}([a-z][a-z0-9-]*):/.exec(line)?.[1];
        if (!key) return;
        const previous = lines
          .slice(0, i)
          .reverse()
          .find((l) => l.trim() !== '');
        if (!previous?.trim().startsWith('#'))
          problems.push(`input '${key}' has no comment line above it in the Inputs block`);
        if (spec.inputs.get(key)?.required && !/required/i.test(previous ?? '')) {
          problems.push(`input '${key}' is required but its comment does not say so`);
        }
      });
    }
  }

  // 2. No example anywhere uses an input action.yml does not have.
  yamlBlocks(readme).forEach((text, index) => {
    for (const document of parseAllDocuments(text)) {
      if (document.errors.length) {
        problems.push(`YAML block ${index + 1} does not parse: ${document.errors[0]?.message ?? ''}`);
        continue;
      }
      for (const withInputs of actionSteps(document.toJS())) {
        for (const name of Object.keys(withInputs)) {
          if (!spec.inputs.has(name))
            problems.push(`YAML block ${index + 1} uses input '${name}', which action.yml does not have`);
        }
      }
    }
  });

  // 3. The outputs table lists exactly action.yml's outputs.
  const outputsSection = section(readme, 'Outputs');
  if (outputsSection === undefined) {
    problems.push("README has no '## Outputs' section");
  } else {
    const listed = new Set([...outputsSection.matchAll(/^\|\s*`([a-z][a-z0-9-]*)`\s*\|/gm)].map((m) => m[1] ?? ''));
    for (const name of spec.outputs)
      if (!listed.has(name)) problems.push(`output '${name}' is missing from the Outputs table`);
    for (const name of listed)
      if (!spec.outputs.has(name)) problems.push(`the Outputs table lists '${name}', which action.yml does not have`);
  }

  // 4. Examples read only outputs that exist.
  for (const match of readme.matchAll(/steps\.[\w-]+\.outputs\.([\w-]+)/g)) {
    const name = match[1] ?? '';
    if (!spec.outputs.has(name)) problems.push(`an example reads output '${name}', which action.yml does not have`);
  }
  return [...new Set(problems)];
}

/** A copy of `text` with `from` replaced; fails the test if `from` is not there (the mutation would prove nothing). */
function mutate(text: string, from: string | RegExp, to: string): string {
  const changed = text.replace(from, to);
  expect(changed).not.toBe(text);
  return changed;
}

describe('README.md and action.yml', () => {
  test('agree on every input, default and output', () => {
    expect(readmeProblems(README, ACTION_YML)).toEqual([]);
  });

  test('action.yml is what this test expects (inputs with defaults, outputs)', () => {
    const spec = parseActionYml(ACTION_YML);
    expect(spec.inputs.size).toBeGreaterThanOrEqual(35);
    expect(spec.outputs.size).toBe(10);
    expect(spec.inputs.get('wait-for')).toEqual({ required: false, default: 'commit' });
    expect(spec.inputs.get('tenant-id')?.required).toBe(true);
  });
});

describe('the check fails for real', () => {
  test('on a changed default', () => {
    expect(readmeProblems(mutate(README, /^ {4}on-pending: fail$/m, '    on-pending: delete'), ACTION_YML)).toEqual([
      "input 'on-pending' shows 'delete' in the Inputs block; action.yml's default is 'fail'",
    ]);
    expect(readmeProblems(mutate(README, /^ {4}timeout-minutes: 60$/m, '    timeout-minutes: 30'), ACTION_YML)).toEqual(
      ["input 'timeout-minutes' shows '30' in the Inputs block; action.yml's default is '60'"],
    );
  });

  test('on an input missing from the annotated block', () => {
    const readme = mutate(README, /^ {4}# [^\n]*\n {4}zip-path: ''\n/m, '');
    expect(readmeProblems(readme, ACTION_YML)).toEqual(["input 'zip-path' is missing from the Inputs block"]);
  });

  test('on an input action.yml does not have, in the block or in an example', () => {
    const inBlock = mutate(README, /^ {4}dry-run: false$/m, "    dry-run: false\n    # Made up.\n    signing-key: ''");
    expect(readmeProblems(inBlock, ACTION_YML)).toEqual([
      "YAML block 2 uses input 'signing-key', which action.yml does not have",
    ]);
    const inExample = mutate(README, /^ {4}replace-packages: true$/m, '    replace-package: true');
    expect(readmeProblems(inExample, ACTION_YML)).toEqual([
      expect.stringMatching(/uses input 'replace-package', which action.yml does not have$/),
    ]);
  });

  test('on an input of action.yml the README does not show', () => {
    const action = ACTION_YML.replace(
      /^outputs:/m,
      "  signing-key:\n    description: new\n    required: false\n    default: 'abc'\noutputs:",
    );
    expect(readmeProblems(README, action)).toEqual(["input 'signing-key' is missing from the Inputs block"]);
  });

  test('on a missing comment or a required input not marked required', () => {
    const noComment = mutate(README, /^ {4}# [^\n]*\n( {4}artifact-name: )/m, '$1');
    expect(readmeProblems(noComment, ACTION_YML)).toEqual([
      "input 'artifact-name' has no comment line above it in the Inputs block",
    ]);
    const notRequired = mutate(README, /^ {4}# Required\. (Entra ID tenant)/m, '    # $1');
    expect(readmeProblems(notRequired, ACTION_YML)).toEqual([
      "input 'tenant-id' is required but its comment does not say so",
    ]);
  });

  test('on an output missing from the table, or one that does not exist', () => {
    const missing = mutate(README, /^\| `rollout-percentage` \|[^\n]*\n/m, '');
    expect(readmeProblems(missing, ACTION_YML)).toEqual([
      "output 'rollout-percentage' is missing from the Outputs table",
    ]);
    const extra = mutate(README, /^(\| `status-details` \|)/m, '| `commit-url` | made up |\n$1');
    expect(readmeProblems(extra, ACTION_YML)).toEqual([
      "the Outputs table lists 'commit-url', which action.yml does not have",
    ]);
    const badRead = mutate(README, 'steps.store.outputs.status }}', 'steps.store.outputs.state }}');
    expect(readmeProblems(badRead, ACTION_YML)).toEqual([
      "an example reads output 'state', which action.yml does not have",
    ]);
  });
});
