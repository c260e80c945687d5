/**
 * Who someone is for Lead Desk: the one place that says who is a manager and who owns a lead. Pure.
 * The card actions, the chat commands and the pipeline API all ask here.
 */
import type { Actor, Lead } from './lead';
import type { Role } from './verbs';

/** Someone as far as the role check needs: a Teams user id (`29:…`) and/or an Entra object id. */
export interface Identity {
  id?: string;
  aadObjectId?: string;
}

/** A sales manager: their Entra object id or Teams user id is among `managerIds` (MANAGER_IDS + the team's, managers.ts). */
export function isManager(who: Identity, managerIds: readonly string[]): boolean {
  return Boolean((who.aadObjectId && managerIds.includes(who.aadObjectId)) || (who.id && managerIds.includes(who.id)));
}

/** Same Teams user: by AAD object id when both have one, else by Teams user id. */
export function sameActor(a: Actor | undefined, b: Actor | undefined): boolean {
  if (!a || !b) return false;
  return a.aadObjectId && b.aadObjectId ? a.aadObjectId === b.aadObjectId : a.id === b.id;
}

/**
 * Manager when the actor is a manager (`isManager`), else owner when they own the lead, else seller. Team owners are
 * managers too: the Teams layer, which knows the roster, passes 'manager' for them.
 */
export function roleOf(lead: Lead, actor: Actor, managerIds: readonly string[]): Role {
  if (isManager(actor, managerIds)) return 'manager';
  return sameActor(lead.owner, actor) ? 'owner' : 'seller';
}
