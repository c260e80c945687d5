/** Who someone is for Lead Desk: manager, owner of the lead, or any seller in the channel. */
import assert from 'node:assert/strict';
import { isManager, roleOf, sameActor } from '../../src/leads/roles';
import type { Actor } from '../../src/leads/lead';
import { ANA, BEN, MAYA, claimedByAna, makeLead } from '../support/leadFixtures';

/** Maya is a manager by her Entra object id, as MANAGER_IDS usually lists them. */
const MANAGER_IDS = [MAYA.aadObjectId];

describe('leads/roles', () => {
  describe('isManager', () => {
    it('recognises a manager by Entra (AAD) object id', () => {
      assert.equal(isManager(MAYA, MANAGER_IDS), true);
      assert.equal(isManager({ aadObjectId: MAYA.aadObjectId }, MANAGER_IDS), true);
    });

    it('recognises a manager by Teams user id', () => {
      assert.equal(isManager(MAYA, [MAYA.id]), true);
      assert.equal(isManager({ id: MAYA.id }, [MAYA.id]), true);
    });

    it('recognises a manager listed by Teams id even when the actor also has an AAD object id', () => {
      assert.equal(isManager({ id: MAYA.id, aadObjectId: 'aad-not-listed' }, [MAYA.id]), true);
    });

    it('is false for someone listed neither way', () => {
      assert.equal(isManager(ANA, MANAGER_IDS), false);
      assert.equal(isManager(ANA, []), false);
    });

    it('is false for someone with no ids at all, even against an empty string in the list', () => {
      assert.equal(isManager({}, MANAGER_IDS), false);
      assert.equal(isManager({ id: '', aadObjectId: '' }, ['']), false);
    });
  });

  describe('sameActor', () => {
    it('compares by AAD object id when both have one, whatever their Teams ids', () => {
      assert.equal(sameActor(ANA, { ...ANA, id: '29:other-mri' }), true);
      assert.equal(sameActor(ANA, { ...ANA, aadObjectId: BEN.aadObjectId }), false);
    });

    it('falls back to the Teams user id when one of them has no AAD object id', () => {
      const anaFromChat: Actor = { id: ANA.id, name: 'Ana' };
      assert.equal(sameActor(ANA, anaFromChat), true);
      assert.equal(sameActor(anaFromChat, ANA), true);
      assert.equal(sameActor({ id: BEN.id, name: 'Ben' }, ANA), false);
    });

    it('is false when either side is missing (a lead with no owner)', () => {
      assert.equal(sameActor(undefined, ANA), false);
      assert.equal(sameActor(ANA, undefined), false);
      assert.equal(sameActor(undefined, undefined), false);
    });
  });

  describe('roleOf', () => {
    it("makes the lead's owner its owner", () => {
      assert.equal(roleOf(claimedByAna(), ANA, MANAGER_IDS), 'owner');
    });

    it('makes a manager a manager, on a lead they do not own', () => {
      assert.equal(roleOf(claimedByAna(), MAYA, MANAGER_IDS), 'manager');
    });

    it('makes a manager who owns the lead a manager: manager wins over owner', () => {
      assert.equal(roleOf(claimedByAna({ owner: MAYA }), MAYA, MANAGER_IDS), 'manager');
    });

    it('makes anyone else a seller, and everyone but a manager a seller on an unowned lead', () => {
      assert.equal(roleOf(claimedByAna(), BEN, MANAGER_IDS), 'seller');
      assert.equal(roleOf(makeLead(), ANA, MANAGER_IDS), 'seller');
      assert.equal(roleOf(makeLead(), MAYA, MANAGER_IDS), 'manager');
    });

    it('recognises the owner by Teams id when the click carries no AAD object id', () => {
      assert.equal(roleOf(claimedByAna(), { id: ANA.id, name: ANA.name }, MANAGER_IDS), 'owner');
    });
  });
});
