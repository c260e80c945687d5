/**
 * Who manages which team, for the Teams surface: MANAGER_IDS (every team) plus each team's own managers, kept on its
 * team record (the installer first, then who managers add in chat). The decisions are pure (leads/managers.ts,
 * leads/roles.ts); this file reads and writes the lists. Reads are cached for CACHE_MS: a change made here clears the
 * cache at once, other instances see it within CACHE_MS. When the store cannot answer, the last list read (or
 * MANAGER_IDS alone) stands in, so a click is never refused for a read that failed.
 */
import type { Activity } from 'botbuilder';
import type { InstallStore } from '../../store/installStore';
import { isStoreError } from '../../leads/errors';
import {
  changeManagers,
  managerIdsOf,
  withFirstManager,
  type ManagersChange,
  type ManagersDecision,
  type Person,
  type TeamManager,
} from '../../leads/managers';
import type { Identity } from '../../leads/roles';
import { logger } from '../../log';

const log = logger('teams:managers');

/** How long a list read from the store is used before it is read again. */
const CACHE_MS = 30_000;

interface Cached<T> {
  until: number;
  value: T;
}

/** The team an activity comes from (a channel message, a card click in a channel); undefined in chats. */
export function teamOf(activity: Partial<Activity>): string | undefined {
  return (activity.channelData as { team?: { id?: string } } | undefined)?.team?.id || undefined;
}

/** What a manager check needs: the ids that make someone a manager where an activity is. */
export type TeamManagers = Pick<ManagerDirectory, 'idsFor'>;

export interface ManagerDirectoryDeps {
  installs: InstallStore;
  /** MANAGER_IDS: Entra object ids or Teams user ids of the managers of every team. */
  globalIds: readonly string[];
  now?: () => Date;
}

export class ManagerDirectory {
  private readonly teams = new Map<string, Cached<TeamManager[] | undefined>>();
  private anyTeam?: Cached<string[]>;

  constructor(private readonly d: ManagerDirectoryDeps) {}

  get globalIds(): readonly string[] {
    return this.d.globalIds;
  }

  /**
   * The ids that make someone a manager where the activity is: in a team, MANAGER_IDS and that team's managers;
   * elsewhere (a personal chat), MANAGER_IDS and the managers of every team.
   */
  async idsFor(teamId: string | undefined): Promise<string[]> {
    if (!teamId) return this.anyTeamIds();
    return managerIdsOf(this.d.globalIds, (await this.teamManagers(teamId)) ?? []);
  }

  /** MANAGER_IDS and every team's managers: who counts as a manager outside a team (the pipeline tab, a chat). */
  async anyTeamIds(): Promise<string[]> {
    const now = this.clock();
    if (this.anyTeam && this.anyTeam.until > now) return this.anyTeam.value;
    try {
      const teams = await this.d.installs.teams();
      const ids = managerIdsOf(
        this.d.globalIds,
        teams.flatMap((t) => t.managers ?? []),
      );
      this.anyTeam = { until: now + CACHE_MS, value: ids };
      return ids;
    } catch (err) {
      return this.fallback(err, this.anyTeam?.value ?? [...this.d.globalIds]);
    }
  }

  /** A team's own managers, as stored; undefined when the team is not recorded. */
  async teamManagers(teamId: string): Promise<TeamManager[] | undefined> {
    const now = this.clock();
    const cached = this.teams.get(teamId);
    if (cached && cached.until > now) return cached.value;
    try {
      const team = await this.d.installs.getTeam(teamId);
      const value = team ? (team.managers ?? []) : undefined;
      this.teams.set(teamId, { until: now + CACHE_MS, value });
      return value;
    } catch (err) {
      return this.fallback(err, cached?.value ?? []);
    }
  }

  /** The own managers of the team a channel is in (none for a channel not recorded): who an escalation @mentions. */
  async ofChannel(channelId: string): Promise<TeamManager[]> {
    try {
      const channel = await this.d.installs.getChannel(channelId);
      return (channel?.teamId && (await this.teamManagers(channel.teamId))) || [];
    } catch (err) {
      return this.fallback(err, []);
    }
  }

  /** `managers add|remove`: decided on the stored list, written with the team record's etag. */
  async change(
    teamId: string,
    change: ManagersChange,
    actor: Identity,
    now: Date,
  ): Promise<{ decision: ManagersDecision; managers: TeamManager[] } | undefined> {
    const written = await this.d.installs.updateManagers(teamId, (current) => {
      const decision = changeManagers(current, change, actor, this.d.globalIds, now);
      return { managers: decision.ok && decision.changed.length ? decision.managers : undefined, result: decision };
    });
    this.forget(teamId);
    return written && { decision: written.result, managers: written.managers };
  }

  /** The installer becomes the first manager of a team that has none (a team recorded before managers existed). */
  async firstManager(teamId: string, installer: Person, now: Date): Promise<boolean> {
    const written = await this.d.installs.updateManagers(teamId, (current) => ({
      managers: withFirstManager(current, installer, now),
      result: undefined,
    }));
    if (written?.written) this.forget(teamId);
    return Boolean(written?.written);
  }

  /** Drops what this instance read of a team (it changed here, or the app left it). */
  forget(teamId: string): void {
    this.teams.delete(teamId);
    this.anyTeam = undefined;
  }

  private clock(): number {
    return (this.d.now?.() ?? new Date()).getTime();
  }

  private fallback<T>(err: unknown, value: T): T {
    if (!isStoreError(err)) throw err;
    log.warn({ code: err.code }, 'managers not read: the store is unavailable; using the last list read');
    return value;
  }
}
