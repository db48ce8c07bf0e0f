import { describe, expect, it } from 'vitest';
import {
  goalsChoice,
  goalsChoiceSentence,
  hrEmailedOfAcknowledgement,
} from '../../functions/domain/acknowledgement.ts';
import { RuleViolation } from '../../functions/domain/cycle.ts';

describe('goalsChoice', () => {
  it('adds goals only on the employee\u2019s own tick', () => {
    expect(goalsChoice({ offered: true, disagree: false, acceptGoals: true })).toBe('accepted');
    expect(goalsChoice({ offered: true, disagree: false, acceptGoals: false })).toBe('not-accepted');
  });
  it('never adds goals with a disagreement: disagreeing alone declines them, ticking both is refused', () => {
    expect(goalsChoice({ offered: true, disagree: true, acceptGoals: false })).toBe('disagreed');
    expect(() => goalsChoice({ offered: true, disagree: true, acceptGoals: true })).toThrow(RuleViolation);
    try {
      goalsChoice({ offered: true, disagree: true, acceptGoals: true });
    } catch (error) {
      expect((error as RuleViolation).message).toContain('nothing was sent');
      expect((error as RuleViolation).details.join(' ')).toContain('Untick "Add the proposed goals to my goals"');
    }
  });
  it('is no choice when no goals were offered (none proposed, or the manager confirmed them already)', () => {
    expect(goalsChoice({ offered: false, disagree: true, acceptGoals: true })).toBe('none-offered');
    expect(goalsChoice({ offered: false, disagree: false, acceptGoals: false })).toBe('none-offered');
  });
});

describe('goalsChoiceSentence', () => {
  it('says exactly what the employee chose', () => {
    expect(goalsChoiceSentence('accepted', 1)).toBe('They accepted the proposed goal; it is now among their goals.');
    expect(goalsChoiceSentence('accepted', 2)).toBe(
      'They accepted the 2 proposed goals; they are now among their goals.',
    );
    expect(goalsChoiceSentence('not-accepted', 2)).toMatch(
      /^They did not accept the 2 proposed goals; nothing was added to their goals\./,
    );
    expect(goalsChoiceSentence('disagreed', 1)).toMatch(
      /^Because they disagree with the appraisal, the proposed goal was not added to their goals\./,
    );
    expect(goalsChoiceSentence('none-offered', 0)).toBeUndefined();
  });
});

describe('hrEmailedOfAcknowledgement', () => {
  it('emails HR about a comment or a disagreement, and not about a plain acknowledgement', () => {
    expect(hrEmailedOfAcknowledgement({ disagree: false })).toBe(false);
    expect(hrEmailedOfAcknowledgement({ disagree: false, comment: '' })).toBe(false);
    expect(hrEmailedOfAcknowledgement({ disagree: false, comment: 'Thanks' })).toBe(true);
    expect(hrEmailedOfAcknowledgement({ disagree: true })).toBe(true);
  });
});
