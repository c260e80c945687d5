/**
 * The sales team decides where leads go: `@Lead Desk subscribe …` per channel; a lead goes to every matching
 * channel, else to the default channel; leads wait (not lost) while no channel can take them.
 */
import assert from 'node:assert/strict';
import { contactMePayload, docSamplePayload } from '../support/payloads';
import { install, postLead, sendActivity, useBot, waitFor } from '../support/harness';

const APPSOURCE = '19:appsource-leads@thread.tacv2';
const AZURE = '19:azure-leads@thread.tacv2';

describe('routing: leads go to the channels that asked for them', () => {
  const scenario = useBot({ install: false });

  const cardsFor = (id: string, channel?: string) =>
    scenario.teams.cards(channel).filter((c) => JSON.stringify(c.card).includes(id));

  it('a lead that arrives before the app is installed waits, then is posted after the install', async () => {
    const res = await postLead(scenario.app, contactMePayload);
    assert.equal(res.status, 202);
    await scenario.app.outbox.tick();
    assert.equal(cardsFor(res.body.id).length, 0);
    assert.equal((await scenario.app.leads.get(res.body.id))?.delivery.state, 'pending');
    await install(scenario.app, scenario.teams);
    await waitFor('card after install', () => cardsFor(res.body.id, scenario.teams.team.id)[0]);
  });

  it('subscribe with filters sends AppSource leads to one channel and Azure leads to another', async () => {
    await install(scenario.app, scenario.teams);
    await sendActivity(scenario.app, scenario.teams.mentionActivity('subscribe appsource', APPSOURCE));
    await sendActivity(scenario.app, scenario.teams.mentionActivity('subscribe azure country US', AZURE));
    await waitFor('two confirmations', () => scenario.teams.replies().length >= 2);
    assert.match(JSON.stringify(scenario.teams.replies()[0].body), /subscribed/i);

    const appsource = await postLead(scenario.app, contactMePayload); // AppSource-PLT
    const azure = await postLead(scenario.app, docSamplePayload); // AzureMarketplace INS, country USA
    await waitFor('appsource card', () => cardsFor(appsource.body.id, APPSOURCE)[0]);
    await waitFor('azure card', () => cardsFor(azure.body.id, AZURE)[0]);
    assert.equal(cardsFor(appsource.body.id, AZURE).length, 0);
    assert.equal(cardsFor(azure.body.id, APPSOURCE).length, 0);
    // General is subscribed to all leads since the install, so it gets both as well.
    assert.equal(cardsFor(appsource.body.id, scenario.teams.team.id).length, 1);
  });

  it('a lead no filter matches goes to the default channel', async () => {
    await install(scenario.app, scenario.teams);
    await sendActivity(scenario.app, scenario.teams.mentionActivity('unsubscribe', scenario.teams.team.id));
    await sendActivity(scenario.app, scenario.teams.mentionActivity('subscribe azure', AZURE));
    await waitFor('confirmations', () => scenario.teams.replies().length >= 2);
    const res = await postLead(scenario.app, contactMePayload); // AppSource: nobody asked for it
    await waitFor('card in default channel', () => cardsFor(res.body.id, scenario.teams.team.id)[0]);
    assert.equal(cardsFor(res.body.id, AZURE).length, 0);
  });

  it('a bad subscribe command gets a sentence saying what is expected', async () => {
    await install(scenario.app, scenario.teams);
    await sendActivity(scenario.app, scenario.teams.mentionActivity('subscribe everything please', AZURE));
    const reply = await waitFor('reply', () => scenario.teams.replies()[0]);
    assert.match(String(reply.body.text), /Expected: subscribe \[appsource/);
    assert.notEqual((await scenario.app.installs.getChannel(AZURE))?.subscribed, true, 'nothing was subscribed');
  });

  it('help lists the commands', async () => {
    await install(scenario.app, scenario.teams);
    await sendActivity(scenario.app, scenario.teams.mentionActivity('help'));
    const reply = await waitFor('reply', () => scenario.teams.replies()[0]);
    assert.match(String(reply.body.text), /subscribe/);
    assert.match(String(reply.body.text), /unsubscribe/);
  });

  it('uninstalling the app forgets the team; later leads wait instead of being lost', async () => {
    await install(scenario.app, scenario.teams);
    for (const a of scenario.teams.uninstallActivities()) await sendActivity(scenario.app, a);
    assert.equal((await scenario.app.installs.channels()).length, 0);
    const res = await postLead(scenario.app, contactMePayload);
    await scenario.app.outbox.tick();
    assert.equal((await scenario.app.leads.get(res.body.id))?.delivery.state, 'pending');
    await install(scenario.app, scenario.teams);
    await waitFor('card after reinstall', () => cardsFor(res.body.id)[0]);
  });

  it('a 403 BotNotInConversationRoster removes the channel and the lead waits for another', async () => {
    await install(scenario.app, scenario.teams);
    scenario.teams.fail({ status: 403, code: 'BotNotInConversationRoster', ops: ['create'] });
    const res = await postLead(scenario.app, contactMePayload);
    await waitFor('install forgotten', async () => (await scenario.app.installs.channels()).length === 0);
    const lead = await waitFor('lead unrouted', async () => {
      const l = await scenario.app.leads.get(res.body.id);
      return l && !l.delivery.targets && !l.delivery.lease ? l : undefined;
    });
    assert.equal(lead.delivery.state, 'pending');
    await install(scenario.app, scenario.teams);
    await waitFor('card after reinstall', () => cardsFor(res.body.id)[0]);
  });
});
