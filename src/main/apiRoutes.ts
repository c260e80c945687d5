/** The HTTP routes that need the store, built once it is open (main.ts binds them; src/main/lifecycle.ts lateRoutes). */
import type { Config } from '../config';
import type { Intake } from '../intake/receive';
import type { PersonalData } from '../privacy/personalData';
import type { Pipeline } from '../reports/pipeline';
import { type botAuthentication, messagesHandler } from '../teams/adapter';
import type { LeadBot } from '../teams/bot';
import type { ManagerDirectory } from '../teams/installs/managerDirectory';
import { leadsWebhook } from '../http/leadsWebhook';
import { pipelineApi, pipelineAuth } from '../http/pipelineApi';
import { personalDataApi } from '../http/personalDataApi';
import type { ApiRoutes } from './lifecycle';

export interface RouteParts {
  bot: LeadBot;
  intake: Intake;
  pipeline: Pipeline;
  privacy: PersonalData;
  managers: ManagerDirectory;
}

export function apiRoutes(
  config: Config,
  overrides: { now?: () => Date },
  auth: ReturnType<typeof botAuthentication>,
  parts: RouteParts,
): ApiRoutes {
  // A manager of any team (or in MANAGER_IDS) may see the pipeline and erase or export personal data.
  const signedIn = pipelineAuth(config.bot, () => parts.managers.anyTeamIds(), config.localKey);
  return {
    messages: messagesHandler(auth, parts.bot, { localOnly: config.bot.anonymous }),
    leads: leadsWebhook({ secret: config.webhookSecret, intake: parts.intake, now: overrides.now }),
    pipeline: pipelineApi({ pipeline: parts.pipeline, auth: signedIn }),
    personalData: personalDataApi({
      privacy: parts.privacy,
      secret: config.webhookSecret,
      auth: signedIn,
      now: overrides.now,
    }),
  };
}
