import { registerEnumType } from 'type-graphql';

export enum ParetoClass { A = 'A', B = 'B', C = 'C' }
registerEnumType(ParetoClass, {
  name: 'ParetoClass',
  description: 'Customers ordered by 12-month gross margin (highest first, ties by id): A make up the first 80 % of the total positive margin, C have zero or negative margin, B are the rest.',
  valuesConfig: {
    A: { description: 'Among those whose margins, from the highest down, make up the first 80 % of the total (the customer whose margin crosses 80 % is A too).' },
    B: { description: 'Positive margin, after the first 80 %.' },
    C: { description: 'Zero or negative 12-month margin (including customers without orders).' },
  },
});

export enum LoyaltyLevel { HIGH = 'HIGH', LOW = 'LOW' }
registerEnumType(LoyaltyLevel, {
  name: 'LoyaltyLevel',
  description: 'High or low, for the attitude (latest NPS ≥ 9) and the behaviour (growing revenue and frequency ≥ the median) of a customer.',
  valuesConfig: {
    HIGH: { description: 'Attitude: the latest NPS answer is 9 or 10. Behaviour: revenue is growing and the customer orders at least as often as the median.' },
    LOW: { description: 'Not HIGH, including unknown (no NPS answer; no orders).' },
  },
});

/** The eight C3 segments: attitude × behaviour × value (Pareto A), as (attitude, behaviour, value). */
export enum C3Segment {
  CHAMPION = 'CHAMPION', PASSIVE_LOYAL = 'PASSIVE_LOYAL', AT_RISK_ADVOCATE = 'AT_RISK_ADVOCATE', AT_RISK_VALUABLE = 'AT_RISK_VALUABLE',
  RISING_FAN = 'RISING_FAN', HABITUAL_BUYER = 'HABITUAL_BUYER', FRIENDLY_OCCASIONAL = 'FRIENDLY_OCCASIONAL', DRIFTER = 'DRIFTER',
}
/** attitude, behaviour, value → segment (in the order of the enum). */
export const C3_SEGMENTS: readonly [attitude: 'HIGH' | 'LOW', behaviour: 'HIGH' | 'LOW', value: 'HIGH' | 'LOW', segment: C3Segment][] = [
  ['HIGH', 'HIGH', 'HIGH', C3Segment.CHAMPION],
  ['LOW', 'HIGH', 'HIGH', C3Segment.PASSIVE_LOYAL],
  ['HIGH', 'LOW', 'HIGH', C3Segment.AT_RISK_ADVOCATE],
  ['LOW', 'LOW', 'HIGH', C3Segment.AT_RISK_VALUABLE],
  ['HIGH', 'HIGH', 'LOW', C3Segment.RISING_FAN],
  ['LOW', 'HIGH', 'LOW', C3Segment.HABITUAL_BUYER],
  ['HIGH', 'LOW', 'LOW', C3Segment.FRIENDLY_OCCASIONAL],
  ['LOW', 'LOW', 'LOW', C3Segment.DRIFTER],
];
registerEnumType(C3Segment, {
  name: 'C3Segment',
  description: 'Attitude (latest NPS ≥ 9) × behaviour (revenue of the last 12 months above the 12 before, and completed orders in 365 days ≥ the median of customers with orders) × value (Pareto A). Only for customers with at least one completed order.',
  valuesConfig: {
    CHAMPION: { description: 'High attitude, high behaviour, high value: loves us, buys more, worth most. Keep and reward.' },
    PASSIVE_LOYAL: { description: 'Low attitude, high behaviour, high value: buys more and is worth most without being attached — no better choice yet. Vulnerable to a competitor.' },
    AT_RISK_ADVOCATE: { description: 'High attitude, low behaviour, high value: worth most and likes us, but buys less. Win back before the attitude follows.' },
    AT_RISK_VALUABLE: { description: 'Low attitude, low behaviour, high value: worth most, neither attached nor growing. The highest-stakes churn risk.' },
    RISING_FAN: { description: 'High attitude, high behaviour, low value: likes us and buys more, not (yet) among the most valuable. Develop.' },
    HABITUAL_BUYER: { description: 'Low attitude, high behaviour, low value: buys more out of habit or convenience, not attachment.' },
    FRIENDLY_OCCASIONAL: { description: 'High attitude, low behaviour, low value: likes us but buys little. Activate.' },
    DRIFTER: { description: 'Low attitude, low behaviour, low value: low priority.' },
  },
});

export enum ChurnLevel { LOW = 'LOW', MEDIUM = 'MEDIUM', HIGH = 'HIGH' }
registerEnumType(ChurnLevel, {
  name: 'ChurnLevel',
  description: 'Churn risk: HIGH when the score is 60 or more, or the customer is past twice its own typical interval between orders; MEDIUM from 30; LOW below.',
  valuesConfig: { LOW: { description: 'Score below 30.' }, MEDIUM: { description: 'Score 30–59.' }, HIGH: { description: 'Score 60 or more, or beyond 2× the typical interval.' } },
});

export enum ChurnRiskReason {
  OVERDUE_ORDER = 'OVERDUE_ORDER', OPEN_COMPLAINTS = 'OPEN_COMPLAINTS', FALLING_TREND = 'FALLING_TREND', NPS_DROPPED = 'NPS_DROPPED',
}
registerEnumType(ChurnRiskReason, {
  name: 'ChurnRiskReason',
  description: 'What raised a customer\'s churn score (each comes with the figure that triggered it).',
  valuesConfig: {
    OVERDUE_ORDER: { description: 'Days since the last completed order over the customer\'s own typical interval between orders (needs 2 orders): figure = the ratio; over 1: +20, over 1.5: +35, over 2: +60 and HIGH.' },
    OPEN_COMPLAINTS: { description: 'Open COMPLAINT cases: figure = how many; +15 each, at most +30.' },
    FALLING_TREND: { description: 'Revenue of the last 12 months below the 12 before: figure = trendPercent; +10, or +20 below −20 %.' },
    NPS_DROPPED: { description: 'The latest NPS answer is lower than the one before: figure = the drop in points; +15.' },
  },
});
