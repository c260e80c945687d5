/**
 * Where a lead came from: Partner Center's `LeadSource` string (`Source-Action|Offer`), its storefront and action
 * codes, and the words cards use for them. Pure.
 */
import type { ActionKind, Storefront } from './lead';
import { blankToUndefined } from './values';

/**
 * `Source-Action|Offer`, parsed defensively: split on the first `|`, then the part before it on the first `-`.
 * `"AppSource (SPZA)-PLT|x.y"` → AppSource (SPZA) / PLT / x.y; `"AzureMarketplace"` → source only;
 * free text (`"Test run through MS Flow"`) → source only, which maps to the 'Other' storefront.
 */
export function splitLeadSource(raw: string): { source?: string; actionCode?: string; offer?: string } {
  const bar = raw.indexOf('|');
  const head = bar < 0 ? raw : raw.slice(0, bar);
  const dash = head.indexOf('-');
  return {
    source: blankToUndefined(dash < 0 ? head : head.slice(0, dash)),
    actionCode: dash < 0 ? undefined : blankToUndefined(head.slice(dash + 1)),
    offer: bar < 0 ? undefined : blankToUndefined(raw.slice(bar + 1)),
  };
}

/** The source part of LeadSource → our storefront; spaces, case and punctuation do not matter. */
export function storefrontOf(source: string | undefined): Storefront {
  switch ((source ?? '').toLowerCase().replace(/[^a-z]/g, '')) {
    case 'azuremarketplace':
      return 'AzureMarketplace';
    case 'appsource':
    case 'spza':
    case 'appsourcespza':
      return 'AppSource';
    case 'azureportal':
      return 'AzurePortal';
    case 'testdrive':
      return 'TestDrive';
    default:
      return 'Other';
  }
}

const ACTION_CODES = new Map<string, ActionKind>([
  ['ins', 'installed'],
  ['plt', 'contact-me'],
  ['dnc', 'do-not-contact'],
  ['create', 'purchased'],
  ['starttestdrive', 'test-drive'],
  ['str', 'free-trial'],
]);

/** A Partner Center action code (case-insensitive, open-ended) → what the customer did; unknown or none → 'other'. */
export function actionKindOf(code: string): ActionKind {
  const c = code.trim().toLowerCase();
  return ACTION_CODES.get(c) ?? (c.includes('trial') ? 'free-trial' : 'other');
}

const ACTION_WORDS: Record<ActionKind, string> = {
  'contact-me': 'Contact me',
  'free-trial': 'Free trial',
  installed: 'Installed',
  purchased: 'Purchased (Azure portal)',
  'test-drive': 'Started a test drive',
  'do-not-contact': 'Do not contact (cross-listed)',
  other: 'Other',
};

export function actionInWords(kind: ActionKind): string {
  return ACTION_WORDS[kind];
}

const STOREFRONT_WORDS: Record<Storefront, string> = {
  AppSource: 'AppSource',
  AzureMarketplace: 'Azure Marketplace',
  AzurePortal: 'Azure portal',
  TestDrive: 'Test Drive',
  Other: 'Other',
};

export function storefrontInWords(s: Storefront): string {
  return STOREFRONT_WORDS[s];
}
