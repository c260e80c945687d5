/** The CRM client for the configured target (config/crm.ts); main.ts hands it to the handoff job. */
import type { DefaultAzureCredentialOptions } from '@azure/identity';
import type { CrmClient } from '../jobs/crmHandoff';
import { DynamicsClient } from './dynamics';
import { SalesforceClient } from './salesforce';
import { WebhookClient } from './webhook';

export type CrmClientSettings =
  | {
      target: 'dynamics';
      url: string;
      leadKey: string;
      columns: Partial<Record<'offer' | 'storefront' | 'action', string>>;
      authorityHost?: string;
    }
  | { target: 'salesforce'; url: string; clientId: string; clientSecret: string; leadKey: string }
  | { target: 'webhook'; url: string; secret: string };

export interface CrmClientOverrides {
  /** Tests: more options for DefaultAzureCredential (a pipeline policy that trusts a local token endpoint). */
  identity?: DefaultAzureCredentialOptions;
}

export function crmClient(settings: CrmClientSettings, overrides: CrmClientOverrides = {}): CrmClient {
  switch (settings.target) {
    case 'dynamics':
      return new DynamicsClient({ ...settings, identity: overrides.identity });
    case 'salesforce':
      return new SalesforceClient(settings);
    case 'webhook':
      return new WebhookClient(settings);
  }
}
