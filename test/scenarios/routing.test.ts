/**
 * The sales team decides where leads go: `@Lead Desk subscribe …` per channel; a lead goes to every matching
 * channel, else to the default channel; leads wait (not lost) while no channel can take them.
 */
import assert from 'node:assert/strict';
import type { App } from '../../src/main';
import { contactMePayload, docSamplePayload } from '../support/payloads';
import { LocalTeams, install, postLead, sendActivity, startBot, waitFor } from '../support/harness';

const APPSOURCE = '19:appsource-leads@thread.tacv2';
const AZURE = '19:azure-leads@thread.tacv2';

describe('routing: leads go to the channels that asked for them', () => {
  let teams: LocalTeams;
  let app: App;

  beforeEach(async () => {
    teams = await new LocalTeams().start();
    app = await startBot();
  });
  afterEach(async () => {
    await app.stop();
    await teams.stop();
  });

  const cardsFor = (id: string, channel?: string) =>
    teams.cards(channel).filter((c) => JSON.stringify(c.card).includes(id));

  it('a lead that arrives before the app is installed waits, then is posted after the install', async () => {
    const res = await postLead(app, contactMePayload);
    assert.equal(res.status, 202);
    await app.outbox.tick();
    assert.equal(cardsFor(res.body.id).length, 0);
    assert.equal((await app.leads.get(res.body.id))?.delivery.state, 'pending');
    await install(app, teams);
    await waitFor('card after install', () => cardsFor(res.body.id, teams.team.id)[0]);
  });

  it('subscribe with filters sends AppSource leads to one channel and Azure leads to another', async () => {
    await install(app, teams);
    await sendActivity(app, teams.mentionActivity('subscribe appsource', APPSOURCE));
    await sendActivity(app, teams.mentionActivity('subscribe azure country US', AZURE));
    await waitFor('two confirmations', () => teams.replies().length >= 2);
    assert.match(JSON.stringify(teams.replies()[0].body), /subscribed/i);

    const appsource = await postLead(app, contactMePayload); // AppSource-PLT
    const azure = await postLead(app, docSamplePayload); // AzureMarketplace INS, country USA
    await waitFor('appsource card', () => cardsFor(appsource.body.id, APPSOURCE)[0]);
    await waitFor('azure card', () => cardsFor(azure.body.id, AZURE)[0]);
    assert.equal(cardsFor(appsource.body.id, AZURE).length, 0);
    assert.equal(cardsFor(azure.body.id, APPSOURCE).length, 0);
    // General is subscribed to all leads since the install, so it gets both as well.
    assert.equal(cardsFor(appsource.body.id, teams.team.id).length, 1);
  });

  it('a lead no filter matches goes to the default channel', async () => {
    await install(app, teams);
    await sendActivity(app, teams.mentionActivity('unsubscribe', teams.team.id));
    await sendActivity(app, teams.mentionActivity('subscribe azure', AZURE));
    await waitFor('confirmations', () => teams.replies().length >= 2);
    const res = await postLead(app, contactMePayload); // AppSource: nobody asked for it
    await waitFor('card in default channel', () => cardsFor(res.body.id, teams.team.id)[0]);
    assert.equal(cardsFor(res.body.id, AZURE).length, 0);
  });

  it('a bad subscribe command gets a sentence saying what is expected', async () => {
    await install(app, teams);
    await sendActivity(app, teams.mentionActivity('subscribe everything please', AZURE));
    const reply = await waitFor('reply', () => teams.replies()[0]);
    assert.match(String(reply.body.text), /Expected: subscribe \[appsource/);
    assert.notEqual((await app.installs.getChannel(AZURE))?.subscribed, true, 'nothing was subscribed');
  });

  it('help lists the commands', async () => {
    await install(app, teams);
    await sendActivity(app, teams.mentionActivity('help'));
    const reply = await waitFor('reply', () => teams.replies()[0]);
    assert.match(String(reply.body.text), /subscribe/);
    assert.match(String(reply.body.text), /unsubscribe/);
  });

  it('uninstalling the app forgets the team; later leads wait instead of being lost', async () => {
    await install(app, teams);
    for (const a of teams.uninstallActivities()) await sendActivity(app, a);
    assert.equal((await app.installs.channels()).length, 0);
    const res = await postLead(app, contactMePayload);
    await app.outbox.tick();
    assert.equal((await app.leads.get(res.body.id))?.delivery.state, 'pending');
    await install(app, teams);
    await waitFor('card after reinstall', () => cardsFor(res.body.id)[0]);
  });

  it('a 403 BotNotInConversationRoster removes the channel and the lead waits for another', async () => {
    await install(app, teams);
    teams.fail({ status: 403, code: 'BotNotInConversationRoster', ops: ['create'] });
    const res = await postLead(app, contactMePayload);
    await waitFor('install forgotten', async () => (await app.installs.channels()).length === 0);
    const lead = await waitFor('lead unrouted', async () => {
      const l = await app.leads.get(res.body.id);
      return l && !l.delivery.targets && !l.delivery.lease ? l : undefined;
    });
    assert.equal(lead.delivery.state, 'pending');
    await install(app, teams);
    await waitFor('card after reinstall', () => cardsFor(res.body.id)[0]);
  });
});
