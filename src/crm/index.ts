/** The CRM client for the configured target (config/crm.ts); main.ts hands it to the handoff job. */
import type { DefaultAzureCredentialOptions } from '@azure/identity';
import type { CrmClient } from '../jobs/crmHandoff';
import { DynamicsClient, type DynamicsOptions } from './dynamics';
import { SalesforceClient, type SalesforceOptions } from './salesforce';
import { WebhookClient, type WebhookOptions } from './webhook';

/** config/crm.ts `CrmSettings` (which crm/ may not import): each client's options but the test seams. */
export type CrmClientSettings =
  | ({ target: 'dynamics' } & Omit<DynamicsOptions, 'identity' | 'credential'>)
  | ({ target: 'salesforce' } & SalesforceOptions)
  | ({ target: 'webhook' } & Omit<WebhookOptions, 'now'>);

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
