/**
 * What the lead card says about the CRM handoff (leads/crmHandoff.ts `crmStatus`), in the reader's language:
 * "Sending to the CRM…", "Sent to Dynamics 365" with a link to the record, or "The CRM refused it: <its words>"
 * (the owner's and managers' view then has a Retry button, leadViews.ts).
 */
import { t, type Locale } from '../../i18n';
import type { Lead } from '../../leads/lead';
import { crmStatus } from '../../leads/crmHandoff';
import { cardText, shorten } from './cardText';

export interface CrmCardData {
  crmText?: string;
  crmStyle?: 'good' | 'attention' | 'default';
  /** The record in the CRM (https only), and the button's words. */
  crmUrl?: string;
  crmLinkTitle?: string;
}

export function crmCardData(lead: Lead, locale: Locale): CrmCardData {
  const s = crmStatus(lead);
  if (!s) return {};
  if (s.kind === 'pending') return { crmText: t(locale, 'crm.sending'), crmStyle: 'default' };
  if (s.kind === 'refused') {
    // The CRM's own words, cleaned like any text on a card; links in them are broken apart.
    const words = shorten(
      cardText(s.message)
        .replace(/\]\s*\(/g, '] (')
        .trim(),
      300,
    );
    return {
      crmText: t(locale, 'crm.refused', { message: words || t(locale, 'crm.noReason') }),
      crmStyle: 'attention',
    };
  }
  const data: CrmCardData = { crmText: t(locale, 'crm.sentTo', { target: s.target }), crmStyle: 'good' };
  if (s.url && /^https?:\/\//.test(s.url)) {
    data.crmUrl = s.url;
    data.crmLinkTitle = t(locale, 'crm.open', { target: s.target });
  }
  return data;
}
