/**
 * Teams' send limits (per conversation 7 per 1 s, 8 per 2 s, 60 per 30 s, 1800 per hour; 50 per second for the whole
 * bot). The send budget (sendBudget.ts, budgetWindows.ts) holds them for all instances together.
 */
export interface Window {
  limit: number;
  ms: number;
}

export const TEAMS_CONVERSATION_WINDOWS: Window[] = [
  { limit: 7, ms: 1_000 },
  { limit: 8, ms: 2_000 },
  { limit: 60, ms: 30_000 },
  { limit: 1800, ms: 3_600_000 },
];
export const TEAMS_GLOBAL_WINDOWS: Window[] = [{ limit: 50, ms: 1_000 }];
