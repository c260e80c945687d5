/**
 * ARM template expressions (`[format('{0}', parameters('name'))]`) for test/infra/template.test.ts: a parser and an
 * evaluator for the functions infra/azuredeploy.json uses. What only Azure knows at deploy time (`reference()`) comes
 * from a `runtime` callback; `resourceId()` calls are recorded so the test can check that each names a resource of the
 * template.
 */
import { createHash } from 'node:crypto';

export type Node =
  | { kind: 'lit'; value: string | number }
  | { kind: 'call'; name: string; args: Node[] }
  | { kind: 'prop'; target: Node; name: string }
  | { kind: 'index'; target: Node; index: Node };

/** A string in a template is an expression when it is wrapped in [ ] (and does not start with the [[ escape). */
export function isExpression(s: string): boolean {
  return s.length >= 2 && s.startsWith('[') && s.endsWith(']') && !s.startsWith('[[');
}

export function parseExpression(source: string): Node {
  const text = isExpression(source) ? source.slice(1, -1) : source;
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`cannot parse ${JSON.stringify(source)}: ${what} at ${i}`);
  };
  const space = () => {
    while (/\s/.test(text[i] ?? '')) i++;
  };
  const primary = (): Node => {
    space();
    if (text[i] === "'") {
      let value = '';
      for (i++; ; i++) {
        if (i >= text.length) fail('unterminated string');
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i++;
            continue;
          }
          i++;
          return { kind: 'lit', value };
        }
        value += text[i];
      }
    }
    const num = /^-?\d+/.exec(text.slice(i));
    if (num) {
      i += num[0].length;
      return { kind: 'lit', value: Number(num[0]) };
    }
    const name = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(i))?.[0] ?? fail('expected a function');
    i += name.length;
    space();
    if (text[i] !== '(') fail(`expected ( after ${name}`);
    i++;
    const args: Node[] = [];
    space();
    if (text[i] === ')') i++;
    else
      for (;;) {
        args.push(postfix());
        space();
        if (text[i] === ',') i++;
        else if (text[i] === ')') {
          i++;
          break;
        } else fail('expected , or )');
      }
    return { kind: 'call', name, args };
  };
  const postfix = (): Node => {
    let node = primary();
    for (;;) {
      space();
      if (text[i] === '.') {
        i++;
        const name = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(text.slice(i))?.[0] ?? fail('expected a property');
        i += name.length;
        node = { kind: 'prop', target: node, name };
      } else if (text[i] === '[') {
        i++;
        const index = postfix();
        space();
        if (text[i] !== ']') fail('expected ]');
        i++;
        node = { kind: 'index', target: node, index };
      } else return node;
    }
  };
  const node = postfix();
  space();
  if (i !== text.length) fail('unexpected text');
  return node;
}

/** Every function call in a node, depth first (for the static rules: parameters(), variables(), list*()). */
export function calls(node: Node): { name: string; args: Node[] }[] {
  switch (node.kind) {
    case 'lit':
      return [];
    case 'call':
      return [{ name: node.name, args: node.args }, ...node.args.flatMap(calls)];
    case 'prop':
      return calls(node.target);
    case 'index':
      return [...calls(node.target), ...calls(node.index)];
  }
}

export interface ResourceRef {
  type: string;
  names: string[];
}

export interface EvalContext {
  parameters: Record<string, unknown>;
  variables: Record<string, unknown>;
  copyIndex?: number;
  /** What Azure returns for reference(id): the runtime properties of the resource. */
  runtime: (ref: ResourceRef) => Record<string, unknown>;
  /** Every resourceId() and reference() target evaluated, in order. */
  seen: ResourceRef[];
}

const SUB = '00000000-0000-0000-0000-0000000000aa';
const RG = 'leaddesk-rg';

/** Evaluates a template value: strings that are expressions are computed, objects and arrays deeply. */
export function evaluate(value: unknown, ctx: EvalContext): unknown {
  if (typeof value === 'string') return isExpression(value) ? evalNode(parseExpression(value), ctx) : value;
  if (Array.isArray(value)) return value.map((v) => evaluate(v, ctx));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [String(evaluate(k, ctx)), evaluate(v, ctx)] as const),
    );
  return value;
}

/** `/subscriptions/…/providers/A.B/x/n1/y/n2` back into its type and names. */
export function parseResourceId(id: string): ResourceRef | undefined {
  const m = /\/providers\/([^/]+)\/(.+)$/.exec(id) ?? /^()(Microsoft\.[^/]+\/.+)$/.exec(id);
  if (!m) return undefined;
  const [namespace, rest] = m[1] ? [m[1], m[2]] : [m[2].split('/')[0], m[2].split('/').slice(1).join('/')];
  const parts = rest.split('/');
  const types: string[] = [];
  const names: string[] = [];
  for (let k = 0; k < parts.length; k += 2) {
    types.push(parts[k]);
    names.push(parts[k + 1] ?? '');
  }
  return { type: `${namespace}/${types.join('/')}`, names };
}

function resourceIdOf(ref: ResourceRef, scope = `/subscriptions/${SUB}/resourceGroups/${RG}`): string {
  const [namespace, ...types] = ref.type.split('/');
  return `${scope}/providers/${namespace}/${types.map((t, k) => `${t}/${ref.names[k]}`).join('/')}`;
}

function hash(parts: unknown[]): Buffer {
  return createHash('sha256').update(parts.map(String).join('\u0000')).digest();
}

type Fn = (args: unknown[], ctx: EvalContext) => unknown;

const FUNCTIONS: Record<string, Fn> = {
  parameters: ([name], ctx) => {
    if (!Object.hasOwn(ctx.parameters, String(name))) throw new Error(`parameter '${name}' is not declared`);
    return ctx.parameters[String(name)];
  },
  variables: ([name], ctx) => {
    if (!Object.hasOwn(ctx.variables, String(name))) throw new Error(`variable '${name}' is not declared`);
    return evaluate(ctx.variables[String(name)], ctx);
  },
  concat: (args) => (args.every(Array.isArray) ? args.flat() : args.map(String).join('')),
  format: ([f, ...args]) => String(f).replace(/\{(\d+)\}/g, (_, n: string) => String(args[Number(n)])),
  uniqueString: (args) => hash(args).toString('hex').replace(/\d/g, '').slice(0, 13).padEnd(13, 'a'),
  guid: (args) => {
    const h = hash(args).toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  },
  newGuid: () => crypto.randomUUID(),
  toLower: ([s]) => String(s).toLowerCase(),
  toUpper: ([s]) => String(s).toUpperCase(),
  string: ([s]) => (typeof s === 'string' ? s : JSON.stringify(s)),
  not: ([b]) => !b,
  empty: ([v]) => v === '' || v == null || (typeof v === 'object' && Object.keys(v).length === 0),
  equals: ([a, b]) => JSON.stringify(a) === JSON.stringify(b),
  createArray: (args) => args,
  createObject: (args) => Object.fromEntries(args.flatMap((_, k) => (k % 2 ? [] : [[String(args[k]), args[k + 1]]]))),
  length: ([v]) => (typeof v === 'string' || Array.isArray(v) ? v.length : Object.keys(v as object).length),
  copyIndex: ([offset], ctx) => {
    if (ctx.copyIndex === undefined) throw new Error('copyIndex() outside a copy loop');
    return ctx.copyIndex + Number(offset ?? 0);
  },
  resourceGroup: () => ({ id: `/subscriptions/${SUB}/resourceGroups/${RG}`, name: RG, location: 'westeurope' }),
  subscription: () => ({
    id: `/subscriptions/${SUB}`,
    subscriptionId: SUB,
    tenantId: '11111111-1111-1111-1111-1111111111aa',
  }),
  resourceId: ([type, ...names], ctx) => {
    const ref = { type: String(type), names: names.map(String) };
    ctx.seen.push(ref);
    return resourceIdOf(ref);
  },
  subscriptionResourceId: ([type, ...names]) => `/subscriptions/${SUB}/providers/${type}/${names.join('/')}`,
  reference: ([id], ctx) => {
    const ref = parseResourceId(String(id));
    if (!ref) throw new Error(`reference() of something that is not a resource id: ${id}`);
    ctx.seen.push(ref);
    return ctx.runtime(ref);
  },
};
FUNCTIONS.if = ([c, a, b]) => (c ? a : b);

function evalNode(node: Node, ctx: EvalContext): unknown {
  switch (node.kind) {
    case 'lit':
      return node.value;
    case 'call': {
      const fn = FUNCTIONS[node.name];
      if (!fn) throw new Error(`function ${node.name}() is not known to this test's evaluator`);
      return fn(
        node.args.map((a) => evalNode(a, ctx)),
        ctx,
      );
    }
    case 'prop': {
      const target = evalNode(node.target, ctx) as Record<string, unknown>;
      if (!target || !Object.hasOwn(target, node.name)) throw new Error(`no property ${node.name}`);
      return target[node.name];
    }
    case 'index': {
      const target = evalNode(node.target, ctx) as Record<string, unknown>;
      return target[String(evalNode(node.index, ctx))];
    }
  }
}
