// Calendar arithmetic on YYYY-MM-DD strings in UTC, so no time zone or clock can shift a date.
const DAY_MS = 86_400_000;

export const toEpochDay = (iso: string): number => Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
export const fromEpochDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
export const isIsoDate = (s: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(s) && fromEpochDay(toEpochDay(s)) === s;
