/**
 * Every number the eligibility rules use; from configuration (`AppConfig['eligibility']`), never
 * code. Declared here because configuration owns the shape it reads; the engine re-exports it.
 */
export interface EligibilityPolicy {
  /** Stored with every verdict, so an assignment says which rules it was made under. */
  ruleSetVersion: string;
  /** The legal minimum working age (15). */
  minimumWorkerAge: number;
  /** Workers under this age are minors (18). */
  adultAge: number;
  /** Minors: at most this many hours in a KST day (7) and a Monday–Sunday KST week (35). */
  minorMaxDailyHours: number;
  minorMaxWeeklyHours: number;
  /** Minors may not work between these KST hours (22 to 6). */
  minorNightStartHour: number;
  minorNightEndHour: number;
  /** Adults: at most this many hours in a Monday–Sunday KST week, this shift included (52). */
  adultMaxWeeklyHours: number;
  /** Anyone: at most this many hours in a KST day, this shift included. */
  maxDailyHours: number;
  /** Hours of rest required between the end of one shift and the start of the next (11). */
  minimumRestHours: number;
  /** Minutes kept free before and after another assignment (travel). */
  travelBufferMinutes: number;
  /** A worker with this many no-shows or more in the window is not eligible. */
  maxNoShows: number;
  noShowWindowDays: number;
}
