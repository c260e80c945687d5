/**
 * The official ARM JSON schemas vendored in infra/schemas (Azure/azure-resource-manager-schemas, MIT, LICENSE beside
 * them), loaded into a draft-04 validator. The official schemas are open: an object lists its properties but allows
 * others, so a misspelt property would pass. `strict` closes every object schema that lists properties
 * (additionalProperties: false), which is what makes a typo fail; the resource's own top level is checked by the test
 * against the resource definition plus the template's resource keywords.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv-draft-04';

export const SCHEMA_DIR = path.resolve(__dirname, '..', '..', 'infra', 'schemas');
const BASE = 'https://schema.management.azure.com/schemas/';

type Schema = Record<string, unknown>;

/** Keywords every resource of a template may carry besides its type's own (deploymentTemplate.json resourceBase). */
export const RESOURCE_KEYWORDS = ['name', 'type', 'apiVersion', 'condition', 'dependsOn', 'location', 'tags', 'copy'];
export const RESOURCE_KEYWORDS_EXTRA = ['scope', 'comments'];

export interface VendoredSchemas {
  /** `<apiVersion>/<file>.json` → the schema. */
  files: Map<string, Schema>;
  /** Where a resource type at an API version is defined: the file and the definition's pointer. */
  definitionOf(type: string, apiVersion: string, extension: boolean): { ref: string; schema: Schema } | undefined;
  /** Errors of `value` against the schema at `ref` (an absolute $ref), one line each; [] when it is valid. */
  validate(ref: string, value: unknown): string[];
}

export function loadVendoredSchemas(opts: { strict: boolean }): VendoredSchemas {
  const files = new Map<string, Schema>();
  for (const dir of fs.readdirSync(SCHEMA_DIR, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const f of fs.readdirSync(path.join(SCHEMA_DIR, dir.name)).filter((n) => n.endsWith('.json')))
      files.set(`${dir.name}/${f}`, JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, dir.name, f), 'utf8')));
  }
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, logger: false });
  for (const schema of files.values()) {
    const copy = structuredClone(schema);
    // Its `resource` definition $refs every provider's schemas (not vendored); each resource is checked against the
    // schema of its own type instead (definitionOf), so here a resource may be any value.
    if (String(copy.id).endsWith('/deploymentTemplate.json#'))
      (copy.definitions as Record<string, Schema>).resource = {};
    if (opts.strict) closeDefinitions(copy);
    ajv.addSchema(copy);
  }
  const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
  return {
    files,
    definitionOf(type, apiVersion, extension) {
      const groups = extension ? ['extension_resourceDefinitions', 'resourceDefinitions'] : ['resourceDefinitions'];
      for (const [key, file] of files) {
        if (!key.startsWith(`${apiVersion}/`)) continue;
        for (const group of groups) {
          const defs = (file[group] ?? {}) as Record<string, Schema>;
          for (const [name, def] of Object.entries(defs)) {
            const types = ((def.properties as Schema | undefined)?.type as Schema | undefined)?.enum as string[];
            if (types?.includes(type)) return { ref: `${BASE}${key}#/${group}/${name}`, schema: def };
          }
        }
      }
      return undefined;
    },
    validate(ref, value) {
      let check = compiled.get(ref);
      if (!check) {
        check = ajv.compile({ $ref: ref });
        compiled.set(ref, check);
      }
      if (check(value)) return [];
      return (check.errors ?? [])
        .filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf')
        .map((e) => `${e.instancePath || '/'} ${e.message}${extra(e.params)}`);
    },
  };
}

function extra(params: Record<string, unknown>): string {
  if ('additionalProperty' in params) return `: ${params.additionalProperty}`;
  if ('allowedValues' in params) return `: ${JSON.stringify(params.allowedValues)}`;
  return '';
}

/** Strict mode: every definition's object schemas that list properties allow no others (resource roots excepted). */
function closeDefinitions(file: Schema): void {
  for (const [group, defs] of Object.entries(file)) {
    if (!group.endsWith('efinitions') || !defs || typeof defs !== 'object') continue;
    const resourceRoots = group !== 'definitions';
    for (const def of Object.values(defs as Record<string, Schema>)) close(def, resourceRoots);
  }
}

function close(schema: unknown, open = false): void {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return;
  const s = schema as Schema;
  const props = s.properties as Record<string, unknown> | undefined;
  if (!open && props && Object.keys(props).length > 0 && s.additionalProperties === undefined && !s.allOf)
    s.additionalProperties = false;
  for (const p of Object.values(props ?? {})) close(p);
  if (s.items) close(s.items);
  if (s.additionalProperties && typeof s.additionalProperties === 'object') close(s.additionalProperties);
  for (const k of ['oneOf', 'anyOf'] as const) for (const sub of (s[k] as unknown[]) ?? []) close(sub);
  // An allOf member sees only its own properties: closing one would refuse what the others add.
  for (const sub of (s.allOf as unknown[]) ?? []) close(sub, true);
}
