/**
 * Checks an ARM template (infra/azuredeploy.json) the way test/infra/template.test.ts needs: each resource against the
 * vendored official schema of its type and API version (strict, see ./armSchemas.ts), plus our own rules: every
 * parameters()/variables() used is declared, every dependsOn, resourceId(), reference() and scope names a resource of
 * the template, API versions are vendored ones, and no output carries a secret. Returns one sentence per problem.
 */
import {
  calls,
  evaluate,
  isExpression,
  parseExpression,
  parseResourceId,
  type EvalContext,
  type ResourceRef,
} from './armExpressions';
import { RESOURCE_KEYWORDS, RESOURCE_KEYWORDS_EXTRA, type VendoredSchemas } from './armSchemas';

type Json = Record<string, unknown>;
export interface Template {
  parameters: Record<string, Json>;
  variables: Json;
  resources: Json[];
  outputs: Record<string, Json>;
  [k: string]: unknown;
}

const DT = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
/** Built-in roles the template assigns; they exist in every account and subscription, not in the template. */
const BUILT_IN = (ref: ResourceRef) =>
  ref.type === 'Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions' &&
  /^0{8}-0{4}-0{4}-0{4}-0{11}[12]$/.test(ref.names[1] ?? '');

/** What Azure returns for reference(): plausible runtime properties of the resources the template reads. */
function sampleRuntime(ref: ResourceRef): Json {
  const [name, child] = ref.names;
  switch (ref.type) {
    case 'Microsoft.ManagedIdentity/userAssignedIdentities':
      return {
        clientId: '22222222-2222-2222-2222-222222222222',
        principalId: '44444444-4444-4444-4444-444444444444',
        tenantId: '11111111-1111-1111-1111-111111111111',
      };
    case 'Microsoft.DocumentDB/databaseAccounts':
      return { documentEndpoint: `https://${name}.documents.azure.com:443/` };
    case 'Microsoft.KeyVault/vaults/secrets':
      return { secretUri: `https://${name}.vault.azure.net/secrets/${child}`, value: 'the secret' };
    case 'Microsoft.Insights/components':
      return { ConnectionString: 'InstrumentationKey=00000000-0000-0000-0000-000000000000' };
    default:
      throw new Error(`reference() of ${ref.type}: no runtime sample`);
  }
}

/** Parameter values: the defaults, evaluated, then `overrides`. */
export function parameterValues(t: Template, overrides: Json = {}): Json {
  const ctx = context(t, {});
  const values: Json = {};
  for (const [name, p] of Object.entries(t.parameters ?? {}))
    if ('defaultValue' in p) values[name] = evaluate(p.defaultValue, { ...ctx, parameters: values });
  return Object.assign(values, overrides);
}

export function context(t: Template, parameters: Json, copyIndex?: number): EvalContext {
  return { parameters, variables: t.variables ?? {}, copyIndex, runtime: sampleRuntime, seen: [] };
}

export interface Instance {
  resource: Json;
  type: string;
  names: string[];
  copyIndex?: number;
}

/** Each resource once, or once per iteration of its copy loop, with its evaluated name. */
export function instances(t: Template, parameters: Json): Instance[] {
  return t.resources.flatMap((resource) => {
    const copy = resource.copy as Json | undefined;
    const count = copy ? Number(evaluate(copy.count, context(t, parameters))) : 1;
    return Array.from({ length: count }, (_, k) => {
      const index = copy ? k : undefined;
      const name = String(evaluate(resource.name, context(t, parameters, index)));
      return { resource, type: String(resource.type), names: name.split('/'), copyIndex: index };
    });
  });
}

export function templateProblems(t: Template, schemas: VendoredSchemas): string[] {
  const problems = schemas.validate(DT, t).map((e) => `template ${e}`);
  problems.push(...declarationProblems(t));
  if (problems.length) return problems; // the rest evaluates expressions: only once every name is declared
  for (const r of t.resources) problems.push(...schemaProblems(r, schemas));
  problems.push(...referenceProblems(t, schemas));
  problems.push(...outputSecretProblems(t));
  return problems;
}

/** Every expression string in a value (keys included), with where it is. */
function expressions(value: unknown, where: string): { where: string; text: string }[] {
  if (typeof value === 'string') return isExpression(value) ? [{ where, text: value }] : [];
  if (Array.isArray(value)) return value.flatMap((v, k) => expressions(v, `${where}[${k}]`));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => [...expressions(k, where), ...expressions(v, `${where}.${k}`)]);
  return [];
}

function declarationProblems(t: Template): string[] {
  const problems: string[] = [];
  for (const { where, text } of expressions(t, 'template')) {
    let found: ReturnType<typeof calls>;
    try {
      found = calls(parseExpression(text));
    } catch (err) {
      problems.push(`${where}: ${(err as Error).message}`);
      continue;
    }
    for (const c of found) {
      const arg = c.args[0]?.kind === 'lit' ? String(c.args[0].value) : undefined;
      if (c.name === 'parameters' && !(arg !== undefined && arg in (t.parameters ?? {})))
        problems.push(`${where}: parameter '${arg}' is not declared`);
      if (c.name === 'variables' && !(arg !== undefined && arg in (t.variables ?? {})))
        problems.push(`${where}: variable '${arg}' is not declared`);
    }
  }
  return problems;
}

function schemaProblems(r: Json, schemas: VendoredSchemas): string[] {
  const label = `${r.type}@${r.apiVersion}`;
  const def = schemas.definitionOf(String(r.type), String(r.apiVersion), 'scope' in r);
  if (!def) return [`${label}: no vendored schema for this type and API version (infra/schemas)`];
  const own = Object.keys((def.schema.properties as Json) ?? {});
  const allowed = new Set([...own, ...RESOURCE_KEYWORDS, ...RESOURCE_KEYWORDS_EXTRA]);
  const problems = Object.keys(r)
    .filter((k) => !allowed.has(k))
    .map((k) => `${label}: unknown resource property ${k}`);
  const body = Object.fromEntries(Object.entries(r).filter(([k]) => own.includes(k)));
  return [...problems, ...schemas.validate(def.ref, body).map((e) => `${label} ${e}`)];
}

function referenceProblems(t: Template, schemas: VendoredSchemas): string[] {
  const parameters = parameterValues(t);
  const all = instances(t, parameters);
  const copyNames = new Set(t.resources.map((r) => (r.copy as Json | undefined)?.name).filter(Boolean));
  const exists = (ref: ResourceRef) =>
    all.some((i) => i.type.toLowerCase() === ref.type.toLowerCase() && i.names.join('/') === ref.names.join('/'));
  const problems: string[] = [];
  for (const i of all) {
    const label = `${i.type} ${i.names.join('/')}`;
    const ctx = context(t, parameters, i.copyIndex);
    for (const dep of (i.resource.dependsOn as string[]) ?? []) {
      if (!isExpression(dep)) {
        if (!copyNames.has(dep)) problems.push(`${label}: dependsOn ${dep}: no copy loop of that name`);
        continue;
      }
      const ref = parseResourceId(String(evaluate(dep, context(t, parameters, i.copyIndex))));
      if (!ref || !exists(ref)) problems.push(`${label}: dependsOn ${dep}: no such resource in the template`);
    }
    if ('scope' in i.resource) {
      const ref = parseResourceId(String(evaluate(i.resource.scope, ctx)));
      if (!ref || !exists(ref)) problems.push(`${label}: scope ${i.resource.scope}: no such resource in the template`);
    }
    const { dependsOn: _d, ...rest } = i.resource;
    evaluate(rest, ctx);
    for (const ref of ctx.seen)
      if (!exists(ref) && !BUILT_IN(ref))
        problems.push(
          `${label}: resourceId/reference ${ref.type} ${ref.names.join('/')}: no such resource in the template`,
        );
    problems.push(...referenceVersionProblems(i.resource, ctx, schemas, label));
  }
  return problems;
}

/** reference(id, 'version'): the version must be one whose schema is vendored for that type. */
function referenceVersionProblems(r: Json, ctx: EvalContext, schemas: VendoredSchemas, label: string): string[] {
  const problems: string[] = [];
  for (const { text } of expressions(r, '')) {
    for (const c of calls(parseExpression(text))) {
      if (c.name !== 'reference' || c.args.length < 2 || c.args[1].kind !== 'lit') continue;
      const ref = parseResourceId(String(evaluate(`[${print(c.args[0])}]`, ctx)));
      const version = String(c.args[1].value);
      if (ref && !schemas.definitionOf(ref.type, version, false))
        problems.push(`${label}: reference(${ref.type}, '${version}'): no vendored schema for that API version`);
    }
  }
  return problems;
}

function print(n: ReturnType<typeof parseExpression>): string {
  switch (n.kind) {
    case 'lit':
      return typeof n.value === 'number' ? String(n.value) : `'${n.value.replace(/'/g, "''")}'`;
    case 'call':
      return `${n.name}(${n.args.map(print).join(', ')})`;
    case 'prop':
      return `${print(n.target)}.${n.name}`;
    case 'index':
      return `${print(n.target)}[${print(n.index)}]`;
  }
}

/** No output may carry a secure parameter, a list*() result or a Key Vault secret (directly or through a variable). */
function outputSecretProblems(t: Template): string[] {
  const secureParams = Object.entries(t.parameters ?? {})
    .filter(([, p]) => /^secure/i.test(String(p.type)))
    .map(([n]) => n);
  const secretVars = new Set<string>();
  const tainted = (value: unknown): boolean =>
    expressions(value, '').some(({ text }) =>
      calls(parseExpression(text)).some((c) => {
        const arg = c.args[0]?.kind === 'lit' ? String(c.args[0].value) : '';
        return (
          /^list/i.test(c.name) ||
          (c.name === 'parameters' && secureParams.includes(arg)) ||
          (c.name === 'variables' && secretVars.has(arg)) ||
          (c.name === 'reference' && /Microsoft\.KeyVault\/vaults\/secrets/i.test(text))
        );
      }),
    );
  // Variables may use variables: repeat until no new secret variable turns up.
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, v] of Object.entries(t.variables ?? {}))
      if (!secretVars.has(name) && tainted(v)) changed = secretVars.add(name) !== undefined;
  }
  return Object.entries(t.outputs ?? {})
    .filter(([, o]) => tainted(o.value))
    .map(([name]) => `output ${name} carries a secret`);
}
