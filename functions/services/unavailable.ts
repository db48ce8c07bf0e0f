import type { CycleRecord } from '#store/cycles.ts';

/** A link whose cycle or person is gone, or whose cycle HR cancelled: the page says so and shows nothing else. */
export type Unavailable = { state: 'gone' } | { state: 'cancelled'; cycle: CycleRecord };
