/**
 * The Turkish seller's story, end to end through the local Teams channel: a team in Istanbul installs Lead Desk in
 * Turkish, a lead arrives and its card is Turkish; Ayşe claims it from a Teams client set to tr-TR; her view, the
 * refusal her colleague Mehmet gets and the manager's `pipeline bu hafta` are Turkish; her first-touch reminder
 * comes in Turkish at 09:00 on Monday in Istanbul, the next opening of the team's business hours; John, an English
 * colleague in the same team, sees his own view in English. Real store (the run's backend), the bot over HTTP; sinon
 * fakes only the clock. With LEADDESK_TRANSCRIPT=<file> the run is written out as a Markdown transcript
 * (docs/turkish-run.md).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { App } from '../../src/main';
import { t } from '../../src/i18n';
import { contactMePayload } from '../support/payloads';
import { postLead, sendActivity, waitFor } from '../support/harness';
import type { Recorded } from '../support/localTeams';
import { clockedScenario } from '../support/clockedScenario';

const ZEYNEP = { id: '29:zeynep', name: 'Zeynep Kaya', aadObjectId: 'aad-zeynep' }; // sales manager, installs the app
const AYSE = { id: '29:ayse', name: 'Ayşe Yılmaz', aadObjectId: 'aad-ayse' };
const MEHMET = { id: '29:mehmet', name: 'Mehmet Demir', aadObjectId: 'aad-mehmet' };
const JOHN = { id: '29:john', name: 'John Smith', aadObjectId: 'aad-john' };
type User = typeof AYSE;

const ISTANBUL = 'Europe/Istanbul';
const MIN = 60_000;
/** Friday 4 Dec 2026, 17:00 in Istanbul (14:00 UTC): a lead arrives an hour before the office closes. */
const T0 = Date.parse('2026-12-04T14:00:00.000Z');
/** Monday 7 Dec 2026, 09:00 in Istanbul: the next opening after Friday 18:00. */
const MONDAY_9 = Date.parse('2026-12-07T06:00:00.000Z');

let n = 0;
const payload = () => ({
  ...contactMePayload,
  UserDetails: { ...contactMePayload.UserDetails, Email: `tr${++n}-${process.pid}@example.com.tr` },
});

/** An activity as a Teams client in `locale` (and `zone`) sends it: `activity.locale` and a clientInfo entity. */
function from<A extends { entities?: unknown[] }>(activity: A, locale: string, zone = ISTANBUL): A {
  const clientInfo = { type: 'clientInfo', locale, country: locale.split('-')[1], platform: 'Web', timezone: zone };
  return { ...activity, locale, entities: [...(activity.entities ?? []), clientInfo] };
}

/** Local time in Istanbul, as a Turkish reader writes it: "Pazartesi 09:00". */
const inIstanbul = (at: number) =>
  new Intl.DateTimeFormat('tr-TR', { timeZone: ISTANBUL, weekday: 'long', hour: '2-digit', minute: '2-digit' }).format(
    at,
  );

const json = (x: unknown) => JSON.stringify(x);

describe('the Turkish seller’s story', () => {
  const scenario = clockedScenario(T0, {
    MANAGER_IDS: ZEYNEP.id,
    TIMEZONE: ISTANBUL,
    BUSINESS_HOURS: 'Mon-Fri 09:00-18:00',
    CLAIM_SLA: '15m',
    FIRST_TOUCH_SLA: '1h',
  });
  const transcript: string[] = [];
  const note = (who: string, what: string) => transcript.push(`- **${who}**: ${what}`);

  after(() => {
    const file = process.env.LEADDESK_TRANSCRIPT;
    if (!file || !transcript.length) return;
    const head = `# The Turkish seller's story, as run through the local Teams channel (${process.env.TEST_STORE ?? 'sqlite'})`;
    fs.writeFileSync(
      file,
      `${head}\n\nWritten by test/scenarios/turkish.test.ts (LEADDESK_TRANSCRIPT).\n\n${transcript.join('\n')}\n`,
    );
  });

  async function installAs(app: App, user: User, locale: string) {
    for (const a of scenario.teams.installActivities(user)) {
      const r = await sendActivity(app, from(a, locale));
      assert.ok(r.status < 300, `install answered ${r.status}`);
    }
  }

  async function newLead(app: App) {
    const res = await postLead(app, payload());
    assert.equal(res.status, 202);
    const id = res.body.id as string;
    const posted = await waitFor('lead card', () => scenario.teams.cards().find((c) => json(c.card).includes(id)));
    await waitFor('posted', async () => (await app.leads.get(id))?.delivery.targets?.[0]?.activityId);
    const { conversationId: thread, activityId, card, summary = '' } = posted;
    return { id, thread, activityId, card, summary };
  }

  /** A click on the lead card (Action.Execute) by `user` from a client in `locale`; the card the bot answers. */
  async function click(app: App, user: User, locale: string, verb: string, leadId: string, thread: string, data = {}) {
    const activity = scenario.teams.invokeActivity({
      verb,
      data: { leadId, ...data },
      conversationId: thread,
      replyToId: 'r1',
      user,
    });
    const res = await sendActivity(app, from(activity, locale));
    assert.equal(res.status, 200, json(res.body));
    return res.body.value as { lang?: string };
  }

  /** `@Lead Desk <text>` in General by `user` in `locale`; the bot's answer in that thread. */
  async function ask(app: App, user: User, locale: string, text: string): Promise<Recorded> {
    const activity = from(scenario.teams.mentionActivity(text, undefined, user), locale);
    const before = scenario.teams.replies().length;
    const res = await sendActivity(app, activity);
    assert.ok(res.status < 300);
    return waitFor(`an answer to "${text}"`, () => scenario.teams.replies().slice(before)[0]);
  }

  it('a lead arrives, the team’s card is Turkish; Ayşe claims it in Turkish; Mehmet’s refusal, the manager’s pipeline and her reminder are Turkish; John sees English', async () => {
    const app = await scenario.bot();
    await installAs(app, ZEYNEP, 'tr-TR');
    note('Zeynep (tr-TR)', 'installs Lead Desk in the team "Sales"');
    const [welcome] = scenario.teams.cards();
    assert.equal(welcome.card.lang, 'tr', 'the welcome card is in the installer’s language');
    assert.ok(json(welcome.card).includes(t('tr', 'card.welcomeTitle')));
    note('Lead Desk → General', `welcome card: “${t('tr', 'card.welcomeTitle')}”`);

    // A lead arrives: the shared card in the channel speaks the team's language.
    const lead = await newLead(app);
    assert.equal(lead.card.lang, 'tr');
    assert.ok(json(lead.card).includes(`"title":"${t('tr', 'card.claim')}"`), 'a Sahiplen button');
    assert.ok(!json(lead.card).includes(`"title":"Claim"`));
    const { summary } = lead;
    assert.ok(summary.startsWith(t('tr', 'lead.newLeadSummary', { action: '', name: '' }).split(':')[0]), summary);
    note(
      'Lead Desk → General',
      `lead card (lang \`tr\`), notification “${summary}”, button “${t('tr', 'card.claim')}”`,
    );

    // Ayşe claims it from her Turkish Teams client: her own view comes back in Turkish.
    scenario.clock.setSystemTime(T0 + 5 * MIN);
    const view = await click(app, AYSE, 'tr-TR', 'claim', lead.id, lead.thread);
    assert.equal(view.lang, 'tr');
    assert.ok(json(view).includes(t('tr', 'verb.claim.notice')), json(view).slice(0, 400));
    note('Ayşe (tr-TR, Europe/Istanbul)', `clicks “${t('tr', 'card.claim')}” → “${t('tr', 'verb.claim.notice')}”`);
    const prefs = await app.installs.getUserPrefs(AYSE.id);
    assert.deepEqual([prefs?.locale, prefs?.timeZone], ['tr-TR', ISTANBUL], 'her locale and zone are kept');

    // The shared card, updated for everyone, stays in the team's language.
    const shared = await waitFor('the shared card updated', () => {
      const card = scenario.teams.currentCard(lead.activityId);
      return json(card).includes('Ayşe') ? card : undefined;
    });
    assert.equal(shared.lang, 'tr');
    assert.ok(json(shared).includes(t('tr', 'lead.claimedBy', { owner: AYSE.name }).split(' · ')[0]));

    // Mehmet, also on tr-TR, tries to reject her lead: the refusal is Turkish, nothing changes.
    const refusal = await click(app, MEHMET, 'tr-TR', 'reject', lead.id, lead.thread, { reason: 'not-a-fit' });
    assert.equal(refusal.lang, 'tr');
    const refusalText = json(refusal);
    assert.ok(refusalText.includes('Yalnızca') && refusalText.includes(AYSE.name), refusalText.slice(0, 600));
    assert.ok(!refusalText.includes('Only '), 'no English refusal');
    assert.equal((await app.leads.get(lead.id))?.status, 'claimed');
    note('Mehmet (tr-TR)', `clicks “${t('tr', 'card.reject')}” → “${/Yalnızca[^."]*\./.exec(refusalText)?.[0]}”`);

    // John, an English colleague in the same team, asks for his view: English.
    const johns = await click(app, JOHN, 'en-US', 'refresh', lead.id, lead.thread);
    assert.equal(johns.lang, 'en');
    assert.ok(json(johns).includes(t('en', 'lead.claimedBy', { owner: AYSE.name }).split(' · ')[0]), json(johns));
    assert.ok(!json(johns).includes('Sahiplen'));
    note('John (en-US)', `clicks “${t('tr', 'card.myActions')}” → his view in English (“Claimed by Ayşe Yılmaz”)`);

    // The manager asks for this week's pipeline in Turkish: the answer is Turkish.
    const answer = await ask(app, ZEYNEP, 'tr-TR', 'pipeline bu hafta');
    const pipelineCard = answer.body.attachments?.[0]?.content;
    assert.equal(pipelineCard?.lang, 'tr', json(answer.body).slice(0, 300));
    assert.ok(json(pipelineCard).includes(t('tr', 'pipeline.status.claimed')));
    note('Zeynep (tr-TR)', `\`@Lead Desk pipeline bu hafta\` → pipeline card (lang \`tr\`): “${answer.body.summary}”`);

    // Friday 18:05 in Istanbul the first touch is overdue, but the office is closed: Monday 09:00 her time.
    scenario.clock.setSystemTime(T0 + 66 * MIN);
    await app.reminders.tick();
    assert.equal(scenario.teams.personal(AYSE.id).length, 0, 'nothing after hours on Friday');
    scenario.clock.setSystemTime(MONDAY_9 - MIN);
    await app.reminders.tick();
    assert.equal(scenario.teams.personal(AYSE.id).length, 0, 'nothing before 09:00 on Monday');
    scenario.clock.setSystemTime(MONDAY_9 + 30_000);
    await app.reminders.tick();
    const [reminder] = scenario.teams.personal(AYSE.id);
    assert.ok(reminder, 'a reminder in Ayşe’s personal chat');
    assert.match(inIstanbul(reminder.at), /^Pazartesi 09:0\d$/, 'at 09:00 on Monday in Istanbul');
    const reminderCard = reminder.body.attachments?.[0]?.content;
    assert.equal(reminderCard?.lang, 'tr');
    assert.ok(json(reminderCard).includes(t('tr', 'reminder.why.first-touch')));
    assert.ok(reminder.body.summary.startsWith(t('tr', 'reminder.title', { name: '' })), reminder.body.summary);
    note(
      'Lead Desk → Ayşe’s chat',
      `${inIstanbul(reminder.at)} (Istanbul): “${reminder.body.summary}” — “${t('tr', 'reminder.why.first-touch')}”`,
    );
  });

  it('an unclaimed lead is chased in its thread in the team’s language (TEAM_LOCALE=tr), whoever installed the app', async () => {
    const app = await scenario.bot({ TEAM_LOCALE: 'tr-TR' });
    await installAs(app, JOHN, 'en-US');
    const lead = await newLead(app);
    assert.equal(lead.card.lang, 'tr', 'TEAM_LOCALE wins over the installer’s English');
    scenario.clock.setSystemTime(T0 + 16 * MIN);
    await app.reminders.tick();
    const [chase] = scenario.teams.replies(lead.thread);
    assert.ok(chase, 'a reply in the lead’s thread');
    assert.ok(chase.body.text.endsWith(t('tr', 'reminder.unclaimedFor', { age: '' }).split(': ')[1]), chase.body.text);

    // John's own view is still English: a personal view follows the reader, not the team.
    const johns = await click(app, JOHN, 'en-US', 'refresh', lead.id, lead.thread);
    assert.equal(johns.lang, 'en');
    const help = await ask(app, JOHN, 'en-US', 'yardim');
    assert.ok(help.body.text.includes('pipeline'), 'a Turkish word typed by an English reader gets English help');
    assert.ok(!help.body.text.includes('yardım'));
  });

  it('a subscribe the bot cannot read is answered in Turkish, with the Turkish syntax and example', async () => {
    const app = await scenario.bot();
    await installAs(app, ZEYNEP, 'tr-TR');
    const answer = await ask(app, ZEYNEP, 'tr-TR', 'abone ol herşey');
    const text = String(answer.body.text);
    assert.ok(text.startsWith(t('tr', 'command.subscribeProblem.unknown-word', { word: 'herşey' })), text);
    assert.ok(text.includes(t('tr', 'command.list.subscribe.usage')), text);
  });

  it('her reminders keep her own business hours when the team’s office is in another zone', async () => {
    // The team works London hours; Ayşe's Teams client says Istanbul (two hours ahead).
    const app = await scenario.bot({ TIMEZONE: 'Europe/London' });
    await installAs(app, ZEYNEP, 'tr-TR');
    const lead = await newLead(app); // Friday 14:00 in London, 17:00 in Istanbul
    await click(app, AYSE, 'tr-TR', 'claim', lead.id, lead.thread);
    // The first touch is due at 15:00 London time: London is still open, Istanbul closed (18:00).
    scenario.clock.setSystemTime(T0 + 61 * MIN);
    await app.reminders.tick();
    assert.equal(scenario.teams.personal(AYSE.id).length, 0, 'nothing after 18:00 her time on Friday');
    scenario.clock.setSystemTime(MONDAY_9 + 30_000);
    await app.reminders.tick();
    const [reminder] = scenario.teams.personal(AYSE.id);
    assert.ok(reminder, 'a reminder in Ayşe’s personal chat');
    assert.match(inIstanbul(reminder.at), /^Pazartesi 09:0\d$/, 'at 09:00 on Monday in Istanbul, her opening');
  });
});
