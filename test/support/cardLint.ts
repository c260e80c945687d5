/**
 * Checks an expanded Adaptive Card the way Teams would receive it, without a browser: the adaptivecards library's
 * own parser and validator (target 1.5, Teams host config), plus what that library does not catch
 * (test-clients.md §3): leftover `${` bindings, a version above 1.5, Action.Execute without a verb, null values
 * (a `$when` on an object property leaves `null`), and Teams' 28 KB card limit.
 */
import teamsLight from './teams-host/microsoft-teams-light.json';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require('adaptivecards/dist/adaptivecards.js') as typeof import('adaptivecards');

export const MAX_CARD_BYTES = 28 * 1024;
const MAX_VERSION = 1.5;

interface Event {
  phase: number;
  event: number;
  message: string;
}

function describe(kind: string, e: Event): string {
  return `${kind} ${AC.ValidationEvent[e.event] ?? e.event}: ${e.message}`;
}

/** Every object in the card with its JSON path. */
function* walk(value: unknown, path = '$'): Generator<{ path: string; node: unknown }> {
  yield { path, node: value };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* walk(value[i], `${path}[${i}]`);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) yield* walk(v, `${path}.${k}`);
  }
}

/** Returns the card's problems, one sentence each; an empty list means Teams can show it. */
export function lintCard(card: object): string[] {
  const problems: string[] = [];

  const ctx = new AC.SerializationContext();
  ctx.targetVersion = AC.Versions.v1_5;
  const parsed = new AC.AdaptiveCard();
  parsed.hostConfig = new AC.HostConfig(teamsLight);
  resetLangPattern(AC);
  try {
    parsed.parse(card, ctx);
  } catch (err) {
    problems.push(`parse threw: ${(err as Error).message}`);
    return problems;
  }
  for (let i = 0; i < ctx.eventCount; i++) problems.push(describe('parse', ctx.getEventAt(i) as Event));
  for (const e of parsed.validateProperties().validationEvents as Event[]) problems.push(describe('validate', e));

  const json = JSON.stringify(card);
  if (json.includes('${')) {
    const left = json.match(/\$\{[^}]*\}?/g) ?? [];
    problems.push(`unresolved template binding(s): ${[...new Set(left)].join(', ')}`);
  }

  const version = (card as { version?: unknown }).version;
  if (typeof version !== 'string' || !/^\d+\.\d+$/.test(version)) {
    problems.push(`card version must be a string like "1.5", got ${JSON.stringify(version)}`);
  } else if (Number(version) > MAX_VERSION) {
    problems.push(`card version ${version} is above ${MAX_VERSION}, the highest Teams renders for bot cards`);
  }

  for (const { path, node } of walk(card)) {
    if (node === null) problems.push(`${path} is null (a $when on an object property?)`);
    if (node && typeof node === 'object' && !Array.isArray(node)) {
      const o = node as Record<string, unknown>;
      if (o.type === 'Action.Execute' && (typeof o.verb !== 'string' || o.verb.trim() === '')) {
        problems.push(`${path}: Action.Execute "${String(o.title ?? '')}" has no verb`);
      }
    }
  }

  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes >= MAX_CARD_BYTES) problems.push(`card is ${bytes} bytes, Teams' limit is ${MAX_CARD_BYTES}`);

  return problems;
}

/**
 * adaptivecards 3.0.x declares the `lang` pattern with the global flag (`/^[a-z]{2,3}$/gi`) and runs `exec` on it, so
 * its `lastIndex` carries over and every second card with a `lang` is reported invalid. Reset it before each parse.
 */
function resetLangPattern(lib: { CardElement: unknown }): void {
  const pattern = (lib.CardElement as { langProperty?: { regEx?: RegExp } }).langProperty?.regEx;
  if (pattern) pattern.lastIndex = 0;
}
