/** The dunning table: the stage a receivable reaches by days overdue (the overdue job computes the same in SQL). */
import { DunningStage } from '../../src/entities/finance.enums';
import { dunningStageFor } from '../../src/services/collection.service';

test.each([
  [1, DunningStage.REMINDER],
  [14, DunningStage.REMINDER],
  [15, DunningStage.NOTICE],
  [30, DunningStage.NOTICE],
  [31, DunningStage.ESCALATED],
  [60, DunningStage.ESCALATED],
  [61, DunningStage.COLLECTION_AGENCY],
  [3650, DunningStage.COLLECTION_AGENCY],
])('%i days overdue: %s', (days, stage) => {
  expect(dunningStageFor(days)).toBe(stage);
});

test('below one day (not yet overdue) it is still the first stage, never nothing', () => {
  expect(dunningStageFor(0)).toBe(DunningStage.REMINDER);
});
