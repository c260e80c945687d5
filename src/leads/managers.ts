/**
 * A team's own managers (besides MANAGER_IDS, who manage every team): who may change the list and what it becomes.
 * Pure; the Teams layer reads and writes the list on the team's install record (store/installStore.ts, etag
 * compare-and-set) and asks `isManager` (roles.ts) with `managerIdsOf`.
 */
import type { ErrorCode } from './errors';
import { isManager, type Identity } from './roles';

/** One manager of one team, as Teams identified them (the installer's `from`, or an @mention). */
export interface TeamManager {
  /** Teams user id (`29:…`). */
  id: string;
  /** Entra object id, when Teams gave it (the pipeline tab's sign-in matches on it). */
  aadObjectId?: string;
  /** Display name as Teams showed it when they were added (for `managers` and @mentions). */
  name: string;
  addedAt: string;
  /** Teams user id of who added them; absent for the installer. */
  addedBy?: string;
}

/** A person named in a command (an @mention): Teams user id, display name, Entra object id when known. */
export interface Person {
  id: string;
  name: string;
  aadObjectId?: string;
}

/** A team's list is kept small: it goes on every refresh of a card (Teams allows 60 `userIds`). */
export const MAX_TEAM_MANAGERS = 25;

export type ManagersChange = { kind: 'add' | 'remove'; people: Person[] };

export type ManagersDecision =
  | { ok: true; managers: TeamManager[]; changed: Person[]; unchanged: Person[] }
  | { ok: false; code: ErrorCode; params: Record<string, unknown> };

/** Every id that makes someone a manager of the team: MANAGER_IDS, then each team manager's Teams and Entra ids. */
export function managerIdsOf(globalIds: readonly string[], team: readonly TeamManager[] = []): string[] {
  const ids = new Set(globalIds);
  for (const m of team) {
    ids.add(m.id);
    if (m.aadObjectId) ids.add(m.aadObjectId);
  }
  return [...ids];
}

/** The same person: by Entra object id when both have one, else by Teams user id. */
function samePerson(a: Identity, b: Identity): boolean {
  return a.aadObjectId && b.aadObjectId ? a.aadObjectId === b.aadObjectId : a.id === b.id;
}

const refuse = (code: ErrorCode, params: Record<string, unknown> = {}): ManagersDecision => ({
  ok: false,
  code,
  params,
});

/**
 * `managers add @Ana` / `managers remove @Ana`: only a manager of the team (or in MANAGER_IDS) may change it; the
 * team never loses its last own manager; adding someone already there or removing someone not there changes nothing
 * for them (`unchanged`). People listed in MANAGER_IDS only cannot be removed in chat.
 */
export function changeManagers(
  current: readonly TeamManager[],
  change: ManagersChange,
  actor: Identity,
  globalIds: readonly string[],
  now: Date,
): ManagersDecision {
  if (!isManager(actor, managerIdsOf(globalIds, current))) return refuse('managers.managers-only');
  if (!change.people.length) return refuse('managers.no-mention');
  let managers = [...current];
  const changed: Person[] = [];
  const unchanged: Person[] = [];
  for (const person of change.people) {
    const listed = managers.some((m) => samePerson(m, person));
    if (change.kind === 'add') {
      if (listed) unchanged.push(person);
      else {
        managers.push({ ...person, addedAt: now.toISOString(), addedBy: actor.id });
        changed.push(person);
      }
      continue;
    }
    if (!listed) {
      if (isManager(person, globalIds)) return refuse('managers.global', { name: person.name });
      unchanged.push(person);
      continue;
    }
    managers = managers.filter((m) => !samePerson(m, person));
    changed.push(person);
  }
  if (managers.length > MAX_TEAM_MANAGERS) return refuse('managers.too-many', { max: MAX_TEAM_MANAGERS });
  if (change.kind === 'remove' && current.length > 0 && managers.length === 0) return refuse('managers.last');
  return { ok: true, managers, changed, unchanged };
}

/** The installer becomes the team's first manager; a team that has managers keeps them as they are (undefined). */
export function withFirstManager(current: readonly TeamManager[] | undefined, installer: Person, now: Date) {
  if (current?.length || !installer.id) return undefined;
  const first: TeamManager = { id: installer.id, name: installer.name, addedAt: now.toISOString() };
  if (installer.aadObjectId) first.aadObjectId = installer.aadObjectId;
  return [first];
}
