/** Card clicks are parsed once at the boundary; every input a card form sends reaches the lifecycle command. */
import assert from 'node:assert/strict';
import { commandFor, parseExecuteValue, parseSubmitValue, MAX_INPUT } from '../../../src/teams/actions/actionParsers';
import { FORM_INPUTS } from '../../../src/teams/views/leadViews';

const execute = (verb: unknown, data: Record<string, unknown>, trigger = 'manual') =>
  parseExecuteValue({ action: { type: 'Action.Execute', verb, data }, trigger });

describe('teams/actionParsers', () => {
  it('every input id of every card form is read by the parser and lands in the command', () => {
    for (const [verb, fields] of Object.entries(FORM_INPUTS)) {
      const data: Record<string, string> = { leadId: 'L1' };
      for (const f of fields)
        data[f] = f.toLowerCase().includes('date')
          ? '2099-03-04'
          : f === 'assignee'
            ? '29:ben|Ben'
            : f === 'rating'
              ? 'warm'
              : f === 'reason'
                ? 'no-budget'
                : f === 'nextTouchTime'
                  ? '14:30'
                  : `value of ${f}`;
      const parsed = execute(verb, data);
      assert.ok(parsed.ok, verb);
      const command = JSON.stringify(commandFor(parsed.value));
      for (const f of fields) {
        const expected = f.toLowerCase().includes('date')
          ? '2099-03-04'
          : f === 'assignee'
            ? '29:ben'
            : f === 'nextTouchTime'
              ? '14:30'
              : data[f];
        assert.ok(command.includes(expected), `${verb}: ${f} reaches the command (${command})`);
      }
    }
  });

  it('a snooze date from the Log touch form becomes the next touch at 09:00 UTC', () => {
    const parsed = execute('touch', { leadId: 'L1', touchNote: 'voicemail', snoozeDate: '2099-05-06' });
    assert.ok(parsed.ok);
    assert.deepEqual(commandFor(parsed.value), {
      verb: 'touch',
      note: 'voicemail',
      nextTouchAt: '2099-05-06T09:00:00.000Z',
    });
  });

  it('an automatic refresh is recognised as such', () => {
    const parsed = execute('refresh', { leadId: 'L1' }, 'automatic');
    assert.ok(parsed.ok && parsed.value.trigger === 'automatic');
  });

  it('an unknown verb, a missing lead id and oversized text are refused with coded errors', () => {
    const unknown = execute('explode', { leadId: 'L1' });
    assert.ok(!unknown.ok && unknown.error.code === 'action.unknown-verb');
    const noId = execute('claim', {});
    assert.ok(!noId.ok && noId.error.code === 'action.missing-lead-id');
    const long = execute('qualify', { leadId: 'L1', notes: 'x'.repeat(MAX_INPUT + 1) });
    assert.ok(!long.ok && long.error.code === 'action.input-too-long');
    const object = execute('qualify', { leadId: 'L1', notes: { a: 1 } });
    assert.ok(!object.ok && object.error.code === 'action.invalid-input');
  });

  it('the Action.Submit fallback carries the verb next to the data', () => {
    const parsed = parseSubmitValue({ verb: 'Claim', leadId: 'L1' });
    assert.ok(parsed.ok);
    assert.equal(parsed.value.verb, 'claim');
    assert.equal(parsed.value.leadId, 'L1');
  });
});
